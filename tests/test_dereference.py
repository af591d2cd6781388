"""Every IRI pgraph mints under the base dereferences, by real content negotiation.

The site of the bundled catalogue is served by a real nginx with the
configuration `pgraph site` writes; every IRI of the store, of the DCAT/VoID
description and of the ontology is requested (through the w3id.org rewrite
rule of the .htaccess, applied as Apache would) and must answer 303 with a
document in the negotiated format that names the IRI. Then real clients —
rdflib and pyld — dereference one IRI of each kind.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
from collections import Counter
from pathlib import Path
from urllib.error import HTTPError
from urllib.request import HTTPRedirectHandler, Request, build_opener

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef

from pgraph.publish.site import DEFAULT_SITE_BASE, write_site
from pgraph.publish.site_nginx import FORMATS, negotiate, nginx_config, w3id_htaccess

BASE = DEFAULT_SITE_BASE
SEED = BASE + "id/practice/z-community-policing-in-the-uk"

RDFLIB_ACCEPT = ("application/rdf+xml, text/n3, text/turtle, application/n-triples, "
                 "application/ld+json, application/n-quads, application/trix, application/trig")
"""rdflib 7's Accept header when no format is given (all its parsers' media types)."""
JENA_ACCEPT = ("text/turtle,application/n-triples;q=0.9,application/rdf+xml;q=0.7,"
               "application/trig,application/n-quads;q=0.9,application/ld+json;q=0.8,*/*;q=0.5")
"""Apache Jena's WebContent.defaultRDFAcceptHeader."""
FIREFOX_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
CHROME_ACCEPT = ("text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
                 "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7")
PYLD_ACCEPT = "application/ld+json, application/json"

NEGOTIATION = [
    ("text/turtle, text/html;q=0.1", ".ttl"),
    ("text/html;q=0.1, text/turtle", ".ttl"),
    ("application/rdf+xml", ".rdf"),
    ("application/n-triples", ".nt"),
    ("application/ld+json", ".jsonld"),
    ("text/html", ".html"),
    (RDFLIB_ACCEPT, ".ttl"),
    (JENA_ACCEPT, ".ttl"),
    (FIREFOX_ACCEPT, ".html"),
    (CHROME_ACCEPT, ".html"),
    (PYLD_ACCEPT, ".jsonld"),
    ("application/json", ".jsonld"),
    ("*/*", ".html"),
    ("", ".html"),
    ("text/*", ".html"),
    ("text/*;q=0.5, application/rdf+xml;q=0.6", ".rdf"),
    ("application/ld+json;q=0.5, text/turtle;q=0.45", ".jsonld"),
    ("text/html;q=0, */*", ".ttl"),
    ("TEXT/Turtle; charset=utf-8", ".ttl"),
    ("text/turtle;q=0.05, application/n-triples;q=0.01", ".ttl"),
    ("image/png", None),
    ("text/turtle;q=0, text/html;q=0", None),
]


@pytest.mark.parametrize("accept, expected", NEGOTIATION)
def test_negotiation_follows_q_values_wildcards_and_real_clients(accept, expected):
    assert negotiate(accept) == expected


# ---------------------------------------------------------------- a real nginx


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _NoRedirect(HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture(scope="module")
def site(built_store, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("deref") / "site"
    write_site(built_store, out, base=BASE)
    return out


@pytest.fixture(scope="module")
def server(site, tmp_path_factory):
    """nginx serving the site at http://127.0.0.1:PORT/pgraph/ with the generated config."""
    nginx = shutil.which("nginx", path=f"{os.environ.get('PATH', '')}:/usr/sbin:/sbin")
    if nginx is None:
        pytest.skip("nginx is not installed: apt-get install -y nginx-light")
    folder = tmp_path_factory.mktemp("nginx")
    port = _free_port()
    conf = nginx_config(BASE, root=str(site)).replace("listen 80;", f"listen 127.0.0.1:{port};")
    (folder / "pgraph.conf").write_text(conf)
    user = "user root root;\n" if os.geteuid() == 0 else ""
    temp = " ".join(f"{k}_temp_path {folder}/{k};" for k in
                    ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (folder / "main.conf").write_text(
        f"{user}daemon off;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log;\n"
        f"events {{}}\nhttp {{\naccess_log off;\n{temp}\ninclude {folder}/pgraph.conf;\n}}\n")
    check = subprocess.run([nginx, "-t", "-p", str(folder), "-c", str(folder / "main.conf")],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen([nginx, "-p", str(folder), "-c", str(folder / "main.conf")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    root = f"http://127.0.0.1:{port}/pgraph/"
    for _ in range(200):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            time.sleep(0.05)
    yield root
    process.terminate()
    process.wait(timeout=10)


def _w3id(iri: str, root: str) -> str:
    """Return where w3id.org sends ``iri``: the .htaccess rule, applied as mod_rewrite does."""
    htaccess = w3id_htaccess(BASE, root)
    pattern, target = re.search(r"^RewriteRule (\S+) (\S+)", htaccess, re.M).groups()
    path = iri[len("https://w3id.org/pgraph/"):]  # the rule sees the path below the folder
    match = re.match(pattern, path)
    assert match, iri
    return target.replace("$1", match.group(1))


def _get(url: str, accept: str | None):
    headers = {"Accept": accept} if accept is not None else {}
    opener = build_opener(_NoRedirect)
    try:
        with opener.open(Request(url, headers=headers), timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except HTTPError as error:
        return error.code, dict(error.headers), error.read()


def _minted_iris(store: ox.Store, site: Path) -> set[str]:
    """Every IRI under the base in the store, the DCAT/VoID description and the ontology."""
    found: set[str] = set()
    for quad in store:
        for term in (quad.subject, quad.object, quad.graph_name):
            if isinstance(term, ox.NamedNode) and term.value.startswith(BASE):
                found.add(term.value.split("#")[0])
    for name in ("dataset.ttl", "ontology.ttl"):
        for triple in Graph().parse(site / name):
            for term in triple:
                if isinstance(term, URIRef) and str(term).startswith(BASE):
                    found.add(str(term).split("#")[0])
    found.discard(BASE)
    return found


def _kind(iri: str) -> str:
    rest = iri[len(BASE):]
    if re.match(r"id/practice/[^/]+/partnership/[^/]+$", rest):
        return "membership"
    if re.match(r"id/practice/[^/]+/(assessment|reference|section)/", rest):
        return "practice part"
    return "/".join(rest.split("/")[:2])


@pytest.mark.integration
def test_every_minted_iri_dereferences_in_the_negotiated_format(built_store, site, server):
    iris = sorted(_minted_iris(built_store, site))
    kinds = Counter(_kind(i) for i in iris)
    for kind in ("id/practice", "membership", "practice part", "id/build", "id/graph",
                 "id/organisation", "catalog", "publisher", "dataset/distribution",
                 "ontology/0.1.0", "vocab/country", "software/0.1.0"):
        assert any(k.startswith(kind) for k in kinds), (kind, kinds)
    assert kinds["membership"] == 318
    formats = list(FORMATS.items())
    failures = []
    documents = [i for i in iris if i.startswith(BASE + "dumps/")]  # download URLs: files
    assert len(documents) == 6
    for iri in documents:
        status, _, body = _get(_w3id(iri, server), "text/html")
        assert status == 200 and body == (site / iri[len(BASE):]).read_bytes()
    for number, iri in enumerate(i for i in iris if i not in documents):
        ext, media_types = formats[number % len(formats)]
        status, headers, _ = _get(_w3id(iri, server), media_types[0])
        if status != 303 or "Accept" not in headers.get("Vary", ""):
            failures.append((iri, media_types[0], status))
            continue
        document = headers["Location"].split("#")[0]
        assert document.endswith(ext), (iri, document)
        status, headers, body = _get(server[: -len("/pgraph/")] + document
                                     if document.startswith("/") else document, None)
        if status != 200 or not headers["Content-Type"].startswith(media_types[0]):
            failures.append((iri, document, status))
        elif iri.encode() not in body and ext != ".html":
            failures.append((iri, document, "the document does not name the IRI"))
    assert failures == [], failures[:20]


@pytest.mark.integration
@pytest.mark.parametrize("accept, expected", NEGOTIATION)
def test_nginx_negotiates_as_the_rules_say(server, accept, expected):
    status, headers, body = _get(_w3id(SEED, server), accept)
    if expected is None:
        assert status == 406 and b"text/turtle" in body
    else:
        assert status == 303 and headers["Location"].endswith(
            "/pgraph/id/practice/z-community-policing-in-the-uk" + expected)
    assert headers["Vary"] == "Accept"


@pytest.mark.integration
def test_documents_asked_by_name_and_unknown_iris(server, site):
    status, headers, body = _get(server + "id/practice/z-community-policing-in-the-uk.nt", "*/*")
    assert status == 200 and headers["Content-Type"].startswith("application/n-triples")
    assert body == (site / "id/practice/z-community-policing-in-the-uk.nt").read_bytes()
    assert _get(server + "id/practice/no-such-practice", "text/turtle")[0] == 404


KINDS = {
    "practice": SEED,
    "membership": SEED + "/partnership/city-of-london-police",
    "assessment": SEED + "/assessment/effectiveness",
    "organisation": BASE + "id/organisation/city-of-london-police",
    "concept": BASE + "vocab/domain/violent-extremism",
    "catalogue": BASE + "catalog",
    "distribution": BASE + "dataset/distribution/pgraph.ttl",
    "ontology version": BASE + "ontology/0.1.0",
    "software": BASE + "software/0.1.0",
}


@pytest.mark.integration
@pytest.mark.parametrize("kind", [*KINDS, "build", "named graph"])
def test_rdflib_dereferences_each_kind_of_iri(built_store, server, kind):
    iri = KINDS.get(kind) or _first(built_store, {"build": "id/build/",
                                                 "named graph": "id/graph/source/"}[kind])
    graph = Graph().parse(_w3id(iri, server))  # rdflib's own Accept header, following the 303
    assert (URIRef(iri), None, None) in graph or (None, None, URIRef(iri)) in graph


@pytest.mark.integration
@pytest.mark.parametrize("kind", ["practice", "membership", "catalogue", "ontology version"])
def test_pyld_dereferences_json_ld(server, kind):
    from pyld import jsonld

    expanded = jsonld.expand(_w3id(KINDS[kind], server))
    ids = {node.get("@id") for node in _nodes(expanded)}
    assert KINDS[kind] in ids


def _nodes(value):
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from _nodes(item)
    elif isinstance(value, list):
        for item in value:
            yield from _nodes(item)


def _first(store: ox.Store, path: str) -> str:
    return min(q.subject.value for q in store
               if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(BASE + path))
