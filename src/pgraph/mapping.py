"""Practice records → RDF triples, with the ontology's terms and deterministic IRIs.

Words from pages (facet values, ratings, countries, Acts, partner names) are
resolved here through the vocabularies; what cannot be resolved is kept —
as a concept flagged ``pg:unmapped`` or an Act flagged ``pg:unresolved`` —
and reported as a warning, never dropped. Such a value is shared by every
page writing it, so a page's graph keeps only how the page writes it
(``pg:writtenAs``); ``describe_unresolved`` describes it once, from all of them.

Example:
    >>> from pgraph.records import Practice
    >>> mapped = map_practice(Practice(slug="street-watch", title="Street Watch",
    ...                                country="France", domains=["Cybercrime"]))
    >>> len(mapped.triples), mapped.warnings
    (6, [])
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import quote

import yaml
from rdflib import OWL, RDF, RDFS, SKOS, XSD, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV

from pgraph.errors import MappingError, Warning_
from pgraph.partners import (
    acronyms_of,
    canonical_organisation_name,
    generic_rule_text,
    name_key,
    partner_name_as_written,  # noqa: F401  (re-exported: part of the mapping's interface)
    preferred_name,
    read_partner_name,
    well_written,
)
from pgraph.records import CRITERIA, FACET_FIELDS, Practice, link_problem
from pgraph.resources import cached_on_files, data_dir
from pgraph.store.terms import escape_string, iri_text, language_tag, to_ntriples
from pgraph.vocab import (
    DEFAULT_BASE,
    ELI,
    FACET_PROPERTIES,
    ORG,
    PG,
    PGV,
    SCHEMA,
    WD,
    Vocabularies,
    fold,
    slugify,
    vocabularies,
)

Triple = tuple[URIRef, URIRef, URIRef | Literal]

PROSE_PROPERTIES = {
    "description": DCTERMS.description,
    "objectives": PG.objectives,
    "sustainability": PG.sustainability,
    "transferability": PG.transferability,
    "evidence": PG.evidence,
    "partnerships": PG.partnershipDescription,
    "cost_description": PG.costDescription,
}

LEXVO_ISO639_1 = "http://id.loc.gov/vocabulary/iso639-1/"


class Iris:
    """Mints data IRIs under one base from stable keys, so rebuilds give the same IRIs.

    Example:
        >>> Iris("https://example.org/").organisation("The City of London Police*")
        rdflib.term.URIRef('https://example.org/organisation/city-of-london-police')
    """

    def __init__(self, base: str = DEFAULT_BASE) -> None:
        self.base = base if base.endswith(("/", "#")) else base + "/"
        problem = link_problem(self.base + "x")
        if problem:
            raise MappingError(
                f'the base "{base}" cannot start IRIs: {problem}',
                field="base",
                hint="give an absolute http(s) IRI ending in / such as https://w3id.org/pgraph/",
            )

    def _mint(self, *parts: str) -> URIRef:
        # Keys are slugs already; quote() guards against anything a slug function
        # missed, and "." or ".." never stand alone (a reader would resolve them away).
        return _minted(self.base, parts)

    def practice(self, slug: str) -> URIRef:
        return _practice_iri(self.base, slug)

    def assessment(self, slug: str, criterion: str) -> URIRef:
        return URIRef(f"{self.practice(slug)}/assessment/{_segment(criterion)}")

    def reference(self, slug: str, number: int) -> URIRef:
        return URIRef(f"{self.practice(slug)}/reference/{number}")

    def section(self, slug: str, heading: str) -> URIRef:
        return URIRef(f"{self.practice(slug)}/section/{stable_key(heading, 'untitled')}")

    def organisation(self, name: str) -> URIRef:
        return _organisation_iri(self.base, name)

    def partnership(self, slug: str) -> URIRef:
        """A practice's partnership: its own node, even when pages share a partnership's name."""
        return URIRef(f"{self.practice(slug)}/partnership")

    def membership(self, slug: str, organisation: URIRef) -> URIRef:
        return URIRef(f"{self.partnership(slug)}/{organisation.rsplit('/', 1)[-1]}")

    def generic_partner(self, slug: str, name: str) -> URIRef:
        """A generic partner ("Residents' representatives"): a node of one partnership only."""
        return URIRef(f"{self.partnership(slug)}/generic/{_segment(stable_key(name, 'partner'))}")

    def concept(self, scheme: URIRef, label: str) -> URIRef:
        return self._mint("concept", scheme.rsplit("/", 1)[-1], stable_key(label, "blank"))

    def legislation(self, name: str, year: int | None) -> URIRef:
        return self._mint("legislation", stable_key(f"{name} {year or ''}", "act"))

    def source_graph(self, source_name: str) -> URIRef:
        """The named graph holding what one source file says."""
        return self._mint("graph", "source", self.source_key(source_name))

    @staticmethod
    def source_key(source_name: str) -> str:
        """The key of a source file's graph: two files share a graph when they share it."""
        return slugify(source_name)

    def graph(self, name: str) -> URIRef:
        """A named graph of pgraph's own: ``vocabularies``, ``ontology``, ``builds``."""
        return self._mint("graph", name)


class LiteralText(str):
    """A literal already written as N-Triples text (``"Hallo"@de``), see :func:`literal_text`."""

    __slots__ = ()


def literal_text(
    value: object, lang: str | None = None, datatype: URIRef | None = None
) -> LiteralText:
    """Return ``to_ntriples(Literal(value, lang=lang, datatype=datatype))``, cheaper for text.

    Plain and language-tagged strings are escaped directly (an rdflib
    Literal costs ~10 µs to make); anything else — numbers, booleans, dates,
    typed values, which rdflib may normalise — goes through rdflib as before.

    Example:
        >>> print(literal_text('say "hi"', lang="en"), literal_text(True))
        "say \\"hi\\""@en "true"^^<http://www.w3.org/2001/XMLSchema#boolean>
    """
    if type(value) is str and datatype is None:
        if lang:
            return LiteralText(f'"{escape_string(value)}"@{_tag(lang)}')
        return LiteralText(f'"{escape_string(value)}"')
    return LiteralText(to_ntriples(Literal(value, lang=lang, datatype=datatype)))


@lru_cache(maxsize=1_000)
def _tag(lang: str) -> str:
    """Return the language tag as rdflib keeps it and Oxigraph writes it (ValueError if refused)."""
    return language_tag(Literal("", lang=lang).language or lang)


# Minted IRIs repeat from practice to practice (organisations, concepts) and, within
# a practice, from triple to triple (its own IRI): each is made once per process.


@lru_cache(maxsize=200_000)
def _minted(base: str, parts: tuple[str, ...]) -> URIRef:
    return URIRef(base + "/".join(_segment(part) for part in parts))


@lru_cache(maxsize=50_000)
def _practice_iri(base: str, slug: str) -> URIRef:
    return _minted(base, ("practice", stable_key(slug, "untitled")))


def _organisation_iri(base: str, name: str) -> URIRef:
    # Keyed by the name's key, not the name: read_partner_name follows edits of the alias table.
    return _minted(base, ("organisation", organisation_key(name)))


@lru_cache(maxsize=64)
def _iris(base: str) -> Iris:
    return Iris(base)


@dataclass
class MappedPractice:
    """The triples of one practice, the partners it names, and what was odd about its values.

    Organisations are shared by many practices, so they are not described
    here: ``organisations`` maps each partner's IRI to the names the page
    gives it, and ``describe_organisations`` turns all the mentions of a
    catalogue into one description per organisation.
    """

    iri: URIRef
    triples: list[Triple] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    """With ``as_text``: the triples as N-Triples terms ("s p o", no final dot), in order."""
    warnings: list[Warning_] = field(default_factory=list)
    organisations: dict[URIRef, Counter[str]] = field(default_factory=dict)
    """Each partner organisation's IRI, and how many memberships give it each name."""
    bare_acronyms: list[BareAcronym] = field(default_factory=list)
    """Memberships naming a partner by an acronym alone, which the catalogue may define."""
    unresolved: dict[URIRef, set[str]] = field(default_factory=dict)
    """Each unmapped concept's or unresolved Act's IRI, and how the practices write it."""
    base: str = DEFAULT_BASE

    def standalone_triples(self) -> list[Triple]:
        """Return the triples and a description of each organisation and unresolved value
        named: a graph on its own."""
        return (self.triples + describe_organisations(self.organisations)
                + describe_unresolved(self.unresolved, Iris(self.base)))


def map_practice(
    practice: Practice, *, base: str = DEFAULT_BASE, vocab: Vocabularies | None = None
) -> MappedPractice:
    """Return the RDF triples of one practice record (and warnings for unresolved values)."""
    return _PracticeMapper(practice, _iris(base), vocab or vocabularies()).run()


def map_practices(
    practices: Iterable[Practice], *, base: str = DEFAULT_BASE, as_text: bool = False
) -> MappedPractice:
    """Return the triples, warnings and partner names of several practices (one file's worth).

    With ``as_text``, the triples come as N-Triples text in ``lines`` (what
    :func:`pgraph.store.terms.nquads` would write for them, byte for byte),
    not as rdflib terms: what a build hands to the store, made without an
    rdflib ``Literal`` per value. A term Oxigraph refuses raises ValueError.
    """
    together = MappedPractice(URIRef(base), base=base)
    iris, vocab = _iris(base), vocabularies()
    for practice in practices:
        mapped = _PracticeMapper(practice, iris, vocab, as_text=as_text).run()
        together.triples += mapped.triples
        together.lines += mapped.lines
        together.warnings += mapped.warnings
        together.bare_acronyms += mapped.bare_acronyms
        add_mentions(together.organisations, mapped.organisations)
        for value, written in mapped.unresolved.items():
            together.unresolved.setdefault(value, set()).update(written)
    return together


def add_mentions(
    into: dict[URIRef, Counter[str]], mentions: Mapping[URIRef, Iterable[str] | Mapping[str, int]]
) -> None:
    """Add the names given to each organisation in ``mentions`` (and how often) to ``into``.

    Example:
        >>> held = {URIRef("https://e.org/o"): Counter({"Police": 1})}
        >>> add_mentions(held, {URIRef("https://e.org/o"): ["police", "Police"]})
        >>> sorted(held[URIRef("https://e.org/o")].items())
        [('Police', 2), ('police', 1)]
    """
    for organisation, names in mentions.items():
        into.setdefault(organisation, Counter()).update(names)


class BareAcronym(NamedTuple):
    """A membership whose partner is named by an acronym alone ("CoLP").

    Its organisation is the one another page names "City of London Police
    (CoLP)", anywhere in the catalogue: the build resolves it
    (``pgraph.build.organisations``); until then it points at ``organisation``,
    the IRI of the acronym on its own.
    """

    membership: URIRef
    partnership: URIRef
    organisation: URIRef
    name: str
    acronym: str  # folded


class _PracticeMapper:
    def __init__(
        self, practice: Practice, iris: Iris, vocab: Vocabularies, *, as_text: bool = False
    ) -> None:
        self.p = practice
        self.iris = iris
        self.vocab = vocab
        self.subject = iris.practice(practice.slug)
        self.out = MappedPractice(self.subject, base=iris.base)
        self.lang = practice.language or None
        if as_text:  # N-Triples text straight away: no rdflib Literal per value
            self.add = self._add_text  # type: ignore[method-assign]
            self.literal = literal_text  # type: ignore[method-assign]

    def add(self, s: URIRef, p: URIRef, o: URIRef | Literal) -> None:
        self.out.triples.append((s, p, o))

    def _add_text(self, s: URIRef, p: URIRef, o: URIRef | Literal | LiteralText) -> None:
        self.out.lines.append(
            f"{iri_text(str(s))} {iri_text(str(p))} "
            f"{o if type(o) is LiteralText else to_ntriples(o)}"
        )

    literal = staticmethod(Literal)

    def text(self, value: str) -> Literal:
        return self.literal(value, lang=self.lang)

    def warn(self, message: str, field_key: str) -> None:
        self.out.warnings.append(
            Warning_(message, path=self.p.source_file, line=self.p.lines.get(field_key),
                     field=field_key)
        )

    def run(self) -> MappedPractice:
        p, s = self.p, self.subject
        self.add(s, RDF.type, PG.Practice)
        self.add(s, DCTERMS.identifier, self.literal(p.slug))
        self.add(s, DCTERMS.title, self.text(p.title))
        self.add(s, RDFS.label, self.text(p.title))
        if p.language:
            self.add(s, DCTERMS.language, URIRef(LEXVO_ISO639_1 + p.language.split("-")[0]))
        if p.start_date:
            self.add(s, PG.startDate, self.literal(p.start_date, datatype=XSD.date))
        elif p.start_date_as_written:
            self.add(s, PG.startDateAsWritten, self.literal(p.start_date_as_written))
        for key, prop in PROSE_PROPERTIES.items():
            value = getattr(p, key)
            if value:
                self.add(s, prop, self.text(value))
        self.map_country()
        for facet in FACET_FIELDS:
            self.map_facet(facet)
        for key in sorted(set(p.not_reported)):
            self.map_not_reported(key)
        self.map_partnership()
        self.map_assessments()
        self.map_references()
        for link in p.links:
            self.add(s, RDFS.seeAlso, URIRef(link))
        for section in p.unrecognised_sections:
            node = self.iris.section(p.slug, section.heading)
            self.add(s, PG.unrecognisedSection, node)
            self.add(node, RDF.type, PG.UnrecognisedSection)
            self.add(node, PG.heading, self.literal(section.heading))
            self.add(node, RDFS.label, self.literal(section.heading))
            self.add(node, RDF.value, self.text(section.text))
        if p.source_url:
            self.add(s, DCTERMS.source, URIRef(p.source_url))
            self.add(s, PROV.wasDerivedFrom, URIRef(p.source_url))
        if p.source_file:
            self.add(s, PG.sourceFile, self.literal(p.source_file))
            self.add(s, PG.sourceLine, self.literal(p.lines.get("title", 1)))
        return self.out

    def map_country(self) -> None:
        if not self.p.country:
            return
        code = self.vocab.country_code(self.p.country)
        if code is None:
            concept = self.iris.concept(PGV.country, self.p.country)
            self.unresolved_value(concept, self.p.country)
            self.warn(f'"{self.p.country}" is not an ISO 3166 country name; kept as unmapped',
                      "country")
        else:
            concept = self.vocab.country_concept(code)
        self.add(self.subject, PG.country, concept)

    def map_facet(self, facet: str) -> None:
        scheme = self.vocab.scheme_of_facet(facet)
        for value in getattr(self.p, facet):
            concept = self.vocab.concept(facet, value)
            if concept is None:
                concept = self.iris.concept(scheme, value)
                self.unresolved_value(concept, value)
                self.warn(f'"{value}" is not in the {facet} vocabulary; kept as unmapped', facet)
            self.add(self.subject, FACET_PROPERTIES[facet], concept)

    def map_not_reported(self, key: str) -> None:
        kind, _, name = key.rpartition(":")
        kinds = [kind] if kind else ["facet" if key in FACET_FIELDS else "prose", "meta"]
        for kind in kinds:
            try:
                concept = self.vocab.field(kind, name).concept
            except KeyError:
                continue
            self.add(self.subject, PG.notReported, concept)
            return
        # "country" has no field concept to point at; anything else is a record's mistake.
        if key not in {"country", "title"}:
            self.warn(f'"{key}" is not a field that can be not reported; ignored', "not_reported")

    def unresolved_value(self, value: URIRef, written: str) -> None:
        """Keep how the page writes a value no vocabulary has; it is described once, elsewhere."""
        self.add(value, PG.writtenAs, self.literal(written))
        self.out.unresolved.setdefault(value, set()).add(written)

    def map_partnership(self) -> None:
        partnership = self.p.partnership
        if partnership is None or not (partnership.partners or partnership.name):
            return
        node = self.iris.partnership(self.p.slug)
        self.add(self.subject, PG.partnership, node)
        self.add(node, RDF.type, ORG.OrganizationalCollaboration)
        name = partnership.name or f"Partnership of {self.p.title}"
        self.add(node, SKOS.prefLabel, self.literal(name))
        self.add(node, RDFS.label, self.literal(name))
        act = self.map_act() if any(pt.statutory for pt in partnership.partners) else None
        seen: dict[URIRef, str] = {}
        for partner in partnership.partners:
            read = read_partner_name(partner.name)
            if read.kind is not None:
                member = self.iris.generic_partner(self.p.slug, read.key)
                membership = self.iris.membership(self.p.slug, member)
                if read.by_rule:
                    self.warn(
                        f'"{read.written}" reads as a kind of partner, not an organisation '
                        f"({generic_rule_text()}): kept as a generic partner of kind "
                        '"other"; add it to ontology/vocabularies/partner-kinds.ttl, or to '
                        "the organisations of data/generic-partners.yaml if it is one",
                        "partnership",
                    )
            else:
                member = self.iris.organisation(partner.name)
                membership = self.iris.membership(self.p.slug, member)
            if member in seen:
                self.warn(f'"{read.written}" names the partner "{seen[member]}" again; '
                          "one membership kept", "partnership")
                continue
            seen[member] = read.written
            if read.kind is not None:
                self.add(member, RDF.type, PG.GenericPartner)
                self.add(member, SKOS.prefLabel, self.literal(read.written))
                self.add(member, RDFS.label, self.literal(read.written))
                self.add(member, PG.partnerKind, read.kind)
            else:
                self.out.organisations.setdefault(member, Counter())[read.written] += 1
                if read.bare_acronym:
                    self.out.bare_acronyms.append(
                        BareAcronym(membership, node, member, read.written, read.bare_acronym)
                    )
            self.add(node, ORG.hasMember, member)
            self.add(membership, RDF.type, ORG.Membership)
            self.add(membership, ORG.member, member)
            self.add(membership, PG.partnerName, self.literal(read.written))
            self.add(membership, RDFS.label, self.literal(f"{read.written} in {name}"))
            self.add(membership, ORG.organization, node)
            statutory = partner.statutory or any(
                other.statutory and self._same_member(other.name, member)
                for other in partnership.partners
                if other is not partner
            )
            role = "statutory-partner" if statutory else "partner"
            self.add(membership, ORG.role, self.vocab.role(role))
            if statutory and act is not None:
                self.add(membership, PG.statutoryBasis, act)

    def _same_member(self, name: str, member: URIRef) -> bool:
        read = read_partner_name(name)
        if read.kind is not None:
            return self.iris.generic_partner(self.p.slug, read.key) == member
        return self.iris.organisation(name) == member

    def map_act(self) -> URIRef | None:
        mention = self.p.partnership.statutory_basis if self.p.partnership else None
        if mention is None:
            self.warn("partners are marked statutory but no Act is named", "partnership")
            return None
        act = self.vocab.act(mention.name, mention.year)
        if act is not None:
            return act
        act = self.iris.legislation(mention.name, mention.year)
        label = f"{mention.name} {mention.year}" if mention.year else mention.name
        self.unresolved_value(act, label)
        self.warn(f'the Act "{label}" is not in ontology/vocabularies/legislation.ttl; '
                  "kept as unresolved", "partnership")
        return act

    def map_assessments(self) -> None:
        for criterion in CRITERIA:
            assessment = self.p.assessments.get(criterion)
            if assessment is None or not (assessment.rating or assessment.text):
                continue
            node = self.iris.assessment(self.p.slug, criterion)
            self.add(self.subject, PG.assessment, node)
            self.add(node, RDF.type, PG.Assessment)
            self.add(node, SCHEMA.itemReviewed, self.subject)
            self.add(node, PG.criterion, self.vocab.criterion(criterion))
            self.add(node, RDFS.label, self.literal(
                f"{criterion.capitalize()} of {self.p.title}", lang="en"))
            if assessment.rating:
                rating = self.vocab.rating(criterion, assessment.rating)
                if rating is None:
                    scale = self.vocab.rating_scale(criterion)
                    rating = self.iris.concept(scale, assessment.rating)
                    self.unresolved_value(rating, assessment.rating)
                    self.warn(f'"{assessment.rating}" is not on the {criterion} rating scale; '
                              "kept as unmapped (unranked)", f"assessments.{criterion}.rating")
                self.add(node, PG.rating, rating)
            if assessment.text:
                self.add(node, SCHEMA.reviewBody, self.text(assessment.text))

    def map_references(self) -> None:
        for number, reference in enumerate(self.p.references, start=1):
            node = self.iris.reference(self.p.slug, number)
            self.add(self.subject, PG.reference, node)
            self.add(node, RDF.type, PG.Reference)
            self.add(node, DCTERMS.bibliographicCitation, self.literal(reference.text))
            self.add(node, RDFS.label, self.literal(_short(reference.text)))
            if reference.author:
                self.add(node, DCTERMS.creator, self.literal(reference.author))
            if reference.date:
                self.add(node, DCTERMS.date, self.literal(reference.date, datatype=XSD.date))
            if reference.url:
                self.add(node, SCHEMA.url, URIRef(reference.url))


def _short(text: str, limit: int = 80) -> str:
    """Return the text on one line, cut at a word before ``limit`` characters with "…"."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[:limit].rsplit(" ", 1)[0] + "…"


# ---------------------------------------------------------------- organisations


def describe_organisations(
    mentions: Mapping[URIRef, Mapping[str, int] | Iterable[str]], vocab: Vocabularies | None = None
) -> list[Triple]:
    """Return one description per organisation from every name the sources give it.

    The preferred label is the form most mentions write, ties going to
    well-written forms (``pgraph.partners.preferred_name``; the alias table's
    name when it applies), so the description depends on the mentions only —
    not on which file was read first; every other spelling is an alternative
    label, and each acronym a name defines ("Transport for London (TfL)") is
    one too, as ``pg:acronym``.

    Example:
        >>> iri = Iris().organisation("Police Scotland")
        >>> mentions = {iri: {"police scotland": 1, "Police Scotland": 2}}
        >>> for _, p, o in describe_organisations(mentions):
        ...     print(p.split("#")[-1].split("/")[-1], o)
        type http://www.w3.org/ns/org#Organization
        prefLabel Police Scotland
        label Police Scotland
        altLabel police scotland
        classification https://w3id.org/pgraph/vocab/organisation-type/police
        inferredClassification https://w3id.org/pgraph/vocab/organisation-type/police
    """
    vocab = vocab or vocabularies()
    triples: list[Triple] = []
    for organisation in sorted(mentions):
        counts = mentions[organisation]
        counts = counts if isinstance(counts, Mapping) else Counter(counts)
        counts = {name: n for name, n in counts.items() if n > 0}
        if not counts:
            continue
        label = preferred_name(counts)
        forms = set(counts) | {read_partner_name(name).name for name in counts}
        acronyms = acronyms_of(counts)
        triples += [(organisation, RDF.type, ORG.Organization),
                    (organisation, SKOS.prefLabel, Literal(label)),
                    (organisation, RDFS.label, Literal(label))]
        triples += [(organisation, SKOS.altLabel, Literal(other))
                    for other in sorted((forms | acronyms) - {label})]
        triples += [(organisation, PG.acronym, Literal(a)) for a in sorted(acronyms)]
        kind = vocab.organisation_type(label)
        if kind is not None:
            # A guess from a keyword of the name: marked as inferred, and stated plainly too.
            triples += [(organisation, ORG.classification, kind),
                        (organisation, PG.inferredClassification, kind)]
        successor = predecessors().get(label)
        if successor is not None:
            triples += _successor_triples(organisation, successor)
        aligned = alignments()["organisations"]
        names = sorted({canonical_organisation_name(name) for name in counts} | {label})
        wikidata = next((aligned[name] for name in names if name in aligned), None)
        if wikidata:
            triples.append((organisation, OWL.sameAs, WD[wikidata]))
    return triples


# ---------------------------------------------------------------- unresolved values


def describe_unresolved(
    mentions: Mapping[URIRef, Mapping[str, int] | Iterable[str]], iris: Iris | None = None
) -> list[Triple]:
    """Return one description per unmapped concept or unresolved Act, from how pages write it.

    The label is the form most pages write (ties going to well-written forms,
    then to string order), every other form an alternative label, so the
    description depends on the mentions only. A concept is a candidate for
    the scheme its IRI names; an Act's year is the year its label ends with.

    Example:
        >>> iris = Iris()
        >>> act = iris.legislation("Safer Streets Act", 2031)
        >>> for _, p, o in describe_unresolved({act: ["Safer Streets Act 2031"]}, iris):
        ...     print(p.split("#")[-1].split("/")[-1], o)
        type https://schema.org/Legislation
        type http://data.europa.eu/eli/ontology#LegalResource
        label Safer Streets Act 2031
        title Safer Streets Act 2031
        year 2031
        unresolved true
    """
    iris = iris or Iris()
    triples: list[Triple] = []
    for value in sorted(mentions):
        counts = mentions[value]
        counts = counts if isinstance(counts, Mapping) else Counter(counts)
        forms = sorted(counts, key=lambda f: (-counts[f], [not w for w in well_written(f)], f))
        label = Literal(forms[0])
        kind, _, rest = value.removeprefix(iris.base).partition("/")
        if kind == "legislation":
            triples += [(value, RDF.type, SCHEMA.Legislation), (value, RDF.type, ELI.LegalResource),
                        (value, RDFS.label, label), (value, DCTERMS.title, label)]
            year = forms[0].rsplit(" ", 1)[-1]
            if len(year) == 4 and year.isdigit():
                triples.append((value, PG.year, Literal(year, datatype=XSD.gYear)))
            triples.append((value, PG.unresolved, Literal(True)))
            continue
        # Not skos:inScheme the curated scheme: only a curator puts a value there.
        triples += [(value, RDF.type, SKOS.Concept),
                    (value, PG.candidateFor, _candidate_schemes()[rest.partition("/")[0]]),
                    (value, SKOS.prefLabel, label), (value, RDFS.label, label)]
        triples += [(value, SKOS.altLabel, Literal(form)) for form in forms[1:]]
        triples.append((value, PG.unmapped, Literal(True)))
    return triples


@lru_cache(maxsize=1)
def _candidate_schemes() -> dict[str, URIRef]:
    """The schemes an unmapped concept can be a candidate for, by their IRI's last segment."""
    vocab = vocabularies()
    schemes = [PGV.country, *(vocab.scheme_of_facet(f) for f in FACET_FIELDS),
               *(vocab.rating_scale(c) for c in CRITERIA)]
    return {scheme.rsplit("/", 1)[-1]: scheme for scheme in schemes}


def organisation_key(name: str) -> str:
    """Return the stable key of an organisation name (its IRI's last segment).

    Names that are certainly the same (``pgraph.partners.name_key``: case,
    articles, punctuation, apostrophes, "Name (ACRONYM)", the alias table)
    share one key.

    Example:
        >>> key = organisation_key("The City of London Police*")
        >>> key == organisation_key("city of london police")
        True
        >>> organisation_key("Transport for London (TfL)")
        'transport-for-london'
    """
    return _organisation_slug(read_partner_name(name).key)


@lru_cache(maxsize=200_000)
def _organisation_slug(key: str) -> str:
    # A slug spells ASCII letters and digits only: "ʊthe 0" slugs to "the-0", and the key
    # of "the-0" drops its article. Keying the slug's words once more makes the key of
    # a key itself (for any other key, a no-op: name_key gives its own key back).
    slug = stable_key(key, "unnamed")
    return stable_key(name_key(slug.replace("-", " ")), "unnamed")


@lru_cache(maxsize=200_000)
def stable_key(text: str, fallback: str) -> str:
    """Return the slug of ``text``; for text no slug can spell, ``fallback`` and a digest.

    Titles and names in Cyrillic, Greek or symbols slugify to nothing; a
    digest of their folded form keeps two of them apart (and equal for the
    same words in another case or spacing).

    Example:
        >>> stable_key("Safer City", "x"), stable_key("", "untitled")
        ('safer-city', 'untitled')
        >>> stable_key("Партнерство", "partnership") == stable_key(" ПАРТНЕРСТВО ", "partnership")
        True
    """
    slug = slugify(text)
    if slug or not fold(text):
        return slug or fallback
    digest = hashlib.sha256(fold(text).encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return f"{fallback}-{digest}"


def _segment(part: str) -> str:
    quoted = quote(part, safe="-")
    return quoted.replace(".", "%2E") if quoted in ("", ".", "..") else quoted


@cached_on_files(lambda: [data_dir() / "predecessors.yaml"])
def predecessors() -> dict[str, str]:
    """Return {organisation name: the name of the body that replaced it} from ``data/``."""
    path = data_dir() / "predecessors.yaml"
    table = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {str(name): str(successor) for name, successor in table.items()}


def _successor_triples(organisation: URIRef, successor: str) -> list[Triple]:
    """Return the replacement link to a successor body, and the successor's name."""
    base = str(organisation).rsplit("/", 1)[0] + "/"
    other = URIRef(base + _segment(organisation_key(successor)))
    return [(organisation, DCTERMS.isReplacedBy, other), (other, DCTERMS.replaces, organisation),
            (other, RDF.type, ORG.Organization), (other, SKOS.prefLabel, Literal(successor)),
            (other, RDFS.label, Literal(successor))]


@cached_on_files(lambda: [data_dir() / "alignments.yaml"])
def alignments() -> dict[str, dict[str, str]]:
    """Return the curated links of ``data/alignments.yaml`` (countries, organisations, Acts)."""
    table = yaml.safe_load((data_dir() / "alignments.yaml").read_text(encoding="utf-8")) or {}
    # Keys as text: YAML reads an unquoted NO (Norway) as the boolean false.
    return {
        key: {str(k): str(v) for k, v in (table.get(key) or {}).items()}
        for key in ("countries", "organisations", "legislation")
    }


# ---------------------------------------------------------------- vocabulary graph


def country_triples() -> list[Triple]:
    """Return the ISO 3166-1 country concepts (English and French labels, Wikidata links).

    Example:
        >>> from rdflib import Graph
        >>> g = Graph()
        >>> for t in country_triples(): _ = g.add(t)
        >>> str(g.value(PGV["country/GB"], SKOS.notation))
        'GB'
    """
    from pgraph.vocab import country_names

    scheme = PGV.country
    english, french = country_names("en"), country_names("fr")
    wikidata = alignments()["countries"]
    triples: list[Triple] = [
        (scheme, RDF.type, SKOS.ConceptScheme),
        (scheme, SKOS.prefLabel, Literal("Countries (ISO 3166-1)", lang="en")),
        (scheme, SKOS.prefLabel, Literal("Pays (ISO 3166-1)", lang="fr")),
        (scheme, RDFS.label, Literal("Countries (ISO 3166-1)", lang="en")),
        (scheme, RDFS.label, Literal("Pays (ISO 3166-1)", lang="fr")),
    ]
    for code in sorted(english):
        concept = PGV[f"country/{code}"]
        triples += [
            (concept, RDF.type, SKOS.Concept),
            (concept, SKOS.inScheme, scheme),
            (concept, SKOS.topConceptOf, scheme),
            (scheme, SKOS.hasTopConcept, concept),
            (concept, SKOS.notation, Literal(code, datatype=PG.ISO3166Alpha2)),
            (concept, SKOS.prefLabel, Literal(english[code], lang="en")),
            (concept, SKOS.prefLabel, Literal(french[code], lang="fr")),
            (concept, RDFS.label, Literal(english[code], lang="en")),
            (concept, RDFS.label, Literal(french[code], lang="fr")),
        ]
        if code in wikidata:
            triples.append((concept, SKOS.exactMatch, WD[wikidata[code]]))
    return triples


def build_activity_triples(
    build: URIRef, *, started: dt.datetime, ended: dt.datetime, version: str,
    generated: Iterable[tuple[URIRef, str, str]],
) -> list[Triple]:
    """Return the PROV-O record of one build: when, which pgraph, which graphs from which files."""
    agent = URIRef(f"https://w3id.org/pgraph/software/{version}")
    triples: list[Triple] = [
        (build, RDF.type, PG.Build),
        (build, RDF.type, PROV.Activity),
        (build, PROV.startedAtTime, Literal(started, datatype=XSD.dateTime)),
        (build, PROV.endedAtTime, Literal(ended, datatype=XSD.dateTime)),
        (build, PROV.wasAssociatedWith, agent),
        (agent, RDF.type, PROV.SoftwareAgent),
        (agent, RDFS.label, Literal(f"pgraph {version}")),
        (build, RDFS.label, Literal(f"pgraph build of {ended.isoformat()}")),
    ]
    # The terms looked up once: a namespace attribute costs a lookup each time.
    label, made, made_by = RDFS.label, PROV.generated, PROV.wasGeneratedBy
    source_file, hash_of = PG.sourceFile, PG.contentHash
    for graph, source_name, content_hash in generated:
        triples += [
            (graph, label, Literal(f"graph of {source_name}")),
            (build, made, graph),
            (graph, made_by, build),
            (graph, source_file, Literal(source_name)),
            (graph, hash_of, Literal(content_hash)),
        ]
    return triples
