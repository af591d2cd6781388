"""A local SPARQL endpoint: the Oxigraph server (``oxigraph`` from PyPI) over the built store.

The server listens on 127.0.0.1 only, read-only unless asked, with the
default graph as the union of the named graphs (as local queries see it).
SPARQL 1.1 Protocol at ``/query``; YASGUI, SPARQLWrapper or
``pgraph query --endpoint`` can use it.

Example:
    >>> with start_server(built_store) as server:  # doctest: +SKIP
    ...     run_query("practices-per-domain", endpoint=server.url)
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import IO

from pgraph.errors import StoreError
from pgraph.store import require_store

START_TIMEOUT = 20.0
"""Seconds to wait for the server to answer before giving up."""


def oxigraph_command() -> str:
    """Return the path of the ``oxigraph`` console script (next to Python, else on PATH)."""
    beside = Path(sys.executable).with_name("oxigraph")
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which("oxigraph")
    if found is None:
        raise StoreError(
            "the oxigraph server is not installed",
            hint="pip install oxigraph (it provides the `oxigraph` command)",
        )
    return found


@cache
def _supports_union_default_graph(command: str, mode: str) -> bool:
    try:
        help_text = subprocess.run(
            [command, mode, "--help"], capture_output=True, text=True, timeout=30
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return "--union-default-graph" in help_text


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_command(store_path: Path, port: int, *, writable: bool = False) -> list[str]:
    """Return the command line that serves ``store_path`` on 127.0.0.1:``port``.

    Example:
        >>> server_command(Path("s"), 7878)[1:]  # doctest: +ELLIPSIS
        ['serve-read-only', '--location', 's', '--bind', '127.0.0.1:7878', ...]
    """
    command = oxigraph_command()
    mode = "serve" if writable else "serve-read-only"
    args = [command, mode, "--location", str(store_path), "--bind", f"127.0.0.1:{port}"]
    if _supports_union_default_graph(command, mode):
        args.append("--union-default-graph")
    return args


@dataclass
class ServerHandle:
    """A running Oxigraph server: its URLs and process; a context manager that stops it."""

    process: subprocess.Popen
    port: int
    store_path: Path
    writable: bool = False
    log: IO[bytes] | None = field(default=None, repr=False)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        """The SPARQL query endpoint."""
        return f"{self.base_url}/query"

    @property
    def update_url(self) -> str:
        """The SPARQL update endpoint (only with ``writable``)."""
        return f"{self.base_url}/update"

    def running(self) -> bool:
        return self.process.poll() is None

    def stop(self, timeout: float = 10.0) -> int | None:
        """Stop the server (SIGTERM, then SIGKILL after ``timeout``) and return its exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.log is not None:
            self.log.close()
        return self.process.returncode

    def __enter__(self) -> ServerHandle:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def start_server(
    store_path: Path, port: int | None = None, *, writable: bool = False,
    timeout: float = START_TIMEOUT,
) -> ServerHandle:
    """Start the Oxigraph server on a built store and return once it answers queries.

    ``port`` None picks a free one. Raises StoreError when there is no store,
    the port is taken or the server does not come up.

    Example:
        >>> with start_server(Path(".pgraph/store")) as server:  # doctest: +SKIP
        ...     print(server.url)
        http://127.0.0.1:…/query
    """
    store_path = require_store(store_path)
    chosen = port or free_port()
    if port and not _port_free(port):
        raise StoreError(f"port {port} on 127.0.0.1 is already in use",
                         hint="choose another with --port")
    # A file, not a pipe: a long-running server must never block on a full pipe.
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed by ServerHandle.stop
    process = subprocess.Popen(
        server_command(store_path, chosen, writable=writable),
        stdin=subprocess.DEVNULL, stdout=log, stderr=log,
        start_new_session=True,  # Ctrl-C reaches pgraph, which stops the server cleanly
        preexec_fn=_die_with_parent,
    )
    handle = ServerHandle(process, chosen, store_path, writable, log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            stderr = log.read().decode(errors="replace")
            handle.stop()
            raise StoreError(
                f"the Oxigraph server stopped at once: {_last_line(stderr) or 'no message'}",
                path=str(store_path),
                hint="is the port taken, or is a build writing to the store?",
            )
        if _answers(handle.url) and process.poll() is None:
            return handle
        time.sleep(0.1)
    handle.stop()
    raise StoreError(f"the Oxigraph server did not answer within {timeout:g} s",
                     path=str(store_path))


def _die_with_parent() -> None:
    """In the child: ask Linux to stop the server if pgraph dies (no orphaned servers)."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _answers(url: str) -> bool:
    request = urllib.request.Request(
        url + "?query=ASK%7B%7D", headers={"Accept": "application/sparql-results+json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""


def serve_forever(handle: ServerHandle) -> int | None:
    """Wait until the server exits or pgraph gets Ctrl-C or SIGTERM; stop it; return its code."""
    previous = signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    try:
        handle.process.wait()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        code = handle.stop()
    return code


def _raise_keyboard_interrupt(signum, frame) -> None:
    raise KeyboardInterrupt
