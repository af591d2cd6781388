"""Real triple stores on 127.0.0.1 for integration tests: the Oxigraph server and Virtuoso 7.

Each fixture starts the real server on free ports, polls until it answers,
and stops it afterwards. Use them by importing the fixtures into a test
module::

    from tests.servers import oxigraph_server, virtuoso_server  # noqa: F401

Virtuoso (Debian ``virtuoso-opensource-7-bin``) is skipped with an install
hint when ``virtuoso-t`` is missing; ``PGRAPH_REQUIRE_SERVERS=1`` (CI) turns
that skip into a failure (see conftest.py).

What Virtuoso needs, found by trying: a minimal ini (``[Database]``,
``[TempDatabase]``, ``[Parameters]``, ``[HTTPServer]``), then, through
``isql-vt``, ``GRANT SPARQL_UPDATE TO "SPARQL";`` — that one grant opens both
SPARQL Update at ``/sparql`` and the Graph Store Protocol at
``/sparql-graph-crud`` to the anonymous user. The digest-authenticated
endpoints (``/sparql-auth``, ``/sparql-graph-crud-auth``) accept ``dba``/``dba``.
"""

from __future__ import annotations

import contextlib
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from pgraph import serve
from pgraph.errors import StoreError
from pgraph.serve import free_port

VIRTUOSO_HINT = "Virtuoso is not installed: apt-get install -y virtuoso-opensource-7-bin"


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _wait_until_ready(process: subprocess.Popen, url: str, *, seconds: float, log: Path) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}:\n"
                               + log.read_text(errors="replace")[-3000:])
        if _answers(url):
            return
        time.sleep(0.2)
    _stop(process)
    raise RuntimeError(f"the server did not answer {url} within {seconds} s:\n"
                       + log.read_text(errors="replace")[-3000:])


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


# ---------------------------------------------------------------- Oxigraph


@dataclass(frozen=True)
class OxigraphServer:
    """A running Oxigraph server (``pgraph.serve.start_server``): query, update and GSP URLs."""

    base: str
    location: Path

    @property
    def query(self) -> str:
        return f"{self.base}/query"

    @property
    def update(self) -> str:
        return f"{self.base}/update"

    @property
    def store(self) -> str:
        return f"{self.base}/store"


def oxigraph_command() -> str:
    """Return the ``oxigraph`` executable pgraph serve runs (skip the test when there is none)."""
    try:
        return serve.oxigraph_command()
    except StoreError as error:
        pytest.skip(str(error))


@contextlib.contextmanager
def running_oxigraph(
    folder: Path, *, load: Sequence[Path] = (), union_default_graph: bool = False
) -> Iterator[OxigraphServer]:
    """Run the Oxigraph server on a free port with a store in ``folder`` (``load``ed first).

    The server is started by the product's own launcher,
    :func:`pgraph.serve.start_server`, writable (the tests publish to it).
    """
    command = oxigraph_command()
    location = folder / "oxigraph"
    location.mkdir(parents=True, exist_ok=True)
    for file in load:
        subprocess.run([command, "load", "--location", str(location), "--file", str(file)],
                       check=True, capture_output=True)
    with serve.start_server(location, writable=True, create=True, timeout=30,
                            union_default_graph=union_default_graph) as handle:
        yield OxigraphServer(handle.base_url, location)


@pytest.fixture
def oxigraph_server(tmp_path) -> Iterator[OxigraphServer]:
    """An empty Oxigraph server (named graphs queried with GRAPH, as in any store)."""
    with running_oxigraph(tmp_path) as server:
        yield server


# ---------------------------------------------------------------- Virtuoso


@dataclass(frozen=True)
class VirtuosoServer:
    """A running Virtuoso 7: its SPARQL endpoint and Graph Store URLs, plain and digest-auth."""

    base: str
    sql_port: int
    folder: Path
    user: str = "dba"
    password: str = "dba"

    @property
    def sparql(self) -> str:
        return f"{self.base}/sparql"

    @property
    def graph_store(self) -> str:
        return f"{self.base}/sparql-graph-crud"

    @property
    def sparql_auth(self) -> str:
        return f"{self.base}/sparql-auth"

    @property
    def graph_store_auth(self) -> str:
        return f"{self.base}/sparql-graph-crud-auth"

    def isql(self, statement: str) -> str:
        """Run one SQL statement through ``isql-vt`` and return its output."""
        done = subprocess.run(
            ["isql-vt", f"127.0.0.1:{self.sql_port}", self.user, self.password,
             f"exec={statement}"],
            capture_output=True, text=True, timeout=60,
        )
        if done.returncode != 0 or "*** Error" in done.stdout:
            raise RuntimeError(f"isql-vt failed on {statement!r}:\n{done.stdout}{done.stderr}")
        return done.stdout


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
Striping = 0

[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DirsAllowed = ., {folder}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
CheckpointInterval = 0

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {folder}
MaxClientConnections = 8
ServerThreads = 8

[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 0
"""


@contextlib.contextmanager
def running_virtuoso(folder: Path) -> Iterator[VirtuosoServer]:
    """Run ``virtuoso-t`` on free ports with a fresh database in ``folder``."""
    if not (shutil.which("virtuoso-t") and shutil.which("isql-vt")):
        pytest.skip(VIRTUOSO_HINT)
    folder.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(folder=folder, sql_port=sql_port, http_port=http_port))
    log = folder / "virtuoso.out"
    with open(log, "wb") as output:
        process = subprocess.Popen(["virtuoso-t", "-c", str(ini), "+foreground"], cwd=folder,
                                   stdout=output, stderr=subprocess.STDOUT)
    server = VirtuosoServer(f"http://127.0.0.1:{http_port}", sql_port, folder)
    try:
        ask = urllib.parse.quote("ASK {}")
        _wait_until_ready(process, f"{server.sparql}?query={ask}", seconds=90, log=log)
        # The anonymous web user is "SPARQL"; this one grant opens SPARQL Update at
        # /sparql and the Graph Store Protocol at /sparql-graph-crud.
        server.isql('GRANT SPARQL_UPDATE TO "SPARQL";')
        yield server
    finally:
        _stop(process)


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory) -> Iterator[VirtuosoServer]:
    """A Virtuoso 7 server for the whole session (starting one takes seconds)."""
    with running_virtuoso(tmp_path_factory.mktemp("virtuoso")) as server:
        yield server
