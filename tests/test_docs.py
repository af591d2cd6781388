"""The ontology documentation: every term with both labels, the schemes, the SVG diagram."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

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
    assert len(terms) == 46
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


def test_cli_docs(tmp_path):
    result = CliRunner().invoke(cli, ["docs", str(tmp_path / "docs")])
    assert result.exit_code == 0, result.output
    index = tmp_path / "docs" / "index.html"
    assert result.output == f"Wrote the ontology documentation: {index}\n"
    assert sorted(p.name for p in (tmp_path / "docs").iterdir()) == [
        "diagram.svg", "index.html", "pgraph.ttl"]
