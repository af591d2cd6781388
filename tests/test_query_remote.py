"""Remote endpoints: results, retries, credentials, and every failure as one clear line.

Tiny HTTP servers on 127.0.0.1, started here, play the misbehaving endpoint:
HTTP 500, an HTML page, an answer slower than the timeout, 503 then success,
a closed port.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from click.testing import CliRunner

import pgraph.query.remote as remote
from pgraph.cli import cli
from pgraph.errors import QueryError
from pgraph.query import run_query
from pgraph.query.remote import endpoint_settings, safe_endpoint

SELECT_JSON = json.dumps(
    {
        "head": {"vars": ["x", "y"]},
        "results": {
            "bindings": [
                {
                    "x": {
                        "type": "literal",
                        "value": "12",
                        "datatype": "http://www.w3.org/2001/XMLSchema#integer",
                    },
                    "y": {"type": "uri", "value": "http://x/a"},
                }
            ]
        },
    }
).encode()
SECRET = "s3cr3t-pa55"


class Endpoint(BaseHTTPRequestHandler):
    """Answers by path; records each request (path, headers, query) on the server."""

    def log_message(self, *args) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:
        self.handle_query(None)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        form = parse_qs(self.rfile.read(length).decode())
        self.handle_query(form.get("query", [None])[0])

    def handle_query(self, query: str | None) -> None:
        server = self.server
        server.requests.append((self.path, dict(self.headers), query))  # type: ignore[attr-defined]
        path = self.path
        if path == "/500":
            self.answer(500, "text/plain", b"boom: the store is on fire")
        elif path == "/500-echo":
            self.answer(500, "text/plain", f"bad password {SECRET}".encode())
        elif path == "/html":
            self.answer(200, "text/html", b"<!DOCTYPE html><html><body>Welcome</body></html>")
        elif path == "/html-as-json":
            self.answer(200, "application/sparql-results+json", b"<html><body>Hi</body></html>")
        elif path == "/garbage":
            self.answer(200, "application/sparql-results+json", b"{not json")
        elif path == "/slow":
            time.sleep(3)
            self.answer(200, "application/sparql-results+json", SELECT_JSON)
        elif path == "/flaky":
            server.flaky -= 1  # type: ignore[attr-defined]
            if server.flaky >= 0:  # type: ignore[attr-defined]
                self.answer(503, "text/plain", b"busy")
            else:
                self.answer(200, "application/sparql-results+json", SELECT_JSON)
        elif path == "/401":
            self.answer(401, "text/plain", b"who are you")
        elif path == "/404":
            self.answer(404, "text/plain", b"nothing here")
        elif path == "/400":
            self.answer(400, "text/plain", b"Parser error: unexpected token at 1:5")
        elif path == "/ask":
            self.answer(200, "application/sparql-results+json", b'{"head": {}, "boolean": true}')
        elif path == "/turtle":
            self.answer(200, "text/turtle", b'<http://x/s> <http://x/p> "o"@en .\n')
        else:
            self.answer(200, "application/sparql-results+json", SELECT_JSON)

    def answer(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def endpoint():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Endpoint)
    server.requests = []  # type: ignore[attr-defined]
    server.flaky = 2  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def quick_backoff(monkeypatch):
    monkeypatch.setattr(remote, "BACKOFF_SECONDS", 0.01)
    for name in (
        "PGRAPH_ENDPOINT_USER",
        "PGRAPH_ENDPOINT_PASSWORD",
        "PGRAPH_ENDPOINT_HEADERS",
        "PGRAPH_ENDPOINT",
    ):
        monkeypatch.delenv(name, raising=False)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ---------------------------------------------------------------- answers


def test_select_ask_and_construct_results_come_back_typed(endpoint):
    server, url = endpoint
    result = run_query("SELECT ?x ?y WHERE { ?x ?p ?y }", endpoint=url + "/json")
    assert result.rows == [{"x": 12, "y": "http://x/a"}]
    assert run_query("ASK { ?s ?p ?o }", endpoint=url + "/ask").boolean is True
    graph = run_query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", endpoint=url + "/turtle")
    assert graph.kind == "graph" and len(graph.graph) == 1
    assert [query for _, _, query in server.requests] == [
        "SELECT ?x ?y WHERE { ?x ?p ?y }",
        "ASK { ?s ?p ?o }",
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
    ]  # all sent as queries, none as updates
    headers = server.requests[0][1]
    assert "application/sparql-results+json" in headers["Accept"]


def test_parameters_reach_the_endpoint_as_a_values_block(endpoint):
    server, url = endpoint
    run_query("practices-per-domain", endpoint=url + "/json", params={"lang": 'fr" } DROP ALL {'})
    sent = server.requests[0][2]
    assert 'VALUES (?lang) { ("fr\\" } DROP ALL {") }' in sent


def test_credentials_and_headers_come_from_the_environment(endpoint, monkeypatch):
    server, url = endpoint
    monkeypatch.setenv("PGRAPH_ENDPOINT_USER", "researcher")
    monkeypatch.setenv("PGRAPH_ENDPOINT_PASSWORD", SECRET)
    monkeypatch.setenv("PGRAPH_ENDPOINT_HEADERS", '{"X-Api-Key": "k-123"}')
    run_query("SELECT ?x ?y WHERE { ?x ?p ?y }", endpoint=url + "/json")
    headers = server.requests[0][1]
    assert headers["Authorization"].startswith("Basic ")
    assert headers["X-Api-Key"] == "k-123"


def test_secrets_never_appear_in_errors(endpoint, monkeypatch):
    _, url = endpoint
    monkeypatch.setenv("PGRAPH_ENDPOINT_USER", "researcher")
    monkeypatch.setenv("PGRAPH_ENDPOINT_PASSWORD", SECRET)
    with pytest.raises(QueryError) as caught:
        run_query("ASK {}", endpoint=url + "/500-echo")
    assert SECRET not in str(caught.value) and "***" in str(caught.value)


def test_bad_header_settings_are_a_clear_error(endpoint, monkeypatch):
    _, url = endpoint
    monkeypatch.setenv("PGRAPH_ENDPOINT_HEADERS", "X-Api-Key: k")
    with pytest.raises(QueryError, match="PGRAPH_ENDPOINT_HEADERS is not a JSON object"):
        run_query("ASK {}", endpoint=url + "/ask")
    assert endpoint_settings({}) == (None, {})


def test_safe_endpoint_drops_user_info_and_query():
    assert safe_endpoint("https://u:p@example.org:8443/sparql?key=abc#x") == (
        "https://example.org:8443/sparql"
    )


# ---------------------------------------------------------------- retries


def test_transient_failures_are_retried(endpoint):
    server, url = endpoint
    result = run_query("SELECT ?x ?y WHERE { ?x ?p ?y }", endpoint=url + "/flaky", retries=2)
    assert result.rows[0]["x"] == 12
    assert len(server.requests) == 3


def test_retries_give_up_with_the_last_reason(endpoint):
    server, url = endpoint
    server.flaky = 10
    with pytest.raises(
        QueryError,
        match=r"/flaky: the endpoint is unavailable \(HTTP 503\) "
        r"\(after 3 attempts\)$",
    ):
        run_query("ASK {}", endpoint=url + "/flaky", retries=2)


def test_errors_that_are_not_transient_are_not_retried(endpoint):
    server, url = endpoint
    with pytest.raises(
        QueryError, match=r"the endpoint failed \(HTTP 500\): boom: the store is on fire"
    ):
        run_query("ASK {}", endpoint=url + "/500")
    assert len(server.requests) == 1


# ---------------------------------------------------------------- failures, one clear line each


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/500", r"the endpoint failed \(HTTP 500\): boom: the store is on fire"),
        (
            "/html",
            r"the endpoint answered with an HTML page, not SPARQL results; is this the SPARQL",
        ),
        ("/html-as-json", r"the endpoint answered with an HTML page, not SPARQL results"),
        ("/garbage", r"the endpoint's answer is not SPARQL results \("),
        ("/401", r"the endpoint refused access \(HTTP 401\); set PGRAPH_ENDPOINT_USER"),
        ("/404", r"no SPARQL endpoint at this URL \(HTTP 404\); check the URL"),
        (
            "/400",
            r"the endpoint rejected the query \(HTTP 400\): Parser error: unexpected token at 1:5",
        ),
    ],
)
def test_failures_are_clear(endpoint, path, message):
    _, url = endpoint
    with pytest.raises(QueryError, match=f"^{url}{path}: {message}"):
        run_query("SELECT ?x WHERE { ?x ?p ?o }", endpoint=url + path, retries=0)


def test_a_timeout_is_clear(endpoint):
    _, url = endpoint
    started = time.monotonic()
    with pytest.raises(QueryError, match=r"/slow: no answer within 1 s \(timeout\)$"):
        run_query("ASK {}", endpoint=url + "/slow", timeout=1, retries=0)
    assert time.monotonic() - started < 2.5


def test_an_endpoint_that_is_down_is_clear():
    url = f"http://127.0.0.1:{closed_port()}/query"
    with pytest.raises(
        QueryError,
        match=rf"^{url}: cannot connect: .*; is the endpoint running\? "
        r"\(after 2 attempts\)$",
    ):
        run_query("ASK {}", endpoint=url, retries=1)


def test_not_an_http_url():
    with pytest.raises(QueryError, match="is not an http"):
        run_query("ASK {}", endpoint="ftp://example.org/sparql")


def test_store_and_endpoint_together_is_an_error():
    with pytest.raises(QueryError, match="not both"):
        run_query("ASK {}", store="x", endpoint="http://127.0.0.1:1/query")


# ---------------------------------------------------------------- the CLI


def test_cli_prints_one_error_line_and_exits_2(endpoint, monkeypatch):
    _, url = endpoint
    monkeypatch.setenv("PGRAPH_ENDPOINT_PASSWORD", SECRET)
    monkeypatch.setenv("PGRAPH_ENDPOINT_USER", "researcher")
    runner = CliRunner()
    down = f"http://127.0.0.1:{closed_port()}/query"
    cases = {
        url
        + "/500": f"Error: {url}/500: the endpoint failed (HTTP 500): boom: the store is on fire\n",
        url + "/html": f"Error: {url}/html: the endpoint answered with an HTML page, not SPARQL "
        "results; is this the SPARQL endpoint itself (Oxigraph: …/query, Virtuoso: "
        "…/sparql)?\n",
        url + "/slow": f"Error: {url}/slow: no answer within 1 s (timeout)\n",
        down: None,
    }
    for target, expected in cases.items():
        result = runner.invoke(
            cli,
            [
                "query",
                "practices-per-domain",
                "--endpoint",
                target,
                "--timeout",
                "1",
                "--retries",
                "0",
            ],
        )
        assert result.exit_code == 2, result.output
        assert result.stdout == ""
        if expected is None:
            assert result.stderr.startswith(f"Error: {down}: cannot connect: ")
            assert result.stderr.count("\n") == 1
        else:
            assert result.stderr == expected
        assert SECRET not in result.stderr and "Traceback" not in result.stderr


def test_cli_writes_remote_results(endpoint, tmp_path):
    _, url = endpoint
    out = tmp_path / "rows.csv"
    result = CliRunner().invoke(
        cli,
        ["query", "-", "--endpoint", url + "/json", "--format", "csv", "--output", str(out)],
        input="SELECT ?x ?y WHERE { ?x ?p ?y }",
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == b"x,y\r\n12,http://x/a\r\n"  # SPARQL CSV: CRLF
    assert result.stderr == f"Wrote {out} (1 row)\n"
