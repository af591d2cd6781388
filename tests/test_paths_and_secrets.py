"""No injection through names and text, no secret in any output.

- Every file the site, the network export and the dumps write stays inside
  the chosen folder, whatever an IRI or a name holds (``../``, ``%2e%2e``,
  absolute paths, NUL, backslashes, drive letters, 300-character segments).
- HTML output escapes everything: hostile titles, names and links from pages,
  records and other catalogues' RDF never become markup, script or a
  ``javascript:`` link.
- Credentials (``PGRAPH_ENDPOINT_PASSWORD``, ``PGRAPH_PUBLISH_PASSWORD``, a
  netrc file, a password in a URL) never appear in output, errors, logs or
  reports, even when a failing server echoes the request's headers back.
"""

from __future__ import annotations

import base64
import html.parser
import json
import logging
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from pgraph.cli import cli

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
SCRIPT = "<script>alert(1)</script>"
CLOSE_SCRIPT = "</script><script>alert(2)</script>"

HOSTILE_TTL = """\
@prefix pg: <https://w3id.org/pgraph/ontology#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

<https://w3id.org/pgraph/id/practice/..%2F..%2F..%2F..%2Fescaped-encoded> a pg:Practice ;
    dcterms:title "Encoded dots <script>alert('t1')</script>"@en .
<https://w3id.org/pgraph/id/practice/%2e%2e/%2e%2e/%2e%2e/%2e%2e/escaped-dots> a pg:Practice ;
    dcterms:title "Percent dots"@en .
<https://w3id.org/pgraph/id/practice/a/../../../../../../../../tmp/escaped-segments> a pg:Practice ;
    dcterms:title "Dot segments"@en .
<https://w3id.org/pgraph/id/practice//etc/escaped-absolute> a pg:Practice ;
    dcterms:title "Empty segment"@en .
<https://w3id.org/pgraph/id/practice/%00nul%00> a pg:Practice ;
    dcterms:title "NUL"@en .
<https://w3id.org/pgraph/id/practice/C:%5Cescaped-windows%5Cx> a pg:Practice ;
    dcterms:title "Drive letter and backslashes"@en .
<https://w3id.org/pgraph/id/practice/%2Fescaped-root> a pg:Practice ;
    dcterms:title "Encoded slash"@en ;
    rdfs:seeAlso <javascript:alert(3)> .
<https://w3id.org/pgraph/id/practice/{long}> a pg:Practice ;
    dcterms:title "Long segment"@en .
<http://evil.example/../../../../../../tmp/escaped-external> a org:Organization ;
    skos:prefLabel "External {close}" .
<https://w3id.org/pgraph/id/practice/..> a pg:Practice ; dcterms:title "Dot dot"@en .
""".replace("{long}", "x" * 300).replace("{close}", CLOSE_SCRIPT)

HOSTILE_RECORDS = f"""\
- title: "{SCRIPT} Hostile Title"
  country: France
  description: "<img src=x onerror=alert(4)> & \\"quotes\\" ' <b>bold</b>"
  domains: ["<svg onload=alert(5)>", "Cybercrime"]
  links: ["https://example.org/a?b=<script>", "https://example.org/\\"onmouseover=alert(6)"]
  partnership:
    name: "Partnership {CLOSE_SCRIPT}"
    partners:
      - name: "{CLOSE_SCRIPT}"
      - name: "../../../../etc/passwd"
      - name: "C:\\\\Windows\\\\System32"
      - name: "Police"
- title: Second Practice
  country: France
  partnership:
    name: Second Partnership
    partners:
      - name: "{CLOSE_SCRIPT}"
      - name: "../../../../etc/passwd"
      - name: "Police"
"""


def invoke(*args: object, env: dict[str, str] | None = None) -> CliRunner:
    return CliRunner().invoke(cli, [str(a) for a in args], env=env, catch_exceptions=False)


def files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*")} if folder.exists() else set()


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    catalogue = root / "catalogue"
    catalogue.mkdir()
    (catalogue / "other.ttl").write_text(HOSTILE_TTL, encoding="utf-8")
    (catalogue / "records.yaml").write_text(HOSTILE_RECORDS, encoding="utf-8")
    store = root / "store"
    result = invoke("build", catalogue, "--store", store)
    assert result.exit_code == 0, result.output
    return store


# ---------------------------------------------------------------- paths


def test_the_site_writes_nothing_outside_its_folder(hostile_store: Path, tmp_path: Path) -> None:
    work = tmp_path / "work"
    (work / "out").mkdir(parents=True)
    outside = files_under(tmp_path)
    result = invoke("site", "-o", work / "out" / "site", "--store", hostile_store, "--no-dumps")
    assert result.exit_code == 0, result.output
    site = (work / "out" / "site").resolve()
    written = files_under(tmp_path) - outside
    assert written, "the site wrote nothing"
    for path in written:
        assert path.resolve().is_relative_to(site), f"written outside the site: {path}"
        assert "\x00" not in str(path)
        assert all(len(part) <= 255 for part in path.parts)
    for name in ["escaped-encoded", "escaped-dots", "escaped-segments", "escaped-absolute",
                 "escaped-windows", "escaped-root", "escaped-external"]:
        assert not list(Path("/tmp").glob(f"{name}*")), name
        assert any(name in str(p) for p in written), f"no page for {name}"


def test_network_files_and_dumps_stay_in_the_folder_given(hostile_store: Path,
                                                         tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    before = files_under(tmp_path)
    for fmt, name in [("csv", "net.csv"), ("graphml", "net.graphml"), ("gexf", "net.gexf"),
                      ("json", "net.json"), ("edgelist", "net.edgelist")]:
        result = invoke("network", "export", "co-partnership", "--store", hostile_store,
                        "--format", fmt, "--out", folder / name, "--measures")
        assert result.exit_code == 0, result.output
    assert invoke("network", "draw", "co-partnership", "--store", hostile_store,
                  "--out", folder / "net.html").exit_code == 0
    assert invoke("dump", "--store", hostile_store, "--out", f"{folder / 'dumps'}/").exit_code == 0
    written = files_under(tmp_path) - before
    assert written
    assert all(p.resolve().is_relative_to(folder.resolve()) for p in written), written


def test_the_site_never_replaces_a_folder_it_did_not_write(hostile_store: Path,
                                                           tmp_path: Path) -> None:
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "precious.txt").write_text("keep me", encoding="utf-8")
    result = invoke("site", "-o", folder, "--store", hostile_store, "--no-dumps")
    assert result.exit_code == 2 and result.output.startswith("Error: "), result.output
    assert sorted(p.name for p in folder.iterdir()) == ["precious.txt"]
    assert (folder / "precious.txt").read_text(encoding="utf-8") == "keep me"


# ---------------------------------------------------------------- HTML


class _Markup(html.parser.HTMLParser):
    """Collects what a browser would act on: tags, event attributes, links, scripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.events: list[str] = []
        self.links: list[str] = []
        self.scripts: list[tuple[dict, str]] = []
        self._script: dict | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        attributes = dict(attrs)
        self.events += [f"{tag} {k}" for k in attributes if k.lower().startswith("on")]
        self.links += [v or "" for k, v in attributes.items() if k in ("href", "src", "action")]
        if tag == "script":
            self._script = attributes
            self.scripts.append((attributes, ""))

    def handle_data(self, data):
        if self._script is not None:
            attributes, text = self.scripts[-1]
            self.scripts[-1] = (attributes, text + data)

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None


def parse(path: Path) -> _Markup:
    parser = _Markup()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_site_pages_escape_every_hostile_value(hostile_store: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert invoke("site", "-o", site, "--store", hostile_store, "--no-dumps").exit_code == 0
    pages = sorted(site.rglob("*.html"))
    assert pages
    for page in pages:
        markup = parse(page)
        assert not markup.events, (page, markup.events)
        assert not {"img", "svg", "b"} & set(markup.tags) or page.name == "ontology.html", (
            page, set(markup.tags))
        for link in markup.links:
            link = link.strip().lower()
            assert not link.startswith(("javascript:", "vbscript:", "file:")), (page, link)
            assert not link.startswith("data:") or link == "data:,", (page, link)  # no favicon
        for attributes, text in markup.scripts:
            # Only data (JSON-LD), never code: and the data must still be JSON.
            assert attributes.get("type") == "application/ld+json", (page, attributes)
            json.loads(text)
        text = page.read_text(encoding="utf-8")
        assert "alert(2)</script>" not in text and "<script>alert" not in text, page
    practice = next(p for p in pages if "hostile-title" in p.name)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Hostile Title" in practice.read_text(
        encoding="utf-8")


def test_the_network_page_keeps_hostile_names_as_data(hostile_store: Path,
                                                      tmp_path: Path) -> None:
    page = tmp_path / "net.html"
    assert invoke("network", "draw", "co-partnership", "--store", hostile_store,
                  "--out", page).exit_code == 0
    text = page.read_text(encoding="utf-8")
    assert CLOSE_SCRIPT not in text
    markup = parse(page)
    assert not markup.events
    assert all(not a.get("src", "").startswith(("http:", "https:", "//"))
               for a, _ in markup.scripts)


# ---------------------------------------------------------------- secrets

SECRET = "pgraph-S3CR3T-value"
NETRC_SECRET = "pgraph-N3TRC-value"
URL_SECRET = "pgraph-URL-S3CR3T"


class _Echo(BaseHTTPRequestHandler):
    """A failing store: asks for Basic auth, then answers 500 with the request's headers."""

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        echo = "".join(f"{k}: {v}\n" for k, v in self.headers.items()).encode()
        challenge = "Authorization" not in self.headers and "/challenge" in self.path
        if challenge or "/unauthorised" in self.path:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="pgraph test"')
        else:
            self.send_response(500)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(echo)))
        self.end_headers()
        self.wfile.write(echo)

    do_GET = do_POST = do_PUT = _answer  # noqa: N815 - the names http.server calls

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def echo_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def forms(*secrets: str) -> list[str]:
    """A secret as it could leak: itself, and inside Basic credentials (base64)."""
    found = list(secrets)
    for user in ("ann", "dba"):
        for secret in secrets:
            found.append(base64.b64encode(f"{user}:{secret}".encode()).decode())
    return found


def assert_no_secret(text: str, *secrets: str) -> None:
    for form in forms(*secrets):
        assert form not in text, f"a credential leaked: {form!r} in\n{text}"


@pytest.mark.parametrize("path", ["/challenge/sparql", "/unauthorised/sparql", "/sparql"])
def test_a_failing_remote_query_never_shows_the_password(
    echo_server: str, built_store_path: Path, path: str, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    env = {"PGRAPH_ENDPOINT_USER": "ann", "PGRAPH_ENDPOINT_PASSWORD": SECRET}
    result = invoke("query", "practices-per-country", "--endpoint", echo_server + path,
                    "--retries", "0", env=env)
    assert result.exit_code == 2 and "Error:" in result.output, result.output
    assert_no_secret(result.output + caplog.text, SECRET)
    # A password in the URL is not shown either.
    host = echo_server.removeprefix("http://")
    result = invoke("query", "practices-per-country", "--endpoint",
                    f"http://ann:{URL_SECRET}@{host}{path}", "--retries", "0")
    assert result.exit_code == 2
    assert_no_secret(result.output + caplog.text, URL_SECRET)


@pytest.mark.parametrize("method", ["gsp", "update"])
def test_a_failing_publish_never_shows_the_password(
    echo_server: str, built_store_path: Path, tmp_path: Path, method: str, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    env = {"PGRAPH_PUBLISH_USER": "dba", "PGRAPH_PUBLISH_PASSWORD": SECRET}
    target = ["--graph-store", f"{echo_server}/challenge/store"] if method == "gsp" else [
        "--endpoint", f"{echo_server}/challenge/update"]
    report = tmp_path / "report.json"
    result = invoke("publish", "--store", built_store_path, *target, "--method", method,
                    "--report", report, env=env)
    assert result.exit_code == 2 and "Error:" in result.output, result.output
    assert "HTTP 500" in result.output  # the server's answer (its echo) was read, and masked
    assert_no_secret(result.output + caplog.text, SECRET)
    assert not report.exists() or SECRET not in report.read_text()


def test_netrc_and_url_passwords_never_show_in_publish_errors(
    echo_server: str, built_store_path: Path, tmp_path: Path, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    netrc = tmp_path / "netrc"
    netrc.write_text(f"machine 127.0.0.1 login dba password {NETRC_SECRET}\n", encoding="utf-8")
    netrc.chmod(0o600)
    env = {"NETRC": str(netrc), "PGRAPH_PUBLISH_USER": None, "PGRAPH_PUBLISH_PASSWORD": None}
    result = invoke("publish", "--store", built_store_path, "--graph-store",
                    f"{echo_server}/unauthorised/store", env=env)
    assert result.exit_code == 2, result.output
    assert "netrc" in result.output  # says where the refused credentials came from …
    assert_no_secret(result.output + caplog.text, NETRC_SECRET)  # … never what they are
    host = echo_server.removeprefix("http://")
    result = invoke("publish", "--store", built_store_path, "--graph-store",
                    f"http://dba:{URL_SECRET}@{host}/challenge/store",
                    env={"PGRAPH_PUBLISH_USER": None, "PGRAPH_PUBLISH_PASSWORD": None,
                         "NETRC": str(tmp_path / "none")})
    assert result.exit_code == 2, result.output
    assert_no_secret(result.output + caplog.text, URL_SECRET)


def test_an_unexpected_error_does_not_show_secrets_either(monkeypatch, capsys) -> None:
    # The last line of defence: the CLI's one error handler masks what it prints.
    from pgraph.cli.main import redact_secrets

    monkeypatch.setenv("PGRAPH_ENDPOINT_PASSWORD", SECRET)
    token = base64.b64encode(f"ann:{SECRET}".encode()).decode()
    text = redact_secrets(f"failed: http://ann:{SECRET}@h/x Authorization: Basic {token} {SECRET}")
    assert_no_secret(text, SECRET)


def test_the_environment_of_this_test_run_holds_no_real_secret() -> None:
    # The secrets above are made up; nothing here reads a real credential.
    assert os.environ.get("PGRAPH_PUBLISH_PASSWORD") in (None, "")
