"""A local SPARQL endpoint: the Oxigraph server (``oxigraph`` from PyPI) over the built store.

The endpoint listens on 127.0.0.1 only, with the default graph as the union
of the named graphs (as local queries see it). SPARQL 1.1 Protocol at
``/query``; YASGUI, SPARQLWrapper or ``pgraph query --endpoint`` can use it.

Read-only (the default), it follows the builds: it serves a snapshot of the
store's committed state (``pgraph.store.snapshot``: hard links, taken while
no build writes), looks every ``poll`` seconds whether a build committed
since, and if so takes a new snapshot, starts an Oxigraph server on it and
switches its front (``pgraph.serve_front``) to that server between two
requests; the old server answers what it was answering, then stops. Every
answer comes from one committed build, a new build is served a second or two
after its commit (once the build has closed the store), and nothing is
restarted by hand. A query running past ``query_timeout`` gets a 503 and its
server is replaced by a fresh one on the same snapshot, so a runaway query
costs the other clients nothing but its CPU while it ran.

With ``writable`` the Oxigraph server itself serves the store (no
snapshot, no front): it is then a writer of the store, like a build.

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
import threading
import time
import urllib.error
import urllib.request
from abc import ABC, abstractmethod
from pathlib import Path
from typing import IO

from pgraph.errors import StoreError
from pgraph.processes import die_with_parent
from pgraph.serve_front import Backend, Front
from pgraph.store import require_store
from pgraph.store.snapshot import (
    SnapshotRaced,
    new_build_since,
    snapshot_store,
    store_busy,
)

START_TIMEOUT = 20.0
"""Seconds to wait for the server to answer before giving up."""
QUERY_TIMEOUT = 60.0
"""Seconds a request may run before it is stopped (``pgraph serve --timeout``)."""
POLL_INTERVAL = 1.0
"""Seconds between two looks for a new build."""
BUSY_WAIT = 3600.0
"""Seconds ``start_server`` waits for a build writing to the store to finish."""


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


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_command(
    store_path: Path,
    port: int,
    *,
    writable: bool = False,
    union_default_graph: bool = True,
    timeout: float | None = None,
) -> list[str]:
    """Return the command line that serves ``store_path`` on 127.0.0.1:``port``.

    ``union_default_graph``: the default graph is the union of the named
    graphs, as local queries see it. ``timeout``: seconds the server itself
    lets a query run. Both flags exist in oxigraph 0.5, which the package
    requires, so ``--help`` is not searched for them.

    Example:
        >>> server_command(Path("s"), 7878)[1:]  # doctest: +ELLIPSIS
        ['serve-read-only', '--location', 's', '--bind', '127.0.0.1:7878', ...]
    """
    command = oxigraph_command()
    mode = "serve" if writable else "serve-read-only"
    args = [command, mode, "--location", str(store_path), "--bind", f"127.0.0.1:{port}"]
    if union_default_graph:
        args.append("--union-default-graph")
    if timeout is not None:
        args += ["--timeout-s", str(max(1, round(timeout)))]
    return args


class ServerHandle(ABC):
    """A running endpoint: its URLs; a context manager that stops it."""

    port: int
    store_path: Path
    writable: bool = False

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

    @abstractmethod
    def running(self) -> bool:
        """True while the endpoint answers (or is about to)."""

    @abstractmethod
    def wait(self) -> int | None:
        """Block until the endpoint stops by itself; return its exit code."""

    @abstractmethod
    def stop(self, timeout: float = 10.0) -> int | None:
        """Stop the endpoint and return its exit code."""

    def __enter__(self) -> ServerHandle:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def start_server(
    store_path: Path, port: int | None = None, *, writable: bool = False,
    timeout: float = START_TIMEOUT, query_timeout: float = QUERY_TIMEOUT,
    poll: float = POLL_INTERVAL, union_default_graph: bool = True, create: bool = False,
) -> ServerHandle:
    """Start the endpoint on a built store and return once it answers queries.

    ``port`` None picks a free one. Read-only, it follows new builds (see the
    module's text); ``query_timeout`` is the longest a request may run.
    ``union_default_graph`` False (``writable`` only) leaves the default graph
    empty, as most triple stores do: named graphs are then queried with
    ``GRAPH``. ``create`` (``writable`` only) serves a store that need not
    exist yet: the server makes it, empty. Raises StoreError when there is no
    store, the port is taken or the server does not come up.

    Example:
        >>> with start_server(Path(".pgraph/store")) as server:  # doctest: +SKIP
        ...     print(server.url)
        http://127.0.0.1:…/query
    """
    if not writable and (create or not union_default_graph):
        raise StoreError("create and union_default_graph=False are for a writable server")
    store_path = Path(store_path) if create else require_store(store_path)
    if port and not _port_free(port):
        raise StoreError(f"port {port} on 127.0.0.1 is already in use",
                         hint="choose another with --port")
    if writable:
        return _start_direct(store_path, port or free_port(), timeout, union_default_graph)
    endpoint = FollowingServer(store_path, port or 0, query_timeout=query_timeout, poll=poll)
    endpoint.start(timeout)
    return endpoint


# ---------------------------------------------------------------- one Oxigraph server


def _start_oxigraph(folder: Path, port: int, *, writable: bool, timeout: float,
                    query_timeout: float | None = None, union_default_graph: bool = True,
                    ) -> tuple[subprocess.Popen, IO[bytes]]:
    """Start the Oxigraph server on ``folder`` and return once it answers (process, log)."""
    # A file, not a pipe: a long-running server must never block on a full pipe.
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed by whoever stops the server
    process = subprocess.Popen(
        server_command(folder, port, writable=writable, timeout=query_timeout,
                       union_default_graph=union_default_graph),
        stdin=subprocess.DEVNULL, stdout=log, stderr=log,
        start_new_session=True,  # Ctrl-C reaches pgraph, which stops the server cleanly
        preexec_fn=_server_dies_with_pgraph,
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            stderr = log.read().decode(errors="replace")
            log.close()
            raise StoreError(
                f"the Oxigraph server stopped at once: {_last_line(stderr) or 'no message'}",
                path=str(folder),
                hint="is the port taken, or is a build writing to the store?",
            )
        if _answers(f"http://127.0.0.1:{port}/query") and process.poll() is None:
            return process, log
        time.sleep(0.05)
    _stop_process(process)
    log.close()
    raise StoreError(f"the Oxigraph server did not answer within {timeout:g} s", path=str(folder))


def _server_dies_with_pgraph() -> None:
    """In the child: the server gets SIGTERM when pgraph (the thread that started it) dies."""
    die_with_parent(sig=signal.SIGTERM)


def _stop_process(process: subprocess.Popen, timeout: float = 10.0) -> int | None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode


class DirectServer(ServerHandle):
    """One Oxigraph server on the store itself (``writable``)."""

    def __init__(self, process: subprocess.Popen, port: int, store_path: Path,
                 log: IO[bytes]) -> None:
        self.process, self.port, self.store_path, self.log = process, port, store_path, log
        self.writable = True

    def running(self) -> bool:
        return self.process.poll() is None

    def wait(self) -> int | None:
        return self.process.wait()

    def stop(self, timeout: float = 10.0) -> int | None:
        code = _stop_process(self.process, timeout)
        self.log.close()
        return code


def _start_direct(
    store_path: Path, port: int, timeout: float, union_default_graph: bool = True
) -> DirectServer:
    process, log = _start_oxigraph(store_path, port, writable=True, timeout=timeout,
                                   union_default_graph=union_default_graph)
    return DirectServer(process, port, store_path, log)


# ---------------------------------------------------------------- following the builds


class FollowingServer(ServerHandle):
    """The read-only endpoint: a front, and Oxigraph servers on snapshots of each new build.

    ``builds_served`` counts the snapshots served (1 at start, +1 per build
    followed); ``restarts`` the servers replaced after a timeout or a crash.
    """

    def __init__(self, store_path: Path, port: int, *, query_timeout: float,
                 poll: float) -> None:
        self.store_path, self.writable = store_path, False
        self.query_timeout, self.poll = query_timeout, poll
        self._wake, self._stopping, self._ready = (threading.Event() for _ in range(3))
        self.front = Front(port, timeout=query_timeout, on_timeout=lambda _: self._wake.set())
        self.port = self.front.port
        self.snapshots = _snapshot_root(store_path)
        self.builds_served = 0
        self.restarts = 0
        self.version: tuple = ()
        self.problem: str | None = None  # the last thing that went wrong while following
        self._failure: BaseException | None = None
        self._live: dict[Backend, None] = {}  # started, not yet stopped
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []

    def start(self, timeout: float) -> None:
        self.start_timeout = timeout
        for name, target in (("front", self._serve_front), ("follower", self._follow)):
            thread = threading.Thread(target=target, daemon=True, name=f"pgraph-serve-{name}")
            thread.start()
            self._threads.append(thread)
        self._ready.wait()
        if self._failure is not None:
            self.stop()
            raise self._failure

    def running(self) -> bool:
        return not self._stopping.is_set()

    def wait(self) -> int | None:
        while not self._stopping.wait(1.0):
            pass
        return 0

    def stop(self, timeout: float = 10.0) -> int | None:
        if not self._stopping.is_set():
            self._stopping.set()
            self._wake.set()
            self.front.shutdown()
            self.front.server_close()
        for thread in self._threads:
            if thread is not threading.current_thread():
                thread.join(timeout)
        shutil.rmtree(self.snapshots, ignore_errors=True)
        return 0

    # -- the front's thread

    def _serve_front(self) -> None:
        self.front.serve_forever(poll_interval=0.2)

    # -- the follower's thread: it starts every server (they die with it)

    def _follow(self) -> None:
        try:
            try:
                backend = self._first_backend()
            except BaseException as error:
                self._failure = error
                return
            finally:
                self._ready.set()
            self.front.switch(backend)
            while not self._stopping.is_set():
                self._wake.wait(self.poll)
                self._wake.clear()
                if self._stopping.is_set():
                    break
                try:
                    self._step()
                except Exception as error:  # keep serving the current build
                    self.problem = f"{type(error).__name__}: {error}"
        finally:
            with self._lock:
                live = list(self._live)
            for backend in live:
                self._stop_backend(backend)

    def _first_backend(self) -> Backend:
        _remove_stale_snapshots(self.store_path)
        deadline = time.monotonic() + BUSY_WAIT
        while True:
            try:
                snapshot, version = self._take_snapshot()
                break
            except SnapshotRaced:
                if time.monotonic() > deadline or self._stopping.is_set():
                    raise StoreError("a build keeps the store busy", path=str(self.store_path),
                                     hint="start the server once the build is done") from None
                time.sleep(self.poll / 4)
        backend = self._start_backend(snapshot)
        self.version = version
        self.builds_served += 1
        return backend

    def _step(self) -> None:
        current = self.front.current
        if current is not None and (current.timed_out or current.process.poll() is not None):
            self._replace(self._start_backend(current.snapshot))
            self.restarts += 1
        served = self.front.current.snapshot if self.front.current else None
        if (served is None or new_build_since(self.store_path, served, self.version)) and (
            not store_busy(self.store_path)
        ):
            try:
                snapshot, version = self._take_snapshot()
            except SnapshotRaced:
                return
            self._replace(self._start_backend(snapshot))
            self.version = version
            self.builds_served += 1

    def _take_snapshot(self) -> tuple[Path, tuple]:
        self.snapshots.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(dir=self.snapshots, prefix="build-"))
        folder.rmdir()
        return folder, snapshot_store(self.store_path, folder)

    def _start_backend(self, snapshot: Path) -> Backend:
        port = free_port()
        try:
            process, log = _start_oxigraph(snapshot, port, writable=False,
                                           timeout=self.start_timeout,
                                           query_timeout=2 * self.query_timeout)
        except BaseException:
            self._forget_snapshot(snapshot)
            raise
        backend = Backend(port=port, process=process, snapshot=snapshot, extra={"log": log})
        with self._lock:
            self._live[backend] = None
        return backend

    def _replace(self, backend: Backend) -> None:
        old = self.front.switch(backend)
        if old is not None:
            threading.Thread(target=self._retire, args=(old,), daemon=True).start()

    def _retire(self, backend: Backend) -> None:
        """Stop a replaced server once it has answered its last request."""
        self.front.drain(backend, self.query_timeout + 1)
        self._stop_backend(backend)

    def _stop_backend(self, backend: Backend) -> None:
        _stop_process(backend.process)
        backend.extra["log"].close()
        with self._lock:
            self._live.pop(backend, None)
            in_use = {b.snapshot for b in self._live}
        if backend.snapshot not in in_use:
            self._forget_snapshot(backend.snapshot)

    def _forget_snapshot(self, snapshot: Path) -> None:
        current = self.front.current
        if current is None or current.snapshot != snapshot:
            shutil.rmtree(snapshot, ignore_errors=True)


def _snapshot_root(store_path: Path) -> Path:
    """Return the folder of this process's snapshots of ``store_path``, beside the store."""
    return store_path.parent / f"{store_path.name}.serve-{os.getpid()}"


def _remove_stale_snapshots(store_path: Path) -> None:
    """Remove the snapshot folders of ``pgraph serve`` processes that are gone."""
    for folder in store_path.parent.glob(f"{store_path.name}.serve-*"):
        pid = folder.name.rsplit("-", 1)[-1]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


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
    """Wait until the server exits or pgraph gets Ctrl-C or SIGTERM; stop it; return its code.

    The signal handlers only set an event that this loop polls: an exception
    raised from a handler could land inside the handle's own locks (an
    ``Event.wait`` interrupted half-way keeps its lock) and hang the stop.
    """
    asked = threading.Event()
    previous = {sig: signal.signal(sig, lambda signum, frame: asked.set())
                for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        while handle.running() and not asked.wait(0.2):
            pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if asked.is_set():
        return handle.stop()
    code = handle.wait()  # it stopped by itself
    handle.stop()
    return code


