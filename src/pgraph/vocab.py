"""Our namespace, the standard ones we reuse, and the label tables loaded from the vocabularies.

Everything a reader or the mapping needs to know about labels comes from the
SKOS files in ``ontology/vocabularies/`` (and ISO 3166 through pycountry):
headings per interface language, facet values, rating scales, roles, Acts,
organisation types. Adding a language or a value is a change to those files.

Example:
    >>> v = vocabularies()
    >>> v.field_for_heading("Point d’intervention").key
    'intervention_points'
    >>> str(v.concept("domains", "Extrémisme violent"))
    'https://w3id.org/pgraph/vocab/domain/violent-extremism'
    >>> v.country_code("Royaume-Uni")
    'GB'
"""

from __future__ import annotations

import inspect
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

import pycountry
from rdflib import RDF, RDFS, SKOS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DefinedNamespace

from pgraph.resources import cached_on_files, vocabularies_dir, vocabulary_files


class TermsKept(Namespace):
    """rdflib's ``Namespace``, keeping each term it makes: ``ORG.member`` is then a plain lookup.

    rdflib makes the term at every access (~0.8 µs); mapping one page asks for ~150 terms.

    Example:
        >>> ORG.member is ORG.member, ORG.member
        (True, rdflib.term.URIRef('http://www.w3.org/ns/org#member'))
    """

    def __getattr__(self, name: str) -> URIRef:
        term = super().__getattr__(name)
        self.__dict__[name] = term  # found by the next access, before __getattr__
        return term


ORG = TermsKept("http://www.w3.org/ns/org#")
SCHEMA = TermsKept("https://schema.org/")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
WD = Namespace("http://www.wikidata.org/entity/")
PGV = TermsKept("https://w3id.org/pgraph/vocab/")
"""Our vocabularies' concepts (fixed IRIs, not under the configurable data base)."""
PG_NAMESPACE = Namespace("https://w3id.org/pgraph/ontology#")
"""The ontology's namespace (``PG`` checks its terms; rdflib keeps its namespace private)."""

PREFIXES: dict[str, str] = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "dcterms": "http://purl.org/dc/terms/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "org": str(ORG),
    "prov": "http://www.w3.org/ns/prov#",
    "schema": str(SCHEMA),
    "eli": str(ELI),
    "dcat": "http://www.w3.org/ns/dcat#",
    "void": "http://rdfs.org/ns/void#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "spdx": "http://spdx.org/rdf/terms#",
    "pg": str(PG_NAMESPACE),
    "wd": str(WD),
    "pgv": str(PGV),
    "pgid": "https://w3id.org/pgraph/id/",
}
"""Every prefix pgraph writes, in one table; each output takes the prefixes it needs by name."""


def prefixes(*names: str) -> dict[str, str]:
    """Return the namespaces of the named prefixes, in the order given.

    Example:
        >>> prefixes("pg", "skos")
        {'pg': 'https://w3id.org/pgraph/ontology#', 'skos': 'http://www.w3.org/2004/02/skos/core#'}
    """
    return {name: PREFIXES[name] for name in names}


VOCABULARIES_SOURCE = "(vocabularies)"
"""The ``pg:sourceFile`` of the graph holding the vocabularies and countries (no file has it)."""

DEFAULT_BASE = "https://w3id.org/pgraph/id/"
"""Where data IRIs (practices, organisations, …) are minted unless configured otherwise."""


class PG(DefinedNamespace):
    """Terms of ``ontology/pgraph.ttl``; using a term it lacks is an error."""

    _fail = True
    _NS = PG_NAMESPACE

    Practice: URIRef
    Assessment: URIRef
    Reference: URIRef
    UnrecognisedSection: URIRef
    Build: URIRef
    objectives: URIRef
    sustainability: URIRef
    transferability: URIRef
    evidence: URIRef
    partnershipDescription: URIRef
    costDescription: URIRef
    country: URIRef
    timeline: URIRef
    level: URIRef
    domain: URIRef
    targetAudience: URIRef
    practiceType: URIRef
    interventionPoint: URIRef
    costs: URIRef
    notReported: URIRef
    unmapped: URIRef
    partnership: URIRef
    partnerName: URIRef
    writtenAs: URIRef
    statutoryBasis: URIRef
    unresolved: URIRef
    year: URIRef
    chapter: URIRef
    assessment: URIRef
    criterion: URIRef
    rating: URIRef
    rank: URIRef
    ratingScale: URIRef
    reference: URIRef
    unrecognisedSection: URIRef
    heading: URIRef
    fieldKey: URIRef
    fieldKind: URIRef
    assesses: URIRef
    facetScheme: URIRef
    keyword: URIRef
    sourceFile: URIRef
    sourceLine: URIRef
    contentHash: URIRef
    startDate: URIRef
    candidateFor: URIRef
    inferredClassification: URIRef
    ISO3166Alpha2: URIRef
    GenericPartner: URIRef
    partnerKind: URIRef
    acronym: URIRef
    startDateAsWritten: URIRef
    QualityIssue: URIRef
    qualityIssue: URIRef
    NoRating: URIRef
    NoPartner: URIRef
    NoStartDate: URIRef
    NoCountry: URIRef
    missingRating: URIRef
    DomainTypeCount: URIRef
    countedDomain: URIRef
    countedPracticeType: URIRef
    practiceCount: URIRef
    statutoryMembershipCount: URIRef
    citingPracticeCount: URIRef


# Each term as a plain class attribute: rdflib's DefinedNamespace looks it up at
# every access (~0.8 µs), and mapping a page asks for ~50 of them. Unknown terms
# still fail, since they still reach DefinedNamespace's own lookup.
for _term in inspect.get_annotations(PG):
    setattr(PG, _term, PG[_term])
del _term


# Letters that Unicode does not decompose into a base letter plus accent.
_UNDECOMPOSABLE = str.maketrans({
    "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D",
    "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "þ": "th", "Þ": "Th", "ı": "i",
})


def fold(text: str) -> str:
    """Return ``text`` folded for label matching: case, accents, apostrophes, spacing.

    Example:
        >>> fold("  Point d’intervention\\u00a0")
        "point d'intervention"
    """
    # Every line of every page passes through here, and labels and values repeat
    # from page to page: short texts are folded once per process.
    if len(text) <= _FOLD_CACHE_LENGTH:
        return _fold_short(text)
    return _fold(text)


_FOLD_CACHE_LENGTH = 200
"""Texts up to this long (headings, labels, facet values) have their folded form remembered."""


def _fold(text: str) -> str:
    # The ASCII path skips Unicode work, and the other path uses C-level
    # str.translate; both give what NFKD, dropping combining marks, then mapping
    # apostrophes gives.
    if text.isascii():
        if "`" in text:
            text = text.replace("`", "'")
        return " ".join(text.split()).lower()
    text = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSABLE))
    if not text.isascii():
        text = text.translate(_combining_marks()).translate(_APOSTROPHES)
    elif "`" in text:
        text = text.replace("`", "'")
    return " ".join(text.split()).casefold()


_fold_short = lru_cache(maxsize=20_000)(_fold)


_APOSTROPHES = str.maketrans(dict.fromkeys("\u2018\u2019\u02bc\u0060\u00b4", "'"))


class _CombiningMarks(dict):
    """A str.translate table deleting every combining character, filled as characters come.

    Built whole, the table is a walk over 1.1 million code points (0.2–0.4 s
    of every process that folds one non-ASCII text); filled on demand, each
    character is looked up once.

    Example:
        >>> "e\u0301".translate(_combining_marks())
        'e'
    """

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.combining(chr(code)) else code
        self[code] = kept
        return kept


@cache
def _combining_marks() -> _CombiningMarks:
    """Return the str.translate table deleting every combining character."""
    return _CombiningMarks()


def slugify(text: str) -> str:
    """Return a lowercase ASCII slug of ``text`` (the stable key in minted IRIs).

    Example:
        >>> slugify("The City of London Police*")
        'the-city-of-london-police'
        >>> slugify("Wrocław Ørsted")
        'wroclaw-orsted'
    """
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


_HEADING_CACHE_SIZE = 50_000


@dataclass(frozen=True)
class Field:
    """A page heading's meaning: which record field it fills and how it is read."""

    key: str
    kind: str  # chrome, marker, meta, prose, facet, rating, assessment
    concept: URIRef
    scheme: URIRef | None = None  # facets: the scheme of their values
    criterion: URIRef | None = None  # ratings and assessments


FACET_PROPERTIES = {
    "timeline": PG.timeline,
    "levels": PG.level,
    "domains": PG.domain,
    "target_audiences": PG.targetAudience,
    "types": PG.practiceType,
    "intervention_points": PG.interventionPoint,
    "costs": PG.costs,
}


class Vocabularies:
    """The SKOS vocabularies of ``ontology/vocabularies/``, indexed for look-ups by label."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self._headings: dict[str, Field] = {}
        self._heading_cache: dict[str, Field | None] = {}
        self._organisation_types: dict[str, URIRef | None] = {}
        self._keywords: list[tuple[URIRef, str]] | None = None
        # Every practice asks for these: answers from the graph, remembered per Vocabularies.
        self._rating_scales: dict[str, URIRef] = {}
        self._acts: dict[tuple[str, int | None], URIRef | None] = {}
        self._fields_by_key: dict[tuple[str, str], Field] = {}
        self.interface_languages: dict[str, set[str]] = {}  # folded heading -> languages
        self.not_reported_labels: set[str] = set()
        self._concepts: dict[tuple[URIRef, str], URIRef] = {}
        self._index_fields()
        self._index_concepts()

    # -- headings
    def _index_fields(self) -> None:
        g = self.graph
        for concept in g.subjects(PG.fieldKey, None):
            concept = URIRef(concept)
            field = Field(
                key=str(g.value(concept, PG.fieldKey)),
                kind=str(g.value(concept, PG.fieldKind)),
                concept=concept,
                scheme=_uri_or_none(g.value(concept, PG.facetScheme)),
                criterion=_uri_or_none(g.value(concept, PG.assesses)),
            )
            self._fields_by_key[(field.kind, field.key)] = field
            for label in _labels(g, concept):
                if field.kind == "marker":
                    self.not_reported_labels.add(fold(label))
                    continue
                self._headings[fold(label)] = field
                if label.language:
                    self.interface_languages.setdefault(fold(label), set()).add(label.language)

    def field_for_heading(self, heading: str) -> Field | None:
        """Return the field a heading line introduces, or None when the heading is unknown."""
        # Readers ask about each line of a page several times: remember recent answers.
        try:
            return self._heading_cache[heading]
        except KeyError:
            if len(self._heading_cache) >= _HEADING_CACHE_SIZE:
                self._heading_cache.clear()
            found = self._heading_cache[heading] = self._headings.get(fold(heading))
            return found

    def field(self, kind: str, key: str) -> Field:
        """Return the field of a kind and key, e.g. ``field("facet", "domains")``."""
        return self._fields_by_key[(kind, key)]

    def headings(self) -> dict[str, Field]:
        """Return every known heading (folded) with its field."""
        return dict(self._headings)

    def is_not_reported(self, value: str) -> bool:
        """Return True when a value says "no value" ("n/a", "sans objet", …).

        Example:
            >>> vocabularies().is_not_reported(" N/A ")
            True
        """
        labels = self.not_reported_labels
        return fold(value.strip(" .")) in labels or fold(value) in labels

    # -- concepts
    def _index_concepts(self) -> None:
        g = self.graph
        for concept, scheme in g.subject_objects(SKOS.inScheme):
            for label in _labels(g, concept):
                self._concepts[(URIRef(scheme), fold(label))] = URIRef(concept)

    def scheme_of_facet(self, facet_key: str) -> URIRef:
        """Return the concept scheme of a facet field, e.g. ``"domains"``."""
        scheme = self.field("facet", facet_key).scheme
        assert scheme is not None, f"facet {facet_key} has no pg:facetScheme"
        return scheme

    def concept(self, facet_key: str, label: str) -> URIRef | None:
        """Return the concept a facet value names (any language), or None if unmapped."""
        return self._concepts.get((self.scheme_of_facet(facet_key), fold(label)))

    def criterion(self, key: str) -> URIRef:
        """Return the criterion concept for a criterion key such as ``"effectiveness"``."""
        criterion = self.field("rating", key).criterion
        assert criterion is not None
        return criterion

    def rating_scale(self, criterion_key: str) -> URIRef:
        """Return the scheme holding the ordered ratings of a criterion."""
        if criterion_key not in self._rating_scales:
            scale = self.graph.value(self.criterion(criterion_key), PG.ratingScale)
            self._rating_scales[criterion_key] = URIRef(scale)
        return self._rating_scales[criterion_key]

    def rating(self, criterion_key: str, label: str) -> URIRef | None:
        """Return the rating concept a label names on a criterion's scale, or None."""
        return self._concepts.get((self.rating_scale(criterion_key), fold(label)))

    def role(self, key: str) -> URIRef:
        """Return the role concept ``partner`` or ``statutory-partner``."""
        return PGV[f"role/{key}"]

    def act(self, name: str, year: int | None) -> URIRef | None:
        """Return the official IRI of an Act named as in a page, or None if unknown.

        Example:
            >>> str(vocabularies().act("Crime and Disorder Act", 1998))
            'http://www.legislation.gov.uk/id/ukpga/1998/37'
        """
        if (name, year) not in self._acts:
            self._acts[name, year] = self._find_act(name, year)
        return self._acts[name, year]

    def _find_act(self, name: str, year: int | None) -> URIRef | None:
        wanted = fold(re.sub(r"\(?\b(1[89]|20)\d\d\)?", "", name))
        for act in self.graph.subjects(RDF.type, SCHEMA.Legislation):
            act_year = self.graph.value(act, PG.year)
            if year is not None and act_year is not None and int(str(act_year)) != year:
                continue
            names = {fold(re.sub(r"\b(1[89]|20)\d\d\b", "", str(label)))
                     for label in _labels(self.graph, act)}
            if wanted in {n.strip() for n in names}:
                return URIRef(act)
        return None

    def organisation_type(self, name: str) -> URIRef | None:
        """Return the organisation-type concept whose keyword occurs in ``name``, if any.

        Example:
            >>> vocabularies().organisation_type("London Fire Brigade").split("/")[-1]
            'fire-and-rescue'
        """
        # Names repeat across practices: remember each one's answer (per Vocabularies).
        if name not in self._organisation_types:
            words = f" {' '.join(re.findall(r'[a-z0-9]+', fold(name)))} "
            self._organisation_types[name] = next(
                (concept for concept, keyword in self._organisation_keywords() if keyword in words),
                None,
            )
        return self._organisation_types[name]

    def _organisation_keywords(self) -> list[tuple[URIRef, str]]:
        if self._keywords is None:
            self._keywords = [
                (URIRef(str(concept)), f" {fold(str(keyword))} ")
                for concept, keyword in sorted(self.graph.subject_objects(PG.keyword))
            ]
        return self._keywords

    # -- countries (ISO 3166 through pycountry)
    def country_code(self, name: str) -> str | None:
        """Return the ISO 3166-1 alpha-2 code of a country named in English or French, or None."""
        return _country_index().get(fold(name))

    def country_concept(self, code: str) -> URIRef:
        """Return the country concept for an alpha-2 code."""
        return PGV[f"country/{code}"]


def _labels(g: Graph, concept) -> list[Literal]:
    return [
        label
        for prop in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel, _RDFS_LABEL)
        for label in g.objects(concept, prop)
        if isinstance(label, Literal)
    ]


_RDFS_LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")


def _uri_or_none(node) -> URIRef | None:
    return URIRef(node) if node is not None else None


@cache
def _country_index() -> dict[str, str]:
    french = country_names("fr")
    index: dict[str, str] = {}
    for country in pycountry.countries:
        code = country.alpha_2
        names = {code, country.alpha_3, country.name, french[code]}
        names |= {getattr(country, a) for a in ("official_name", "common_name")
                  if hasattr(country, a)}
        for name in names:
            index[fold(name)] = code
    return index


@cache
def country_names(language: str) -> dict[str, str]:
    """Return ISO 3166-1 country names in ``language`` (``en`` or any pycountry locale), by code.

    Example:
        >>> country_names("fr")["GB"]
        'Royaume-Uni'
    """
    import gettext

    translate = gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
    ).gettext
    return {c.alpha_2: translate(c.name) for c in pycountry.countries}


def load_vocabulary_graph() -> Graph:
    """Return all of ``ontology/vocabularies/*.ttl`` as one rdflib graph, with the derived names.

    See :func:`derived_vocabulary_triples` for what is added to the files' statements.
    """
    from pgraph.store.terms import read_turtle  # pgraph.store reads this module first

    graph = Graph()
    for path in sorted(vocabularies_dir().glob("*.ttl")):
        read_turtle(path, graph)
    for triple in derived_vocabulary_triples(graph):
        graph.add(triple)
    return graph


def derived_vocabulary_triples(graph: Graph) -> list[tuple[URIRef, URIRef, Literal | URIRef]]:
    """Return what the naming rule and SKOS ask for that the vocabulary files leave implicit.

    - ``skos:topConceptOf`` / ``skos:hasTopConcept`` for each concept with no
      broader concept in its scheme (every scheme has its top concepts stated);
    - an ``rdfs:label`` per ``skos:prefLabel`` on anything without one (the
      naming rule: ``rdfs:label`` names every resource).

    Example:
        >>> g = Graph()
        >>> _ = g.add((PGV["level/local"], SKOS.inScheme, PGV.level))
        >>> _ = g.add((PGV["level/local"], SKOS.prefLabel, Literal("Local", lang="en")))
        >>> sorted(p.split("#")[-1] for _, p, _ in derived_vocabulary_triples(g))
        ['hasTopConcept', 'label', 'topConceptOf']
    """
    triples: list[tuple[URIRef, URIRef, Literal | URIRef]] = []
    for concept, scheme in sorted(graph.subject_objects(SKOS.inScheme)):
        broader = set(graph.objects(concept, SKOS.broader))
        if not any((b, SKOS.inScheme, scheme) in graph for b in broader):
            triples += [(concept, SKOS.topConceptOf, scheme), (scheme, SKOS.hasTopConcept, concept)]
    named = set(graph.subjects(RDFS.label))
    for subject, label in sorted(graph.subject_objects(SKOS.prefLabel)):
        if subject not in named:
            triples.append((subject, RDFS.label, label))
    return triples


@cached_on_files(vocabulary_files)
def vocabularies() -> Vocabularies:
    """Return the vocabularies, loaded again only when their files changed."""
    return Vocabularies(load_vocabulary_graph())
