"""SHACL shapes: the bundled data conforms; a record breaking each main shape reads clearly."""

from __future__ import annotations

import pytest
from rdflib import RDF, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDFS, SKOS

from pgraph.mapping import country_triples, map_practice
from pgraph.records import ActMention, Assessment, Partner, Partnership, Practice, Reference
from pgraph.validate import validate_graph
from pgraph.vocab import ORG, PG, PGV, SCHEMA, load_vocabulary_graph

PRACTICE = URIRef("https://w3id.org/pgraph/id/practice/street-watch")
MEMBERSHIP = URIRef(
    "https://w3id.org/pgraph/id/practice/street-watch/partnership/town-police"
)
ASSESSMENT = URIRef(f"{PRACTICE}/assessment/effectiveness")


@pytest.fixture(scope="module")
def vocabulary() -> Graph:
    graph = load_vocabulary_graph()
    for triple in country_triples():
        graph.add(triple)
    return graph


@pytest.fixture
def graph(vocabulary) -> Graph:
    """A small valid practice, with the vocabularies it uses."""
    practice = Practice(
        slug="street-watch", title="Street Watch", language="en", country="FR",
        description="Neighbours watch the street.", domains=["Cybercrime"],
        partnership=Partnership(
            name="Safer Town Partnership",
            partners=[Partner(name="Town Police", statutory=True), Partner(name="Town NGO")],
            statutory_basis=ActMention(name="Crime and Disorder Act", year=1998),
        ),
        assessments={"effectiveness": Assessment(rating="Effective", text="Works.")},
        references=[Reference(text="A report", url="https://example.org/report")],
        source_file="data/pages/street-watch.txt",
    )
    data = Graph()
    for triple in map_practice(practice).standalone_triples():
        data.add(triple)
    return data + vocabulary


def test_a_valid_practice_conforms(graph):
    report = validate_graph(graph)
    assert report.conforms, [str(f) for f in report.findings]
    assert report.violations == []


def _violation(graph: Graph) -> str:
    report = validate_graph(graph)
    assert not report.conforms
    assert len(report.violations) == 1, [str(f) for f in report.violations]
    return str(report.violations[0])


def test_missing_title_names_practice_field_and_source(graph):
    graph.remove((PRACTICE, DCTERMS.title, None))
    message = _violation(graph)
    assert message.startswith("Violation: data/pages/street-watch.txt:1: ")
    assert "dcterms:title: a practice needs a title" in message


def test_title_without_language_tag(graph):
    graph.remove((PRACTICE, DCTERMS.title, None))
    graph.add((PRACTICE, DCTERMS.title, Literal("Street Watch")))
    assert "with a language tag" in _violation(graph)


def test_start_date_must_be_a_date(graph):
    graph.add((PRACTICE, PG.startDate, Literal("1st January 2014")))
    message = _violation(graph)
    assert "pg:startDate: the start date must be one xsd:date" in message
    assert '(value: "1st January 2014")' in message


def test_domain_from_another_scheme(graph):
    graph.add((PRACTICE, PG.domain, PGV["level/local"]))
    assert "a domain must be a concept of the domains scheme" in _violation(graph)


def test_two_countries(graph):
    graph.add((PRACTICE, PG.country, PGV["country/DE"]))
    assert "the country must be one concept" in _violation(graph)


def test_link_must_be_http(graph):
    graph.add((PRACTICE, RDFS.seeAlso, URIRef("ftp://example.org/file")))
    assert "a useful link must be an http(s) IRI" in _violation(graph)


def test_membership_without_member(graph):
    graph.remove((MEMBERSHIP, ORG.member, None))
    message = _violation(graph)
    assert 'practice "Street Watch"' in message
    assert f"(at <{MEMBERSHIP}>)" in message
    assert "exactly one member: an organisation or a generic partner" in message


def test_statutory_basis_needs_statutory_role(graph):
    graph.set((MEMBERSHIP, ORG.role, PGV["role/partner"]))
    assert "only a statutory partner has a statutory basis" in _violation(graph)


def test_rating_off_the_criterion_scale(graph):
    graph.set((ASSESSMENT, PG.rating, PGV["rating/impact-positive-impact"]))
    message = _violation(graph)
    assert "the rating is not on this criterion's scale" in message


def test_assessment_without_criterion(graph):
    graph.remove((ASSESSMENT, PG.criterion, None))
    assert "exactly one criterion" in _violation(graph)


def test_legislation_year_must_be_gyear(graph):
    act = URIRef("https://w3id.org/pgraph/id/legislation/x")
    graph.add((act, RDF.type, SCHEMA.Legislation))
    graph.add((act, RDFS.label, Literal("X Act")))
    graph.add((act, PG.year, Literal(1999, datatype=XSD.integer)))
    assert "an Act's year must be one xsd:gYear" in _violation(graph)


def test_concept_in_use_needs_a_label(graph):
    concept = URIRef("https://w3id.org/pgraph/id/concept/domain/nameless")
    graph.add((concept, RDF.type, SKOS.Concept))
    graph.add((concept, SKOS.inScheme, PGV.domain))
    graph.add((PRACTICE, PG.domain, concept))
    assert "a concept in use needs a label" in _violation(graph)


def test_missing_evaluation_is_only_a_warning(graph):
    graph.remove((PRACTICE, PG.assessment, None))
    graph.remove((ASSESSMENT, None, None))
    report = validate_graph(graph)
    assert report.conforms
    assert any("the practice has no evaluation" in str(w) for w in report.warnings)
