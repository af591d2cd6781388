"""The SPARQL validation gives pySHACL's report exactly: bundled data, synthetic catalogues, faults.

pySHACL on the whole graph is the reference. Faults are planted in the built
store (SPARQL updates into the practices' own graphs), one kind per sampled
practice, so that every constraint of ``ontology/shapes.ttl`` has something
to find, including violations that only the union of two graphs shows.
The 1,000-practice comparison takes minutes with pySHACL: it runs when
PGRAPH_SLOW_TESTS=1.
"""

# ruff: noqa: E501  (one SPARQL update per line reads best)
from __future__ import annotations

import os
import random

import pyoxigraph as ox
import pytest
from rdflib import Graph

from pgraph.build import build_catalogue
from pgraph.shacl.plan import UnsupportedShapes, read_plan
from pgraph.synth import generate_catalogue
from pgraph.validate import validate_store
from tests.conftest import DATA

PG = "https://w3id.org/pgraph/ontology#"
PGV = "https://w3id.org/pgraph/vocab/"
PREFIXES = f"""
PREFIX pg: <{PG}>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX schema: <https://schema.org/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""

# One update per kind of fault; $p is the practice, $g its graph.
FAULTS = {
    "no title": "DELETE WHERE { GRAPH $g { $p dcterms:title ?t } }",
    "title without language": 'INSERT DATA { GRAPH $g { $p dcterms:title "Untagged" } }',
    "two titles in one language": 'INSERT DATA { GRAPH $g { $p dcterms:title "Again"@en, "Encore"@EN } }',
    "empty title": 'INSERT DATA { GRAPH $g { $p dcterms:title ""@de } }',
    "start date as text": 'INSERT DATA { GRAPH $g { $p pg:startDate "1st January 2014" } }',
    "impossible date": 'INSERT DATA { GRAPH $g { $p pg:startDate "2014-02-31"^^xsd:date } }',
    "two countries": f"INSERT DATA {{ GRAPH $g {{ $p pg:country <{PGV}country/DE>, <{PGV}country/FR> }} }}",
    "country as text": 'INSERT DATA { GRAPH $g { $p pg:country "FR" } }',
    "domain of another scheme": f"INSERT DATA {{ GRAPH $g {{ $p pg:domain <{PGV}level/local> }} }}",
    "ftp link": "INSERT DATA { GRAPH $g { $p rdfs:seeAlso <ftp://example.org/file> } }",
    "link as text": 'INSERT DATA { GRAPH $g { $p rdfs:seeAlso "https://example.org" } }',
    "no identifier": "DELETE WHERE { GRAPH $g { $p dcterms:identifier ?i } }",
    "member removed": "DELETE { GRAPH $g { ?m org:member ?o } } WHERE { GRAPH $g { ?m org:member ?o } }",
    "unknown role": f"DELETE {{ GRAPH $g {{ ?m org:role ?r }} }} INSERT {{ GRAPH $g {{ ?m org:role <{PGV}role/sponsor> }} }} WHERE {{ GRAPH $g {{ ?m org:role ?r }} }}",
    "statutory basis of a partner": f"DELETE {{ GRAPH $g {{ ?m org:role ?r }} }} INSERT {{ GRAPH $g {{ ?m org:role <{PGV}role/partner> }} }} WHERE {{ GRAPH $g {{ ?m pg:statutoryBasis ?a ; org:role ?r }} }}",
    "rating off the scale": f"DELETE {{ GRAPH $g {{ ?a pg:rating ?r }} }} INSERT {{ GRAPH $g {{ ?a pg:rating <{PGV}rating/impact-positive-impact> }} }} WHERE {{ GRAPH $g {{ ?a pg:rating ?r ; pg:criterion <{PGV}criterion/effectiveness> }} }}",
    "no criterion": "DELETE WHERE { GRAPH $g { ?a pg:criterion ?c } }",
    "review without language": 'INSERT { GRAPH $g { ?a schema:reviewBody "plain" } } WHERE { GRAPH $g { $p pg:assessment ?a } }',
    "act year as integer": "INSERT { GRAPH $g { ?act pg:year 1999 } } WHERE { GRAPH $g { ?m pg:statutoryBasis ?act } }",
    "nameless concept in use": f"INSERT DATA {{ GRAPH $g {{ $p pg:domain <{PGV}domain/nameless> . <{PGV}domain/nameless> skos:inScheme <{PGV}domain> }} }}",
    "organisation renamed elsewhere": 'INSERT { GRAPH $g { ?o skos:prefLabel "Another name" } } WHERE { GRAPH $g { ?m org:member ?o } }',
    "reference url as text": 'INSERT { GRAPH $g { ?r schema:url "www.example.org" } } WHERE { GRAPH $g { $p pg:reference ?r } }',
    "two references dates": 'INSERT { GRAPH $g { ?r dcterms:date "2001-01-01"^^xsd:date, "2002-02-02"^^xsd:date } } WHERE { GRAPH $g { $p pg:reference ?r } }',
    "assessment of nothing": "DELETE WHERE { GRAPH $g { ?a schema:itemReviewed ?x } }",
    "no evaluation": "DELETE WHERE { GRAPH $g { $p pg:assessment ?a } }",
}


def inject_faults(store: ox.Store, *, seed: int, per_kind: int) -> int:
    """Plant each kind of fault in ``per_kind`` practices' graphs; return how many updates ran."""
    rows = store.query(f"SELECT ?p ?g WHERE {{ GRAPH ?g {{ ?p a <{PG}Practice> }} }} ORDER BY ?p")
    practices = [(row["p"], row["g"]) for row in rows]
    chosen = random.Random(seed).sample(practices, min(len(practices), per_kind * len(FAULTS)))
    for i, (practice, graph) in enumerate(chosen):
        update = list(FAULTS.values())[i % len(FAULTS)]
        store.update(PREFIXES + update.replace("$p", str(practice)).replace("$g", str(graph)))
    return len(chosen)


def assert_same_report(store: ox.Store) -> None:
    fast = validate_store(store)
    reference = validate_store(store, whole=True)
    assert [str(f) for f in fast.findings] == [str(f) for f in reference.findings]
    assert fast.findings == reference.findings
    assert fast.conforms == reference.conforms


@pytest.mark.slow
def test_a_synthetic_catalogue_with_planted_faults_gives_the_reference_report(tmp_path):
    generate_catalogue(tmp_path / "catalogue", practices=60, seed=5, malformed_share=0.1)
    store = build_catalogue([tmp_path / "catalogue"], store_path=None).store
    assert inject_faults(store, seed=1, per_kind=1) == len(FAULTS)
    report = validate_store(store)
    assert len({f.message for f in report.findings}) >= 18, "the faults reach most constraints"
    assert_same_report(store)


@pytest.mark.slow
@pytest.mark.skipif(
    not os.environ.get("PGRAPH_SLOW_TESTS"), reason="minutes of pySHACL; set PGRAPH_SLOW_TESTS=1"
)
def test_a_thousand_practices_with_planted_faults_give_the_reference_report(tmp_path):
    generate_catalogue(tmp_path / "catalogue", practices=1000, seed=1, malformed_share=0.05)
    store = build_catalogue([tmp_path / "catalogue"], store_path=None).store
    inject_faults(store, seed=2, per_kind=8)
    assert_same_report(store)


def test_shapes_beyond_the_plan_are_refused_so_pyshacl_runs():
    shapes = Graph().parse(
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        <urn:s> a sh:NodeShape ; sh:targetClass <urn:C> ;
            sh:or ( [ sh:path <urn:p> ; sh:minCount 1 ] [ sh:path <urn:q> ; sh:minCount 1 ] ) .
    """,
        format="turtle",
    )
    with pytest.raises(UnsupportedShapes, match="sh:or"):
        read_plan(shapes)


def test_the_default_is_the_sparql_plan_and_whole_is_pyshacl_with_the_same_report(
    built_store, monkeypatch
):
    import pgraph.validate as validate

    ran: list[int] = []
    original = validate.validate_graph

    def pyshacl_spy(graph):
        ran.append(len(graph))
        return original(graph)

    monkeypatch.setattr(validate, "validate_graph", pyshacl_spy)
    fast = validate_store(built_store)
    assert ran == [], "the default ran pySHACL"
    report = validate_store(built_store, whole=True)
    triples = len({quad.triple for quad in built_store})  # the union of the named graphs
    assert ran == [triples], "whole runs pySHACL once, on every triple of the store"
    assert report.conforms and DATA.exists()
    # The bundled data gives the reference report (one pySHACL run serves both checks).
    assert [str(f) for f in fast.findings] == [str(f) for f in report.findings]
    assert fast.findings == report.findings


def test_warnings_left_undescribed_give_the_same_violations_and_counts(tmp_path):
    # pgraph validate --no-warnings prints only violations: warnings are not tied to practices.
    generate_catalogue(tmp_path / "catalogue", practices=30, seed=3, malformed_share=0.1)
    store = build_catalogue([tmp_path / "catalogue"], store_path=None).store
    inject_faults(store, seed=3, per_kind=1)
    full = validate_store(store)
    quick = validate_store(store, describe_warnings=False)
    assert full.violations and full.warnings  # both kinds present: the check can fail
    assert quick.summary() == full.summary() and quick.conforms == full.conforms
    assert [str(f) for f in quick.violations] == [str(f) for f in full.violations]
    assert any(f.practice for f in full.warnings)
    assert not any(f.practice for f in quick.warnings)


def test_findings_printed_from_the_kept_rows_are_those_of_the_results(tmp_path):
    # A validation with a state makes its findings from the state's rows (pgraph.validate.
    # report_from_rows: warnings straight from their rows with --no-warnings).
    from pgraph.shacl.engine import run_plan
    from pgraph.shacl.state import results_from_rows, validated_rows
    from pgraph.validate import compiled_plan, report_from_results, report_from_rows

    generate_catalogue(tmp_path / "catalogue", practices=30, seed=3, malformed_share=0.1)
    store = build_catalogue([tmp_path / "catalogue"], store_path=None).store
    inject_faults(store, seed=3, per_kind=1)
    rows = validated_rows(compiled_plan(), store, tmp_path / "state.json")
    kept = [row for found in rows.values() for row in found]
    # Violations and warnings, values as text, as IRIs, and none: the check can fail.
    assert {row[2] for row in kept} == {"Violation", "Warning"}
    assert {row[4][0] if row[4] else None for row in kept} >= {"literal", "iri", None}
    results = results_from_rows(rows)
    assert results == set(run_plan(compiled_plan(), store))
    for describe in (False, True):
        ours = report_from_rows(store, rows, describe_warnings=describe)
        assert ours == report_from_results(store, results, describe_warnings=describe)
    quick = validate_store(store, state=tmp_path / "state.json", describe_warnings=False)
    assert quick == report_from_results(store, results, describe_warnings=False)
