"""The static linked-data site: pages, RDF beside them, links, escaping, paths, nginx, a browser.

One site is built (module scope) from a copy of the bundled store to which
hostile content was added: a practice whose title and text hold markup and a
``</script>``, a ``javascript:`` link, and practices and an Act whose IRIs try
to climb out of the output folder. Browser tests load pages from a local
http.server in headless Chromium; nginx tests serve the site with a real
nginx and check content negotiation.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import threading
from collections import Counter
from dataclasses import dataclass, field
from functools import partial
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDFS

from pgraph.cli import cli
from pgraph.errors import PublishError
from pgraph.mapping import map_practice
from pgraph.publish import site as site_module
from pgraph.publish.site import DEFAULT_SITE_BASE, write_site
from pgraph.publish.site_nginx import MEDIA_TYPES, nginx_config
from pgraph.publish.site_paths import SitePaths, safe_segment, site_file, write_site_file
from pgraph.records import Partner, Partnership, Practice
from pgraph.store import replace_graphs
from pgraph.vocab import PG, SCHEMA

TESTS = Path(__file__).resolve().parent
ARTEFACTS = TESTS / "artefacts"
BASE = DEFAULT_SITE_BASE
DATA_BASE = BASE + "id/"
SEED_IRI = DATA_BASE + "practice/z-community-policing-in-the-uk"
SEED_PAGE = "id/practice/z-community-policing-in-the-uk"
HOSTILE_TITLE = (
    "<script>alert(1)</script> & </script><img src=x "
    "onerror=\"document.documentElement.setAttribute('data-pwned','1')\">"
)
HOSTILE_IRI = DATA_BASE + "practice/hostile-title"
CLIMBING_IRIS = [
    DATA_BASE + "practice/../../../../../../escaped-1",
    DATA_BASE + "practice/%2e%2e/%2e%2e/%2e%2e/%2e%2e/escaped-2",
    DATA_BASE + "practice/a%00b%5c..%5c..%5cescaped-3",
    DATA_BASE + "practice//tmp/escaped-4",
    DATA_BASE + "practice/%2Fetc%2Fescaped-5",
    "file:///etc/escaped-6",
]


# ---------------------------------------------------------------- a small HTML tree

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str | None] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)

    def iter(self, tag: str | None = None, **attrs: str):
        for child in self.children:
            if isinstance(child, Node):
                if (tag is None or child.tag == tag) and all(
                    _attr_matches(child.attrs.get(k.rstrip("_")), v) for k, v in attrs.items()
                ):
                    yield child
                yield from child.iter(tag, **attrs)

    def find(self, tag: str | None = None, **attrs: str) -> Node:
        found = next(self.iter(tag, **attrs), None)
        assert found is not None, f"no <{tag} {attrs}>"
        return found

    @property
    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text for c in self.children)


def _attr_matches(value: str | None, wanted: str) -> bool:
    return value is not None and wanted in value.split() if wanted else value is not None


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document")
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs))
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Node(tag, dict(attrs)))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse_html(text: str) -> Node:
    """Return the element tree of an HTML document (html.parser, no dependencies)."""
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root


def page_of(site: Path, page: str) -> Node:
    return parse_html((site / f"{page}.html").read_text(encoding="utf-8"))


# ---------------------------------------------------------------- the site


@pytest.fixture(scope="module")
def hostile_store(built_store_path, tmp_path_factory) -> Path:
    """A copy of the bundled store, plus hostile titles, links and IRIs."""
    path = tmp_path_factory.mktemp("hostile") / "store"
    shutil.copytree(built_store_path, path)
    store = ox.Store(str(path))
    mapped = map_practice(Practice(
        slug="hostile-title", title=HOSTILE_TITLE, country="France", domains=["Cybercrime"],
        description=f"Text: {HOSTILE_TITLE}",
        partnership=Partnership(name="<b>Bold</b> partnership",
                                partners=[Partner(name="<i>Evil</i> & Co")]),
    ))
    # Records refuse such a link; RDF from elsewhere may still hold one.
    mapped.triples.append((mapped.iri, RDFS.seeAlso, URIRef("javascript:alert(1)")))
    climbing = []
    for number, iri in enumerate(CLIMBING_IRIS, start=1):
        kind = SCHEMA.Legislation if iri.startswith("file:") else PG.Practice
        climbing += [(URIRef(iri), RDF.type, kind),
                     (URIRef(iri), DCTERMS.title, Literal(f"Climbing path {number}"))]
    replace_graphs(store, {
        URIRef(DATA_BASE + "graph/test/hostile"): mapped.triples,
        URIRef(DATA_BASE + "graph/test/climbing"): climbing,
    })
    del store
    return path


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("sandbox")


@pytest.fixture(scope="module")
def site(hostile_store, sandbox) -> Path:
    """The site of the hostile store, written three folders down in a sandbox."""
    out = sandbox / "a" / "b" / "site"
    report = write_site(ox.Store.read_only(str(hostile_store)), out)
    assert report.pages["practice"] >= 41
    return out


@pytest.fixture(scope="module")
def store(hostile_store) -> ox.Store:
    return ox.Store.read_only(str(hostile_store))


def _count(store: ox.Store, query: str) -> int:
    return int(next(iter(store.query(query, use_default_graph_as_union=True)))["n"].value)


def html_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


# ---------------------------------------------------------------- pages and their data


def test_a_page_and_its_rdf_for_every_resource(site, store):
    paths = SitePaths(BASE)
    for cls in (PG.Practice, "http://www.w3.org/ns/org#Organization",
                "http://www.w3.org/ns/org#OrganizationalCollaboration", SCHEMA.Legislation):
        iris = [r["s"].value for r in store.query(
            f"SELECT DISTINCT ?s WHERE {{ ?s a <{cls}> }}", use_default_graph_as_union=True)]
        assert iris, cls
        if cls == PG.Practice:  # one page each, and no other page among them
            # A practice's partnership, and its generic partners ("Residents'
            # representatives": nodes of that partnership), have pages under it too.
            pages = [page for page in (site / "id/practice").rglob("*.html")
                     if page.name != "partnership.html" and "partnership" not in page.parts]
            assert len(pages) == len(iris)
        for iri in iris:
            page = paths.page(iri)
            for ext in (".html", ".ttl", ".jsonld"):
                assert (site / f"{page}{ext}").is_file(), (iri, ext)


def test_concepts_in_use_have_pages(site, store):
    used = [r["c"].value for r in store.query(
        "SELECT DISTINCT ?c WHERE { ?p a <https://w3id.org/pgraph/ontology#Practice> ; "
        "?prop ?c . ?c a <http://www.w3.org/2004/02/skos/core#Concept> }",
        use_default_graph_as_union=True)]
    assert len(used) > 50
    paths = SitePaths(BASE)
    missing = [c for c in used if not (site / f"{paths.page(c)}.html").is_file()]
    assert not missing


def test_seed_practice_page_shows_sections_partners_ratings_and_provenance(site):
    doc = page_of(site, SEED_PAGE)
    assert doc.find("h1").text == "Z Community Policing in the UK"
    headings = [h.text for h in doc.find("section", id="sections").iter("h2")]
    assert headings[:3] == ["Description", "Objectives", "Sustainability"]
    rows = list(doc.find("table", class_="partners").iter("tr", class_="partner"))
    assert len(rows) == 12
    statutory = [r for r in rows if "statutory" in r.attrs["class"].split()]
    assert len(statutory) == 5
    for row in statutory:
        cells = list(row.iter("td"))
        assert cells[3].text == "Crime and Disorder Act 1998"
        assert cells[3].find("a").attrs["href"] == (
            "../../external/www.legislation.gov.uk/id/ukpga/1998/37.html")
    ratings = {r.find("td").text: [c.text for c in r.iter("td")]
               for r in doc.find("table", class_="ratings").iter("tr", class_="rating")}
    assert list(ratings) == ["Relevance", "Impact", "Effectiveness", "Efficiency",
                             "Inclusiveness", "Sustainability"]
    assert ratings["Effectiveness"][1] == "Effective"
    assert ratings["Effectiveness"][2].strip() == "3 of 3"
    facets = doc.find("section", id="facets")
    domain_links = {a.text: a.attrs["href"] for a in facets.iter("a")}
    assert domain_links["Violent extremism"] == "../../vocab/domain/violent-extremism.html"
    provenance = doc.find("section", id="provenance").text
    assert "data/pages/000_370808593d96a53c.txt:3" in provenance
    assert "firstlinepractitioners.com/fr/practice/z-community-policing-in-the-uk" in provenance


def test_statutory_partner_page_links_the_act_and_the_practice(site):
    doc = page_of(site, "id/organisation/city-of-london-police")
    row = doc.find("tr", class_="membership")
    assert "statutory" in row.attrs["class"]
    assert [a.text for a in row.iter("a")] == [
        "Safer City Partnership", "statutory partner", "Crime and Disorder Act 1998",
        "Z Community Policing in the UK"]
    act = page_of(site, "external/www.legislation.gov.uk/id/ukpga/1998/37")
    organisations = {r.find("a").text for r in act.iter("tr", class_="partner")}
    assert "City of London Police" in organisations


def test_rating_concept_page_shows_the_ordered_scale(site):
    doc = page_of(site, "vocab/rating/effectiveness-effective")
    scale = doc.find("ol", class_="scale")
    steps = [(li.attrs.get("value"), li.text.strip()) for li in scale.iter("li")]
    assert steps == [("1", "Not effective"), ("2", "Partly effective"), ("3", "Effective")]
    assert doc.find("li", class_="current").text.strip() == "Effective"


def test_rdf_beside_a_page_describes_the_resource(site, store):
    turtle = Graph().parse(site / f"{SEED_PAGE}.ttl", format="turtle")
    jsonld = Graph().parse(site / f"{SEED_PAGE}.jsonld", format="json-ld")
    assert isomorphic(turtle, jsonld)
    own = {q.triple for q in store.quads_for_pattern(ox.NamedNode(SEED_IRI), None, None, None)}
    assert len(own) == len(set(turtle.triples((URIRef(SEED_IRI), None, None)))) > 40
    assessment = URIRef(SEED_IRI + "/assessment/effectiveness")
    assert (assessment, PG.rating, None) in turtle  # the parts the practice owns
    label = turtle.value(URIRef("https://w3id.org/pgraph/vocab/country/GB"),
                         URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"))
    assert label is not None  # labels of what it mentions
    organisation = Graph().parse(site / "id/organisation/city-of-london-police.ttl")
    memberships = list(organisation.subjects(URIRef("http://www.w3.org/ns/org#member"), None))
    assert memberships and (memberships[0], PG.statutoryBasis, None) in organisation


def test_embedded_schema_org_json_ld_parses_and_cannot_close_its_script(site):
    raw = (site / "id/practice/hostile-title.html").read_text(encoding="utf-8")
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', raw, re.S)
    assert len(blocks) == 1 and "</" not in blocks[0] and "<" not in blocks[0]
    data = json.loads(blocks[0])
    assert data["@type"] == "CreativeWork" and data["name"] == HOSTILE_TITLE
    for path in html_files(site):
        doc = parse_html(path.read_text(encoding="utf-8"))
        scripts = list(doc.iter("script"))
        assert all(s.attrs.get("type") == "application/ld+json" for s in scripts), path
        for script in scripts:
            json.loads(script.text)
    seed = json.loads(page_of(site, SEED_PAGE).find("script").text)
    assert len(seed["contributor"]) == 12
    assert {r["reviewRating"]["name"] for r in seed["review"]} >= {"Effective", "Very Relevant"}


def test_hostile_text_is_escaped_and_javascript_links_are_not_links(site):
    raw = (site / "id/practice/hostile-title.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw
    assert "<img" not in raw and "<i>Evil" not in raw and "<b>Bold" not in raw
    doc = parse_html(raw)
    assert doc.find("h1").text == HOSTILE_TITLE
    assert not [a for a in doc.iter("a") if a.attrs.get("href", "").startswith("javascript")]
    assert "javascript:alert(1)" in doc.find("section", id="links").text


def test_every_internal_link_resolves_and_nothing_loads_from_outside(site):
    checked = 0
    for path in html_files(site):
        doc = parse_html(path.read_text(encoding="utf-8"))
        for node in doc.iter():
            for attr in ("href", "src"):
                value = node.attrs.get(attr)
                if value is None:
                    continue
                scheme = urlsplit(value).scheme
                if node.tag in ("script", "link", "img", "iframe", "source"):
                    assert scheme in ("", "data"), (path, node.tag, value)
                    assert not value.startswith("//"), (path, value)
                if scheme or (value.startswith("#") and not value[1:]):
                    continue
                target, _, fragment = value.partition("#")
                file = (path.parent / unquote(target)).resolve() if target else path
                assert file.is_relative_to(site.resolve()), (path, value)
                assert file.is_file(), (path, value)
                if fragment and file.suffix == ".html":
                    ids = _ids(file)
                    assert unquote(fragment) in ids, (path, value)
                checked += 1
    assert checked > 5000


_ID_CACHE: dict[Path, set[str]] = {}


def _ids(file: Path) -> set[str]:
    if file not in _ID_CACHE:
        doc = parse_html(file.read_text(encoding="utf-8"))
        _ID_CACHE[file] = {n.attrs["id"] for n in doc.iter() if n.attrs.get("id")}
    return _ID_CACHE[file]


def test_index_facet_counts_equal_counts_from_the_store(site, store):
    doc = page_of(site, "index")
    shown = {}
    for row in doc.find("div", id="facet-domain").iter("tr"):
        cells = list(row.iter("td"))
        href = unquote(cells[0].find("a").attrs["href"])
        shown[BASE + href[: -len(".html")]] = int(cells[1].text)
    expected = {r["c"].value: int(r["n"].value) for r in store.query(
        "PREFIX pg: <https://w3id.org/pgraph/ontology#> SELECT ?c (COUNT(DISTINCT ?p) AS ?n) "
        "WHERE { ?p a pg:Practice ; pg:domain ?c } GROUP BY ?c",
        use_default_graph_as_union=True)}
    assert shown == expected
    practices = list(doc.find("section", id="practices").iter("tr", class_="practice"))
    assert len(practices) == _count(store, "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE "
                                           "{ ?p a <https://w3id.org/pgraph/ontology#Practice> }")


def test_dataset_description_and_dumps(site):
    description = Graph().parse(site / "dataset.ttl", format="turtle")
    dcat = "http://www.w3.org/ns/dcat#"
    dataset = URIRef(BASE + "dataset")
    assert (dataset, RDF.type, URIRef(dcat + "Dataset")) in description
    urls = [str(u) for u in description.objects(None, URIRef(dcat + "downloadURL"))]
    assert len(urls) == 6
    for url in urls:
        local = site / url[len(BASE):]
        size = description.value(description.value(None, URIRef(dcat + "downloadURL"), URIRef(url)),
                                 URIRef(dcat + "byteSize"))
        assert local.is_file() and local.stat().st_size == int(size)
    doc = page_of(site, "dataset")
    hrefs = [a.attrs["href"] for a in doc.find("section", id="distributions").iter("a")]
    assert sorted(hrefs) == sorted(u[len(BASE):] for u in urls)
    assert Graph().parse(site / "dataset.jsonld", format="json-ld")


def test_ontology_documentation_is_part_of_the_site(site):
    doc = page_of(site, "ontology")
    assert doc.find("svg")
    assert doc.find("tr", id="pg-Practice")
    assert (site / "ontology.ttl").is_file() and (site / "ontology.jsonld").is_file()


# ---------------------------------------------------------------- paths stay inside the site


def test_climbing_iris_are_written_inside_the_site(site, sandbox):
    parents = {sandbox / "a", sandbox / "a" / "b"}
    outside = [p for p in sandbox.rglob("*")
               if p not in parents and not p.resolve().is_relative_to(site.resolve())]
    assert outside == []
    assert not Path("/tmp/escaped-4.html").exists() and not Path("/etc/escaped-5.html").exists()
    written = {p.relative_to(site).as_posix() for p in site.rglob("*escaped*")}
    for n in range(1, 7):
        assert any(f"escaped-{n}" in w for w in written), n
    assert "id/practice/_../_../_../_../_../_../escaped-1.html" in written
    assert "id/practice/_../_../_../_../escaped-2.html" in written
    assert "id/practice/a_b_.._.._escaped-3.html" in written
    assert "id/practice/tmp/escaped-4.html" in written
    assert "id/practice/_etc_escaped-5.html" in written
    assert "external/file/etc/escaped-6.html" in written


@pytest.mark.parametrize("iri", [
    BASE + "id/practice/../../../etc/passwd",
    BASE + "id/practice/..\\..\\..\\windows\\win.ini",
    BASE + "id/practice/C:\\evil",
    BASE + "id/practice/a\x00b/../../x",
    BASE + "id/practice/%00%2F..%2F..%2F",
    BASE + "/etc/passwd",
    "file:///etc/passwd",
    "urn:x:../../../../y",
    "https://evil.example/../../../z",
    BASE + "id/" + "x" * 600,
    BASE + "id/a.html/b",
])
def test_hostile_iri_maps_to_a_path_inside_the_site(iri, tmp_path):
    page = SitePaths(BASE).page(iri)
    assert ".." not in page.split("/") and "\\" not in page and "\x00" not in page
    assert not page.startswith("/") and all(len(s) <= 120 for s in page.split("/"))
    target = write_site_file(tmp_path / "site", page, ".html", "x")
    assert target.resolve().is_relative_to((tmp_path / "site").resolve())


def test_safe_segment_and_collisions():
    assert safe_segment("%2e%2e") == "_.."
    assert safe_segment(".hidden") == "_.hidden"
    paths = SitePaths(BASE)
    first, second = paths.page(BASE + "id/a b"), paths.page(BASE + "id/a_b")
    assert first != second and paths.page(BASE + "id/a b") == first
    assert paths.page(BASE) == "index" and paths.page(BASE + "index") == "_index"
    assert paths.page(BASE + "ontology#Practice") == "ontology"


def test_writing_through_a_symlink_out_of_the_site_is_refused(tmp_path):
    out, elsewhere = tmp_path / "site", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (out / "id").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(PublishError, match="outside the site folder"):
        write_site_file(out, "id/practice/x", ".html", "x")
    with pytest.raises(PublishError, match="outside the site folder"):
        site_file(out, "../x", ".html")
    assert not list(elsewhere.iterdir())


# ---------------------------------------------------------------- the output folder


def _tiny_store() -> ox.Store:
    store = ox.Store()
    mapped = map_practice(Practice(slug="street-watch", title="Street Watch", country="France"))
    replace_graphs(store, {URIRef(DATA_BASE + "graph/t"): mapped.triples})
    return store


def test_site_replaces_only_a_site_it_wrote(tmp_path):
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    with pytest.raises(PublishError, match="not empty"):
        write_site(_tiny_store(), foreign, dumps=False)
    assert (foreign / "notes.txt").read_text() == "mine"
    out = tmp_path / "site"
    write_site(_tiny_store(), out, dumps=False)
    write_site(_tiny_store(), out, dumps=False)
    assert (out / "id/practice/street-watch.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["foreign", "site"]


def test_a_failed_site_leaves_the_previous_one_whole(tmp_path, monkeypatch):
    out = tmp_path / "site"
    write_site(_tiny_store(), out, dumps=False)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def fail(self, *args, **kwargs):
        raise PublishError("disk full (simulated)")

    monkeypatch.setattr(site_module._SiteWriter, "write_index", fail)
    with pytest.raises(PublishError, match="simulated"):
        write_site(_tiny_store(), out, dumps=False)
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_cli_site_and_its_errors(tmp_path):
    from pgraph.build import build_catalogue

    store = tmp_path / "store"
    build_catalogue([TESTS.parent / "data" / "pages"], store_path=store)
    runner = CliRunner()
    result = runner.invoke(cli, ["site", "-o", str(tmp_path / "out"), "--store", str(store),
                                 "--format", "turtle", "--format", "ntriples"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Wrote the site: ")
    assert sorted(p.name for p in (tmp_path / "out/dumps").iterdir()) == ["pgraph.nt", "pgraph.ttl"]
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "x").write_text("x")
    result = runner.invoke(cli, ["site", "-o", str(tmp_path / "busy"), "--store", str(store)])
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: {tmp_path / 'busy'}: the folder is not empty")


# ---------------------------------------------------------------- nginx


def test_nginx_config_serves_every_format_written_beside_the_pages(site):
    """The negotiation itself is tested against a real nginx in test_dereference.py."""
    conf = (site / "nginx.conf").read_text(encoding="utf-8")
    assert "location /pgraph/ {" in conf and "alias /srv/pgraph-site/;" in conf
    assert "return 303 $uri$pgraph_ext;" in conf and "add_header Vary Accept always;" in conf
    for media_type, ext in MEDIA_TYPES.items():
        assert re.search(rf"^\s*{re.escape(media_type)}\s+{ext[1:]}", conf, re.M), media_type
        assert (site / (SEED_PAGE + ext)).is_file()
    assert (site / "w3id.htaccess").read_text().startswith("# pgraph: the w3id.org redirect")


def test_nginx_config_refuses_a_base_it_cannot_quote():
    with pytest.raises(PublishError, match="nginx"):
        nginx_config('https://example.org/a";evil{/', root="/srv")


# ---------------------------------------------------------------- in a browser

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--hide-scrollbars",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]


class _LoggingHandler(SimpleHTTPRequestHandler):
    requests: list[tuple[str, int]]

    def log_request(self, code="-", size="-"):
        self.requests.append((self.path, int(code) if str(code).isdigit() else 0))

    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def served_site(site):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("chromium is not installed: apt-get install -y chromium")
    handler = type("Handler", (_LoggingHandler,), {"requests": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield chromium, f"http://127.0.0.1:{server.server_address[1]}", handler.requests
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


def _chromium(chromium: str, profile: Path, *args: str) -> str:
    result = subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def _requests_were_for_files(site: Path, requests: list[tuple[str, int]]) -> None:
    assert requests
    for path, code in requests:
        local = unquote(urlsplit(path).path).lstrip("/") or "index.html"
        file = (site / local).resolve()
        assert file.is_relative_to(site.resolve()) and file.is_file(), path
        assert code in (200, 304), (path, code)  # 304: the profile's cache already had it


@pytest.mark.integration
def test_practice_page_renders_in_chromium(served_site, site, tmp_path):
    chromium, root, requests = served_site
    url = f"{root}/{SEED_PAGE}.html"
    dom = parse_html(_chromium(chromium, tmp_path / "profile", "--dump-dom", url))
    assert doc_title(dom) == "Z Community Policing in the UK"
    assert len(list(dom.find("table", class_="partners").iter("tr", class_="partner"))) == 12
    table = dom.find("table", class_="ratings")
    ratings = [r.find("td").text for r in table.iter("tr", class_="rating")]
    assert ratings == ["Relevance", "Impact", "Effectiveness", "Efficiency", "Inclusiveness",
                       "Sustainability"]
    ARTEFACTS.mkdir(exist_ok=True)
    for name, page in [("site-practice", SEED_PAGE), ("site-index", "index"),
                       ("site-ontology", "ontology"),
                       ("site-organisation", "id/organisation/city-of-london-police")]:
        shot = ARTEFACTS / f"{name}.png"
        shot.unlink(missing_ok=True)
        _chromium(chromium, tmp_path / "profile", "--window-size=1280,2400",
                  f"--screenshot={shot}", f"{root}/{page}.html")
        assert shot.is_file() and shot.stat().st_size > 10_000
    _requests_were_for_files(site, requests)


def doc_title(dom: Node) -> str:
    return dom.find("h1").text.strip()


@pytest.mark.integration
def test_hostile_title_is_text_in_chromium(served_site, site, tmp_path):
    chromium, root, requests = served_site
    text = _chromium(chromium, tmp_path / "profile", "--dump-dom",
                     f"{root}/id/practice/hostile-title.html")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    dom = parse_html(text)
    assert doc_title(dom) == HOSTILE_TITLE
    assert "data-pwned" not in dom.find("html").attrs  # the marker was never set
    assert not list(dom.iter("img"))
    assert [s.attrs.get("type") for s in dom.iter("script")] == ["application/ld+json"]
    _requests_were_for_files(site, requests)


@pytest.mark.integration
def test_links_followed_in_chromium_stay_in_the_site(served_site, site, tmp_path):
    """Load pages the index links to, one of each kind; every request is for a file."""
    chromium, root, requests = served_site
    index = page_of(site, "index")
    hrefs = [a.attrs["href"] for a in index.iter("a")
             if not urlsplit(a.attrs["href"]).scheme and ".html" in a.attrs["href"]]
    kinds = ("id/practice/", "id/organisation/", "external/",
             "vocab/domain/", "vocab/rating/", "vocab/country.html", "dataset.html")
    sample = [next(h for h in hrefs if h.startswith(kind)) for kind in kinds]
    sample.append(next(h for h in hrefs if h.endswith("/partnership.html")))
    for href in sample:
        dom = parse_html(_chromium(chromium, tmp_path / "profile", "--dump-dom", f"{root}/{href}"))
        assert dom.find("h1").text.strip()
    assert len(sample) >= 6
    assert Counter(code for _, code in requests)[200] >= len(sample)
    _requests_were_for_files(site, requests)


def test_unmapped_values_show_as_written_without_a_badge(site):
    """A value missing from a vocabulary is news for a curator, not a badge for visitors."""
    unmapped = site / "id/concept/domain/gang-violence.html"
    assert unmapped.is_file()
    text = unmapped.read_text(encoding="utf-8")
    assert "Gang violence" in text and "not (yet) one of" in text
    for page in [*site.glob("id/**/*.html"), *site.glob("vocab/**/*.html")]:
        assert 'class="flag">unmapped' not in page.read_text(encoding="utf-8"), page
