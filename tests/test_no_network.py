"""No network unless asked: local commands connect nowhere; --endpoint and link only where told.

A socket guard replaces ``socket.socket.connect`` / ``connect_ex``,
``socket.create_connection`` and ``socket.getaddrinfo``: every attempt is
recorded (and refused), and the test fails on any attempt it did not allow —
even one the code under test caught and shrugged off. Local commands (build,
validate, stats, every library query, network stats / export / draw, dump,
describe, export, site, docs) are allowed no connection at all, not even to
127.0.0.1. Remote commands are allowed only the loopback port the test names;
``pgraph fetch`` (the one command that downloads) only the host it is given,
even when a sitemap points elsewhere.

A second check runs the same local commands in a subprocess under ``strace``
(when installed), so that a connection attempted outside Python (by Rust or C
code: Oxigraph, a parser) would be seen too.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from pgraph.cli import cli
from pgraph.query.library import list_queries

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
CASES = TESTS / "bad_input" / "cases"


class ConnectionAttemptedError(OSError):
    """Raised (and recorded) by the socket guard."""


class SocketGuard:
    """Records and refuses every connection and name lookup not explicitly allowed."""

    def __init__(self) -> None:
        self.allowed: set[tuple[str, int]] = set()
        self.attempts: list[str] = []
        self.refused: list[str] = []

    def allow(self, host: str, port: int) -> None:
        self.allowed.add((host, port))

    def check(self, what: str, host: str, port: int | None) -> None:
        self.attempts.append(f"{what} {host}:{port}")
        if port is not None and (host, port) in self.allowed and _loopback(host):
            return
        if port is None and _loopback(host) and any(h == host for h, _ in self.allowed):
            return
        self.refused.append(f"{what} {host}:{port}")
        raise ConnectionAttemptedError(
            f"socket guard: no network in this test ({what} {host}:{port})")


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@pytest.fixture
def guard(monkeypatch) -> SocketGuard:
    guard = SocketGuard()
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def connect(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            guard.check("connect", str(address[0]), int(address[1]))
        return real_connect(sock, address)

    def connect_ex(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            guard.check("connect_ex", str(address[0]), int(address[1]))
        return real_connect_ex(sock, address)

    def getaddrinfo(host, port, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else str(host)
        guard.check("getaddrinfo", name, None)
        return real_getaddrinfo(host, port, *args, **kwargs)

    def create_connection(address, *args, **kwargs):
        guard.check("create_connection", str(address[0]), int(address[1]))
        return real_create_connection(address, *args, **kwargs)

    real_create_connection = socket.create_connection
    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    yield guard
    # Fails even when the code under test caught the guard's error and carried on.
    assert not guard.refused, f"network access attempted: {guard.refused}"


def run(*args: object, code: int | tuple[int, ...] = 0) -> str:
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    codes = (code,) if isinstance(code, int) else code
    assert result.exit_code in codes, result.output
    return result.output


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens once it is closed


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory) -> Path:
    """The seed page, a few synthetic pages, and RDF files that try to reach out."""
    folder = tmp_path_factory.mktemp("offline") / "catalogue"
    shutil.copytree(ROOT / "data" / "pages", folder / "pages")
    for page in sorted((ROOT / "data" / "synthetic" / "pages").glob("*.txt"))[:8]:
        shutil.copy(page, folder / "pages" / page.name)
    for name in ["jsonld_remote_context.jsonld", "jsonld_import.jsonld", "xxe.rdf",
                 "xxe_parameter.rdf", "other_catalogue.ttl"]:
        shutil.copy(CASES / name, folder / name)
    return folder


# ---------------------------------------------------------------- local commands: no connection


def test_the_guard_sees_and_refuses_a_connection_even_one_that_is_caught(
    guard: SocketGuard,
) -> None:
    import urllib.request

    with contextlib.suppress(OSError):  # swallowed, as careless code would: the guard knows
        urllib.request.urlopen("http://example.org/", timeout=1)
    assert guard.refused == ["create_connection example.org:80"]
    with pytest.raises(ConnectionAttemptedError):
        socket.create_connection(("127.0.0.1", closed_port()))
    guard.refused.clear()  # seen: this test is about the guard itself


def test_local_commands_open_no_connection_at_all(guard: SocketGuard, catalogue: Path,
                                                  tmp_path: Path) -> None:
    store = tmp_path / "store"
    out = run("build", catalogue, "--store", store, "--jobs", "1", code=2)
    assert 'remote JSON-LD context "https://schema.org/" refused' in out
    assert 'remote JSON-LD context "http://127.0.0.1:9/context.jsonld" refused' in out
    assert 'XML external entity "xxe" (SYSTEM "file:///etc/passwd") refused' in out
    assert 'XML external entity "remote"' in out
    assert "4 errors" in out
    reader = ox.Store.read_only(str(store))
    literals = [q.object.value for q in reader if isinstance(q.object, ox.Literal)]
    del reader
    assert not any("root:" in value for value in literals)  # /etc/passwd never read

    run("validate", "--store", store, code=(0, 1))
    run("stats", "--store", store)
    run("queries")
    for info in list_queries():
        if any(p.required for p in info.params):
            continue
        run("query", info.name, "--store", store, "--format", "json")
    run("query", "search-practices", "--param", "text=police", "--store", store)
    for kind in ["co-partnership", "practice-organisation"]:
        run("network", "stats", kind, "--store", store)
        run("network", "export", kind, "--store", store, "--out", tmp_path / f"{kind}.graphml")
    run("network", "draw", "co-partnership", "--store", store, "--out", tmp_path / "net.png")
    run("network", "draw", "co-partnership", "--store", store, "--out", tmp_path / "net.html")
    run("dump", "--store", store, "--out", f"{tmp_path / 'dumps'}/")
    run("describe", "--store", store, "--dumps", tmp_path / "dumps")
    run("export", "--store", store, "--format", "jsonld", "--out", tmp_path / "all.jsonld")
    run("site", "-o", tmp_path / "site", "--store", store)
    run("docs", "-o", tmp_path / "docs", "--store", store)
    assert guard.attempts == [], guard.attempts


def test_the_network_page_loads_nothing_from_elsewhere(guard: SocketGuard,
                                                       built_store_path: Path,
                                                       tmp_path: Path) -> None:
    run("network", "draw", "co-partnership", "--store", built_store_path,
        "--out", tmp_path / "net.html")
    html = (tmp_path / "net.html").read_text(encoding="utf-8")
    # Nothing the browser would fetch: no script, style sheet, image or frame from elsewhere.
    fetched = re.findall(r"<(?:script|link|img|iframe|source)\b[^>]*?(?:src|href)\s*=\s*[\"']?"
                         r"([^\"' >]+)", html, re.IGNORECASE)
    assert not [u for u in fetched if re.match(r"^(?:https?:)?//", u)], fetched


# ---------------------------------------------------------------- asked for: only where told


@pytest.mark.parametrize(
    "command",
    [
        ["query", "practices-per-country", "--endpoint", "{url}", "--retries", "0",
         "--timeout", "2"],
        ["network", "stats", "co-partnership", "--endpoint", "{url}"],
        ["publish", "--store", "{store}", "--endpoint", "{url}", "--timeout", "2"],
        ["link", "--store", "{store}", "--endpoint", "{url}", "--dry-run", "--timeout", "2"],
    ],
    ids=["query", "network", "publish", "link"],
)
def test_an_endpoint_is_the_only_place_a_command_connects_to(
    guard: SocketGuard, built_store_path: Path, command: list[str]
) -> None:
    port = closed_port()
    guard.allow("127.0.0.1", port)
    url = f"http://127.0.0.1:{port}/sparql"
    args = [a.format(url=url, store=built_store_path) for a in command]
    output = run(*args, code=(1, 2))
    assert output.startswith("Error: ") or "\nError: " in output, output
    assert "Traceback" not in output
    assert guard.attempts, "the command never tried its endpoint"
    assert all(a.endswith(f"127.0.0.1:{port}") or a == "getaddrinfo 127.0.0.1:None"
               for a in guard.attempts), guard.attempts


def test_fetch_connects_only_to_the_host_it_is_given(guard: SocketGuard, tmp_path: Path) -> None:
    from pgraph.synth.html_site import generate_html_site
    from tests.site_server import start_site

    root = tmp_path / "site"
    root.mkdir()
    site = start_site(root)
    port = site.server.server_address[1]
    guard.allow("127.0.0.1", port)
    try:
        generate_html_site(root, practices=3, seed=1, base_url=site.url)
        index = root / "sitemap.xml"  # a sitemap index that also points to another host
        index.write_text(index.read_text().replace(
            "</sitemapindex>", f"<sitemap><loc>http://127.0.0.2:{port}/x.xml</loc></sitemap>"
            "</sitemapindex>"))
        output = run("fetch", "--sitemap", f"{site.url}/sitemap.xml", "--out", tmp_path / "pages",
                     "--delay", "0")
    finally:
        site.server.shutdown()
    assert "fetched 8" in output
    assert f"not followed (another host): http://127.0.0.2:{port}" in output
    assert guard.attempts, "fetch never connected"
    assert all(a.endswith(f"127.0.0.1:{port}") or a == "getaddrinfo 127.0.0.1:None"
               for a in guard.attempts), guard.attempts


# ---------------------------------------------------------------- below Python: strace

SCRIPT = """
import sys
from pgraph.cli import cli
store, folder, out = sys.argv[1:4]
commands = [
    ["build", folder, "--store", store, "--jobs", "1"],
    ["validate", "--store", store],
    ["query", "practices-per-country", "--store", store],
    ["network", "export", "co-partnership", "--store", store, "--out", out + "/n.gexf"],
    ["site", "-o", out + "/site", "--store", store, "--no-dumps"],
]
for args in commands:
    try:
        cli.main(args, standalone_mode=False)
    except SystemExit:
        pass
"""


def test_no_connect_system_call_at_all(catalogue: Path, tmp_path: Path) -> None:
    strace = shutil.which("strace")
    if strace is None:
        pytest.skip("strace is not installed")
    log = tmp_path / "strace.log"
    done = subprocess.run(
        [strace, "-f", "-qq", "-e", "trace=connect,sendto,sendmsg", "-o", str(log),
         sys.executable, "-c", SCRIPT, str(tmp_path / "store"), str(catalogue), str(tmp_path)],
        capture_output=True, text=True, timeout=600,
    )
    if "PTRACE" in done.stderr or "Operation not permitted" in done.stderr:
        pytest.skip(f"strace cannot trace here: {done.stderr.strip()[:200]}")
    assert (tmp_path / "site" / "index.html").is_file(), done.stderr[-2000:]
    calls = [line for line in log.read_text().splitlines()
             if "AF_INET" in line or "AF_INET6" in line or "sin_addr" in line]
    assert calls == [], calls


def test_settings_file_of_the_report(tmp_path: Path) -> None:
    # The JSON-LD context pgraph compacts with is local: nothing to fetch.
    context = json.loads((ROOT / "ontology" / "context.jsonld").read_text(encoding="utf-8"))
    assert isinstance(context["@context"], dict | list)
    values = json.dumps(context["@context"])
    assert '"@import"' not in values
