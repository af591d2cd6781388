"""The ontology documentation: every term with both labels, the schemes, the SVG diagram."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import OWL, RDF, RDFS, SKOS, Graph, Literal, URIRef

from pgraph.cli import cli
from pgraph.publish.docs import (
    curie,
    documentation,
    ontology_graph,
    render_docs,
    vocabulary_graph,
    write_docs,
)
from pgraph.publish.docs_diagram import ontology_diagram
from pgraph.resources import ontology_dir
from tests.test_site import parse_html

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    out = tmp_path_factory.mktemp("docs") / "docs"
    page = write_docs(out)
    return out, parse_html(page.read_text(encoding="utf-8"))


def _terms(kind) -> list[URIRef]:
    graph = Graph().parse(ontology_dir() / "pgraph.ttl")
    return sorted(URIRef(s) for s in graph.subjects(RDF.type, kind))


def test_every_class_and_property_is_listed_with_english_and_french_labels(written):
    _, doc = written
    graph = Graph().parse(ontology_dir() / "pgraph.ttl")
    terms = [*_terms(OWL.Class), *_terms(OWL.ObjectProperty), *_terms(OWL.DatatypeProperty)]
    assert len(terms) == 51  # 46, and issue 11's GenericPartner, partnerKind, acronym,
    # startDateAsWritten, and issue 13's writtenAs
    for term in terms:
        row = doc.find("tr", id=curie(str(term)).replace(":", "-"))
        cells = {c.attrs.get("lang"): c.text for c in row.iter("td") if c.attrs.get("lang")}
        labels = {label.language: str(label) for label in graph.objects(term, RDFS.label)}
        assert cells == {"en": labels["en"], "fr": labels["fr"]}, term
        comment = str(graph.value(term, RDFS.comment))
        assert comment in row.text, term


def test_properties_show_their_domain_and_range(written):
    _, doc = written
    row = doc.find("tr", id="pg-statutoryBasis")
    cells = [cell.text for cell in row.iter("td")]
    assert cells[-2:] == ["org:Membership", "schema:Legislation"]
    domain_link = doc.find("tr", id="pg-rating").iter("a")
    assert [a.attrs["href"] for a in domain_link][:1] == ["#pg-Assessment"]


def test_concept_schemes_are_listed_with_both_languages(written):
    _, doc = written
    vocabularies = vocabulary_graph()
    schemes = sorted(vocabularies.subjects(RDF.type, SKOS.ConceptScheme))
    assert len(schemes) >= 15
    sections = {s.attrs["id"]: s for s in doc.iter("section", class_="scheme")}
    assert len(sections) == len(schemes)
    domain = sections["scheme-pgv-domain"]
    rows = {tuple(c.text for c in row.iter("td") if c.attrs.get("lang"))
            for row in domain.iter("tr")}
    assert ("Violent extremism", "Extrémisme violent") in rows
    effectiveness = [tuple(c.text for c in row.iter("td"))
                     for row in sections["scheme-pgv-rating-effectiveness"].iter("tr")][1:]
    assert [r[-1] for r in effectiveness] == ["1", "2", "3"]
    assert ("GB", "United Kingdom", "Royaume-Uni") in {
        tuple(c.text for c in row.iter("td")) for row in sections["scheme-pgv-country"].iter("tr")}


def test_the_diagram_is_inline_svg_with_a_box_per_class_and_an_arrow_per_link(written):
    out, doc = written
    svg = ET.fromstring((out / "diagram.svg").read_text(encoding="utf-8"))
    assert svg.tag == f"{SVG}svg"
    boxes = {g.get("data-iri") for g in svg.iter(f"{SVG}g") if g.get("class") == "class"}
    assert {str(c) for c in _terms(OWL.Class)} <= boxes
    assert "http://www.w3.org/2004/02/skos/core#Concept" in boxes
    texts = " ".join(t.text or "" for t in svg.iter(f"{SVG}text"))
    texts += " ".join(t.text or "" for t in svg.iter(f"{SVG}tspan"))
    for label in ("Practice", "Assessment", "statutory basis", "criterion, rating"):
        assert label in texts
    arrows = [p for p in svg.iter(f"{SVG}path") if p.get("class") in ("property", "subclass")]
    assert len(arrows) >= 12
    inline = doc.find("section", id="diagram").find("svg")
    assert inline.attrs["role"] == "img"
    assert (out / "pgraph.ttl").read_bytes() == (ontology_dir() / "pgraph.ttl").read_bytes()


def test_labels_with_markup_are_escaped_in_html_and_svg():
    graph = ontology_graph()
    hostile = URIRef("https://w3id.org/pgraph/ontology#Hostile")
    graph.add((hostile, RDF.type, OWL.Class))
    graph.add((hostile, RDFS.label, Literal("<script>alert(1)</script>", lang="en")))
    graph.add((hostile, RDFS.comment, Literal("</svg><img src=x onerror=alert(1)>", lang="en")))
    html = render_docs(documentation(graph, vocabulary_graph(countries=False)))
    assert "<script>alert" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    svg = str(ontology_diagram(graph, name=curie))
    ET.fromstring(svg)  # still well-formed XML
    assert "&lt;script&gt;" in svg


def test_no_remote_resources_in_the_docs(written):
    _, doc = written
    for node in doc.iter():
        if node.tag in ("script", "link", "img"):
            for attr in ("src", "href"):
                assert not re.match(r"(https?:)?//", node.attrs.get(attr) or ""), node


def test_cli_docs(tmp_path, built_store_path):
    result = CliRunner().invoke(cli, ["docs", "-o", str(tmp_path / "docs"), "--store",
                                      str(built_store_path)])
    assert result.exit_code == 0, result.output
    index = tmp_path / "docs" / "index.html"
    assert result.output == (f"Wrote the ontology documentation: {index}\n"
                             f"Wrote the querying guide: {tmp_path / 'docs' / 'querying.md'}\n")
    assert sorted(p.name for p in (tmp_path / "docs").iterdir()) == [
        "diagram.svg", "index.html", "pgraph.ttl", "querying.html", "querying.md"]


def test_cli_docs_without_a_store_writes_the_ontology_pages(tmp_path):
    result = CliRunner().invoke(cli, ["docs", "-o", str(tmp_path / "docs"), "--store",
                                      str(tmp_path / "none")])
    assert result.exit_code == 0, result.output
    assert "Skipped the querying guide: no store at" in result.output
    assert sorted(p.name for p in (tmp_path / "docs").iterdir()) == [
        "diagram.svg", "index.html", "pgraph.ttl"]


# ---------------------------------------------------------------- querying the graph


@pytest.fixture(scope="module")
def guide(built_store):
    from pgraph.publish.docs_querying import querying_guide

    return querying_guide(built_store)


def test_the_querying_guide_covers_each_class_with_properties_in_practice(guide):
    by_class = {g.curie: g for g in guide}
    assert list(by_class)[:5] == ["pg:Practice", "pg:Assessment",
                                  "org:OrganizationalCollaboration", "org:Membership",
                                  "org:Organization"]
    membership = {u.curie for u in by_class["org:Membership"].properties}
    assert {"org:member", "org:organization", "org:role", "pg:partnerName",
            "pg:statutoryBasis", "rdfs:label"} <= membership
    practice = {u.curie: u for u in by_class["pg:Practice"].properties}
    assert practice["pg:startDate"].value == "xsd:date"
    assert practice["dcterms:title"].value == "text@lang"
    assert practice["dcterms:title"].instances == by_class["pg:Practice"].instances == 40
    organisation = {u.curie for u in by_class["org:Organization"].properties}
    assert "skos:prefLabel" in organisation
    assert "org:member" in {u.curie for u in by_class["org:Organization"].incoming}
    assert "z-community-policing" in by_class["pg:Practice"].example or by_class[
        "pg:Practice"].example.startswith("<https://w3id.org/pgraph/id/practice/")


def test_every_query_of_the_guide_runs_and_answers(guide, built_store):
    from pgraph.publish.docs_querying import FIRST_QUERY
    from pgraph.query import run_query

    for g in guide:
        result = run_query(g.query, store=built_store)
        assert len(result) > 0, g.curie
        assert result.variables[:2] == [g.variable, "name"]
    assert len(run_query(FIRST_QUERY, store=built_store)) == 12
    rows = run_query(FIRST_QUERY.replace("LIMIT 12", ""), store=built_store).rows
    assert {r["role"] for r in rows} == {"partner", "statutory partner"}
    assert {r["act"] for r in rows if r["partner"] == "City of London Police"} == {
        "Crime and Disorder Act 1998"}


def test_the_committed_querying_guide_is_up_to_date(guide):
    """docs/querying.md (linked from the README) is what `pgraph docs` writes for data/."""
    from pgraph.publish.docs_querying import querying_markdown

    committed = Path(__file__).parent.parent / "docs" / "querying.md"
    # A build's IRI and times are those of the build that ran.
    when = re.compile(r"\d{8}T\d{6,}Z|\d{4}-\d\d-\d\dT[\d:.]+(\+00:00|Z)?")
    assert when.sub("…", committed.read_text(encoding="utf-8")) == when.sub(
        "…", querying_markdown(guide)), (
        "regenerate: pgraph build data && pgraph docs -o docs/ --store .pgraph/store "
        "(then keep only docs/querying.md)")
