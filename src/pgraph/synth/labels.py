"""What a synthetic page may show, read from the vocabularies: headings, facet values, ratings.

Headings are the ``skos:prefLabel`` of the field concepts in ``interface.ttl`` in
the page's interface language; facet values and ratings are the concepts of
``facets.ttl`` and ``criteria.ttl``. Nothing here is a string in code, so a new
interface language or facet value shows up in synthetic pages by itself.

Example:
    >>> labels = page_labels()
    >>> labels.heading("fr", "facet", "intervention_points")
    "Point d'intervention"
    >>> labels.ratings["effectiveness"][-1]
    'Effective'
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from rdflib import SKOS, Literal, URIRef

from pgraph.records import CRITERIA, FACET_FIELDS, PROSE_FIELDS
from pgraph.synth.bank import COMMON_FACET_CONCEPTS
from pgraph.vocab import PG, vocabularies

INTERFACE_LANGUAGES = ("fr", "en")
"""Interface languages synthetic pages are written in (each has every heading in interface.ttl)."""

PROSE_SECTIONS = (*PROSE_FIELDS, "references", "links")
"""The prose sections of a page, in the catalogue's order (references and links come last)."""


@dataclass(frozen=True)
class FacetValue:
    """One value a facet may take: its labels and how often pages pick it."""

    labels: dict[str, str]  # language -> prefLabel
    weight: float


@dataclass(frozen=True)
class PageLabels:
    """Headings per interface language, facet values and rating scales, from the vocabularies."""

    headings: dict[tuple[str, str, str], str]  # (language, kind, key) -> heading
    facet_values: dict[str, tuple[FacetValue, ...]]  # facet key -> values, in IRI order
    ratings: dict[str, tuple[str, ...]]  # criterion key -> English labels, lowest rank first

    def heading(self, language: str, kind: str, key: str) -> str:
        """Return the heading of a field, e.g. ``heading("en", "prose", "evidence")``."""
        return self.headings[(language, kind, key)]


def _pref_label(concept: URIRef, language: str) -> str:
    graph = vocabularies().graph
    for label in graph.objects(concept, SKOS.prefLabel):
        if isinstance(label, Literal) and label.language == language:
            return str(label)
    raise LookupError(f"{concept} has no skos:prefLabel in {language!r} in ontology/vocabularies/")


@cache
def page_labels() -> PageLabels:
    """Return the labels synthetic pages are written with (loaded once per process)."""
    vocab = vocabularies()
    graph = vocab.graph
    fields = [("chrome", "chrome"), ("meta", "start_date")]
    fields += [("prose", key) for key in PROSE_SECTIONS]
    fields += [("facet", key) for key in FACET_FIELDS]
    fields += [(kind, key) for kind in ("rating", "assessment") for key in CRITERIA]
    headings = {
        (language, kind, key): _pref_label(vocab.field(kind, key).concept, language)
        for language in INTERFACE_LANGUAGES
        for kind, key in fields
    }

    facet_values: dict[str, tuple[FacetValue, ...]] = {}
    for key in FACET_FIELDS:
        scheme = vocab.scheme_of_facet(key)
        concepts = sorted(URIRef(str(c)) for c in graph.subjects(SKOS.inScheme, scheme))
        common = COMMON_FACET_CONCEPTS.get(key, ())
        facet_values[key] = tuple(
            FacetValue(
                labels={lang: _pref_label(c, lang) for lang in INTERFACE_LANGUAGES},
                # A few values carry most pages, the rest are rare (as in the catalogue).
                weight=8.0 if c.rsplit("/", 1)[-1] in common else 1.0,
            )
            for c in concepts
        )

    ratings: dict[str, tuple[str, ...]] = {}
    for key in CRITERIA:
        scale = vocab.rating_scale(key)
        ranked = sorted(
            (int(str(graph.value(c, PG.rank))), URIRef(str(c)))
            for c in graph.subjects(SKOS.inScheme, scale)
        )
        ratings[key] = tuple(_pref_label(c, "en") for _, c in ranked)
    return PageLabels(headings=headings, facet_values=facet_values, ratings=ratings)
