"""HTML catalogue pages: the seed as the site serves it (golden), chrome, encodings, bad markup."""

from __future__ import annotations

import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from pgraph.build import build_catalogue
from pgraph.errors import SourceError
from pgraph.sources import NotAPracticePage, read_source
from pgraph.sources.html_pages import html_encoding, html_page_lines, read_html_page
from pgraph.vocab import PG
from tests.conftest import SEED_URL, TESTS
from tests.test_mapping import GOLDEN, page_graph

HTML = TESTS / "fixtures" / "html"
PROVENANCE = (PG.sourceFile, PG.sourceLine)
CHROME_WORDS = ["Pratiques associées", "Related practices", "Safer Streets in Lyon", "cookies",
                "Accepter", "Twitter", "Mentions légales", "Legal notice", "Български",
                "Rechercher", "Aller au contenu", "First Line Practitioners", "jquery"]


def without_provenance(graph: Graph) -> Graph:
    graph = Graph() + graph
    for predicate in PROVENANCE:
        graph.remove((None, predicate, None))
    return graph


@pytest.mark.parametrize("fixture", ["seed_fr.html", "seed_en.html"])
def test_seed_as_html_gives_the_golden_graph_provenance_aside(fixture):
    built = without_provenance(page_graph(HTML / fixture))
    golden = without_provenance(Graph().parse(GOLDEN / "seed" / "expected.ttl"))
    if not isomorphic(built, golden):
        _, only_built, only_golden = graph_diff(to_isomorphic(built), to_isomorphic(golden))
        pytest.fail(f"only built:\n{only_built.serialize(format='nt')}\n"
                    f"only golden:\n{only_golden.serialize(format='nt')}")


@pytest.mark.parametrize("fixture", ["seed_fr.html", "seed_en.html"])
def test_seed_as_html_reads_without_warnings_and_cites_html_lines(fixture):
    path = HTML / fixture
    records = read_source(path, root=HTML, source_urls={})
    assert (records.error, records.skipped, records.warnings) == (None, None, [])
    (practice,) = records.practices
    source = path.read_text(encoding="utf-8").splitlines()
    assert "<h1" in source[practice.lines["title"] - 1]
    assert "<h3" in source[practice.lines["levels"] - 1]
    assert practice.interface_language == fixture[5:7]
    assert len(practice.partnership.partners) == 12


@pytest.mark.parametrize("fixture", ["seed_fr.html", "seed_en.html"])
def test_chrome_never_reaches_the_graph(fixture):
    text = " ".join(str(o) for o in page_graph(HTML / fixture).objects() if isinstance(o, Literal))
    for word in CHROME_WORDS:
        assert word not in text, word


def test_a_folder_of_html_pages_builds_with_the_url_from_sources_yaml(tmp_path):
    shutil.copy(HTML / "seed_fr.html", tmp_path / "z-community-policing-in-the-uk.html")
    (tmp_path / "sources.yaml").write_text(f"z-community-policing-in-the-uk.html: {SEED_URL}\n")
    report = build_catalogue([tmp_path], store_path=None, jobs=1)
    assert not report.errors, [str(e) for e in report.errors]
    sources = {str(q.object.value) for q in report.store.quads_for_pattern(
        None, None, None, None) if q.predicate.value == "http://purl.org/dc/terms/source"}
    assert SEED_URL in sources


def test_a_related_practices_list_never_becomes_partners():
    html = (HTML / "seed_en.html").read_bytes().replace(
        b'<aside id="secondary" class="widget-area">', b'<div class="sidebar">').replace(
        b"</aside>", b"</div>")
    practice, _ = read_html_page(html, name="p.html")
    names = {p.name for p in practice.partnership.partners}
    assert "Safer Streets in Lyon" not in names and len(names) == 12


def test_definition_lists_and_tables_are_facets_too():
    html = """<main><h1>Street Watch</h1><ul><li>France</li><li>Start date: 1 March 2019</li></ul>
    <h2>Objectives</h2><p>Safer streets.</p>
    <dl><dt>Levels</dt><dd>Local</dd><dd>Regional</dd>
        <dt>Domains</dt><dd><p>Organised crime</p></dd></dl>
    <table><tr><th>Timeline</th><td>Long term / Permanent</td></tr></table>
    </main>"""
    practice, _ = read_html_page(html.encode(), name="p.html")
    assert practice.levels == ["Local", "Regional"]
    assert practice.domains == ["Organised crime"]
    assert practice.timeline == ["Long term / Permanent"]
    assert str(practice.start_date) == "2019-03-01"


def test_an_html_page_that_is_not_a_practice_is_skipped(tmp_path):
    page = tmp_path / "about.html"
    page.write_text("<html><body><nav>Menu</nav><main><h1>About us</h1><p>We are a network."
                    "</p><p>Language: English</p><p>Categories: News</p></main></body></html>")
    records = read_source(page, root=tmp_path, source_urls={})
    assert records.skipped and "not a practice page" in records.skipped
    with pytest.raises(NotAPracticePage):
        read_html_page(page.read_bytes(), name="about.html")


@pytest.mark.parametrize(
    ("data", "charset", "expected"),
    [
        ('<meta charset="iso-8859-1"><h1>Sécurité</h1>'.encode("latin-1"), None, "Sécurité"),
        ('<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
         "<h1>Café \u2013 Rue</h1>".encode("cp1252"), None, "Café \u2013 Rue"),
        ("<h1>Sécurité</h1>".encode("latin-1"), "ISO-8859-1", "Sécurité"),  # HTTP header
        ('<meta charset="utf-8"><h1>Sécurité</h1>'.encode("cp1252"), "windows-1252", "Sécurité"),
        ("\ufeff<h1>Sécurité</h1>".encode("utf-16"), None, "Sécurité"),
        ("<h1>Sécurité</h1>".encode(), None, "Sécurité"),
    ],
)
def test_encodings_from_the_header_the_meta_or_the_bytes(data, charset, expected):
    lines, _ = html_page_lines(data, name="p.html", charset=charset)
    assert lines[0].text == expected


def test_undeclared_windows_1252_is_read_with_a_warning():
    lines, warnings = html_page_lines("<h1>Sécurité</h1>".encode("cp1252"), name="p.html")
    assert lines[0].text == "Sécurité"
    assert "not UTF-8" in str(warnings[0])


def test_encoding_labels_follow_the_browsers():
    assert html_encoding(b'<meta charset="latin1">') == "cp1252"
    assert html_encoding(b'<meta charset="utf-16">') == "utf-8"  # cannot be: the bytes are ASCII
    assert html_encoding(b'<meta charset="no-such-thing">') is None


BROKEN = [
    b"",
    b"   \n ",
    b"<!-- only a comment -->",
    b"<html><head><script>var x = '<h1>no</h1>';</script></head></html>",
    b"<h1>Title",
    b"<h1>Title</h2><h2>Objectives<p>Unclosed <b>bold <i>italic</b> text",
    b"<h1>Title</h1><ul><li>France<li>Start date: 1 May 2010</ul></div></div></span>",
    b"<h1>T</h1><h2>Objectives</h2><p>x</p>" + b"<div>" * 5000 + b"deep" + b"</div>" * 10,
    b"<h1>T</h1><h2>Objectives</h2><p>cut in the mid",
    b"<h1>T</h1><p>a\x00b</p>",
    b"\xff\xfe\x00<\x00h\x001",
    b"<h1>T</h1><h2>Objectives</h2><pre>one\ntwo</pre><table><td>x<tr>",
    b"<h1>\xe9\xff\xfe</h1><h2>Objectives</h2><p>\xc3</p>",
    b'<meta charset="x-user-defined"><h1>T</h1>',
    b"<h1>T</h1><h2>Objectives</h2><p>" + b"&#0;&#xD800;&#x110000;&bogus;" + b"</p>",
    b"<svg><h1>in svg</h1></svg><math><mi>x</mi></math>",
    b"<h1>T</h1>" + b"<ul>" + b"<li>v" * 3000 + b"</ul>",
]


@pytest.mark.parametrize("data", BROKEN)
def test_broken_markup_never_crashes(tmp_path, data):
    page = tmp_path / "broken.html"
    page.write_bytes(data)
    records = read_source(page, root=tmp_path, source_urls={})
    if records.error is not None:
        assert str(records.error).startswith("broken.html"), records.error
        assert "bug" not in str(records.error)
    for warning in records.warnings:
        assert str(warning).startswith("broken.html")


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from([
    "<h1>", "</h1>", "<h2>", "Objectives", "Objectifs", "<p>", "</p>", "<br>", "<ul>", "<li>",
    "</li>", "</ul>", "France", "Start date: 1 May 2010", "<nav>", "</nav>", "<aside>",
    "<main>", "</main>", "<article>", "<dl><dt>Levels<dd>Local", "<table><tr><td>", "x",
    "<script>", "<!--", "-->", "<![CDATA[", "&amp;", "&", "•", "\u00a0", "\x00", "\ufeff",
    "<meta charset='latin1'>", "<pre>", "\n", "<div hidden>", "<div class='cookie'>",
]), max_size=60), st.binary(max_size=20))
def test_any_markup_reads_or_fails_with_a_clear_error(parts, noise):
    data = "".join(parts).encode("utf-8", "surrogatepass") + noise
    try:
        practice, warnings = read_html_page(data, name="odd.html")
    except SourceError as exc:
        assert str(exc).startswith("odd.html")
    else:
        assert practice is not None
        assert all(str(w).startswith("odd.html") for w in warnings)


def test_a_page_over_the_size_limit_is_refused(tmp_path, monkeypatch):
    import pgraph.sources.html_pages as html_pages

    monkeypatch.setattr(html_pages, "MAX_HTML_BYTES", 1000)
    page = tmp_path / "big.html"
    page.write_bytes(b"<h1>T</h1>" + b"<p>x</p>" * 200)
    records = read_source(page, root=tmp_path, source_urls={})
    assert "MB an HTML catalogue page may be; refused" in str(records.error)


def test_url_in_sources_yaml_becomes_the_source(tmp_path):
    shutil.copy(HTML / "seed_en.html", tmp_path / "page.htm")
    records = read_source(tmp_path / "page.htm", root=tmp_path, source_urls={"page.htm": SEED_URL})
    assert records.practices[0].source_url == SEED_URL
    graph = page_graph(tmp_path / "page.htm")
    assert URIRef(SEED_URL) in set(graph.objects())


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.binary(max_size=3000), st.sampled_from([".html", ".htm"]))
def test_any_bytes_in_an_html_file_read_map_and_store(tmp_path_factory, data, suffix):
    from tests.test_properties import BUG, assert_storable

    folder = tmp_path_factory.mktemp("html", numbered=True)
    path = folder / f"f{suffix}"
    path.write_bytes(b"<h1>T</h1><h2>Objectives</h2>" + data)
    records = read_source(path, root=folder, source_urls={})
    assert records.error is None or BUG not in str(records.error), str(records.error)
    assert records.error is None or str(records.error).startswith(f"f{suffix}")
    assert_storable(records.practices)


def test_a_page_without_main_or_article_leaves_out_the_sites_header_and_footer():
    html = b"""<body><header><p>Street Safety Network</p><ul><li>Home</li></ul></header>
    <h1>Street Watch</h1><ul><li>France</li></ul>
    <h2>Objectives</h2><p>Safer streets.</p>
    <footer><p>\xc2\xa9 2024 Street Safety Network, all rights reserved</p></footer></body>"""
    practice, _ = read_html_page(html, name="p.html")
    assert practice.title == "Street Watch" and practice.objectives == "Safer streets."
    assert "rights" not in str(practice.model_dump())
