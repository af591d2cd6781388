"""pgraph.vocab: folding, slugs, and look-ups in the SKOS vocabularies whose answers are known."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from pgraph.resources import vocabulary_files
from pgraph.vocab import PG, PG_NAMESPACE, PGV, fold, load_vocabulary_graph, slugify, vocabularies

ONTOLOGY = Path(__file__).resolve().parents[1] / "ontology" / "pgraph.ttl"
SOURCE = Path(__file__).resolve().parents[1] / "src" / "pgraph"


@pytest.mark.parametrize(("text", "folded"), [
    ("Ça  Va", "ca va"),
    ("L\u2019équipe", "l'equipe"),
    ("  Police\tScotland ", "police scotland"),
    ("ÉTÉ", "ete"),
])
def test_fold_ignores_case_accents_apostrophes_and_spacing(text, folded):
    assert fold(text) == folded


@pytest.mark.parametrize(("text", "slug"), [
    ("Ça Va!", "ca-va"),
    ("The City of London Police*", "the-city-of-london-police"),
    ("  --a--b--  ", "a-b"),
    ("", ""),
])
def test_slugify_gives_lowercase_ascii_words_joined_by_dashes(text, slug):
    assert slugify(text) == slug
    assert re.fullmatch(r"[a-z0-9]*(-[a-z0-9]+)*", slugify(text))


def test_headings_are_found_in_both_interface_languages():
    vocab = vocabularies()
    english, french = vocab.field_for_heading("Objectives"), vocab.field_for_heading("Objectifs")
    assert english is not None and english == french and english.key == "objectives"
    assert vocab.field_for_heading("No such heading") is None


def test_facet_labels_ratings_roles_and_acts_resolve_to_their_concepts():
    vocab = vocabularies()
    assert vocab.concept("domains", "Cybercrime") == PGV["domain/cybercrime"]
    assert vocab.concept("domains", "Not a domain") is None
    assert vocab.rating("effectiveness", "Effective") == PGV["rating/effectiveness-effective"]
    assert vocab.role("partner") == PGV["role/partner"]
    assert vocab.act("Crime and Disorder Act", 1998) == URIRef(
        "http://www.legislation.gov.uk/id/ukpga/1998/37")
    assert vocab.act("Crime and Disorder Act", 1997) is None  # the year must agree


def test_countries_are_known_by_english_and_french_names_and_codes():
    vocab = vocabularies()
    assert {vocab.country_code(n) for n in ("Royaume-Uni", "United Kingdom", "GB")} == {"GB"}
    assert vocab.country_code("Allemagne") == "DE"
    assert vocab.country_code("Atlantis") is None
    assert vocab.country_concept("GB") == PGV["country/GB"]


def test_not_reported_values_are_recognised_and_others_are_not():
    vocab = vocabularies()
    assert vocab.is_not_reported("N/A") and vocab.is_not_reported(" N/A ")
    assert not vocab.is_not_reported("Police")


def test_organisation_types_come_from_keywords_and_are_remembered():
    vocab = vocabularies()
    assert str(vocab.organisation_type("London Fire Brigade")).endswith("/fire-and-rescue")
    assert vocab.organisation_type("Residents' association") == vocab.organisation_type(
        "Residents' association")
    assert vocab.organisation_type("Zzz") is None


def test_the_vocabularies_are_kept_until_their_files_change():
    assert vocabularies() is vocabularies()
    assert vocabularies.check() is False  # the files are as they were: the same object
    assert vocabularies() is vocabularies()


def test_the_vocabulary_graph_is_every_vocabulary_file():
    graph = load_vocabulary_graph()
    assert len(vocabulary_files()) >= 5
    for path in vocabulary_files():
        assert set(Graph().parse(path)) <= set(graph), path.name
    assert any(graph.subjects(SKOS.inScheme, None))


def test_every_pg_term_the_code_uses_is_in_the_ontology():
    ontology = Graph().parse(ONTOLOGY)
    defined = {str(s) for s in ontology.subjects()}
    used = set()
    for path in SOURCE.rglob("*.py"):
        used |= set(re.findall(r"\bPG\.([A-Za-z_][A-Za-z0-9_]*)", path.read_text(encoding="utf-8")))
    assert used, "no PG term found in the code"
    missing = sorted(term for term in used if f"{PG_NAMESPACE}{term}" not in defined)
    assert missing == []
    with pytest.raises(AttributeError):
        PG.notATerm  # noqa: B018 - a term the ontology lacks is an error


def test_turtle_read_by_oxigraph_is_the_graph_rdflib_reads():
    # The vocabularies and shapes are parsed by Oxigraph (pgraph.store.read_turtle, faster):
    # each shipped Turtle file must give the graph rdflib's own parser gives.
    from rdflib import BNode, Graph
    from rdflib.compare import isomorphic

    from pgraph.resources import ontology_dir, vocabularies_dir
    from pgraph.store import read_turtle

    files = [ontology_dir() / "shapes.ttl", *sorted(vocabularies_dir().glob("*.ttl"))]
    assert len(files) > 5
    for path in files:
        ours, rdflib_graph = read_turtle(path), Graph().parse(path, format="turtle")
        assert len(ours) == len(rdflib_graph) and isomorphic(ours, rdflib_graph), path.name
    # Two files' blank nodes stay apart, as when rdflib parses each into one graph: read
    # twice, the shapes' triples without a blank node are the same, the others twice over.
    shapes = read_turtle(files[0])
    with_blank = sum(1 for triple in shapes if any(isinstance(t, BNode) for t in triple))
    assert with_blank > 0
    assert len(read_turtle(files[0], read_turtle(files[0]))) == len(shapes) + with_blank
