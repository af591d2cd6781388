"""What each page of the site shows, as plain data for the templates.

One method per kind of page (practice, organisation, partnership, Act,
concept, concept scheme). Values are read through :class:`GraphView`; links
are relative to the page that shows them, so the site works from any folder,
over ``file://`` as well as behind a web server. Escaping is the templates'
job (Jinja2 with autoescaping): nothing here builds HTML.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pyoxigraph as ox
from rdflib import OWL, RDF, RDFS, SKOS
from rdflib.namespace import DCTERMS, PROV

from pgraph.mapping import PROSE_PROPERTIES
from pgraph.publish.site_graph import GraphView, SiteResources, local_name, provenance
from pgraph.publish.site_paths import SitePaths
from pgraph.records import CRITERIA
from pgraph.vocab import FACET_PROPERTIES, ORG, PG, PGV, SCHEMA

FACETS = (str(PG.country), *(str(p) for p in FACET_PROPERTIES.values()))
STATUTORY_ROLE = str(PGV["role/statutory-partner"])
_VOCABULARY_LINKS = (str(SKOS.inScheme), str(SKOS.broader), str(SKOS.narrower),
                     str(SKOS.exactMatch), str(SKOS.closeMatch), str(PG.assesses))


@dataclass(frozen=True)
class Link:
    """A value shown on a page: a label, and where it links to (if anywhere)."""

    label: str
    href: str | None = None
    lang: str | None = None
    note: str = ""
    external: bool = False


@dataclass
class Text:
    """A piece of language-tagged prose, split into paragraphs."""

    heading: str
    paragraphs: list[str]
    lang: str | None = None
    anchor: str = ""


@dataclass
class Partner:
    """One row of a partners table: an organisation's membership of a partnership."""

    organisation: Link
    role: Link | None
    statutory: bool
    act: Link | None
    kind: Link | None = None
    practices: list[Link] = field(default_factory=list)
    partnership: Link | None = None
    anchor: str = ""


class PageBuilder:
    """Builds the data of every page, given the resources that have pages."""

    def __init__(self, view: GraphView, paths: SitePaths, resources: SiteResources) -> None:
        self.view = view
        self.paths = paths
        self.resources = resources
        self.kind_of = resources.kind_of()

    # -- links
    def link(self, page: str, iri: str, *, label: str | None = None) -> Link:
        """Return a link to a resource's page, its owner's page, or (http only) the IRI itself."""
        literal = self.view.label_literal(iri)
        text = label or (literal.value if literal is not None else local_name(iri))
        lang = literal.language if literal is not None and label is None else None
        # An unmapped value is shown as the page wrote it, with no badge: that it is
        # missing from a vocabulary is news for a curator (pgraph validate), not a visitor.
        note = "unresolved" if self.view.flag(iri, PG.unresolved) else ""
        target = iri if iri in self.kind_of else self.owner(iri)
        if target is not None:
            return Link(text, self.paths.href(page, target), lang or None, note)
        if iri.startswith(self.paths.base):  # ours, but without a page of its own
            return Link(text, None, lang or None, note)
        return external_link(iri, text, lang=lang or None, note=note)

    def links(self, page: str, iris: list[str]) -> list[Link]:
        return sorted((self.link(page, i) for i in iris), key=lambda k: k.label.casefold())

    def owner(self, iri: str) -> str | None:
        """Return the resource with a page that shows ``iri`` (a practice for its assessment)."""
        if iri in self.kind_of:
            return iri
        for subject, _prop in self.view.incoming(iri):
            if subject in self.kind_of and self.kind_of[subject] != "concept":
                return subject
        partnership = self.view.iri(iri, ORG.organization)
        return partnership if partnership in self.kind_of else None

    def property_label(self, prop: str) -> str:
        label = self.view.label(prop)
        return label[:1].upper() + label[1:]

    # -- shared parts
    def partners(self, page: str, partnership: str) -> list[Partner]:
        v = self.view
        rows = []
        for membership in v.subjects(ORG.organization, partnership):
            organisation = v.iri(membership, ORG.member)
            if organisation is None:
                continue
            role = v.iri(membership, ORG.role)
            act = v.iri(membership, PG.statutoryBasis)
            # A generic partner's kind ("Residents") stands where an organisation's type does.
            kind = v.iri(organisation, ORG.classification) or v.iri(organisation, PG.partnerKind)
            rows.append(Partner(
                organisation=self.link(page, organisation),
                role=self.link(page, role) if role else None,
                statutory=role == STATUTORY_ROLE or act is not None,
                act=self.link(page, act) if act else None,
                kind=self.link(page, kind) if kind else None,
                anchor="member-" + _tail(organisation),
            ))
        return sorted(rows, key=lambda r: (not r.statutory, r.organisation.label.casefold()))

    def facets(self, page: str, iri: str) -> list[tuple[str, list[Link]]]:
        return [(self.property_label(prop), self.links(page, self.view.iris(iri, prop)))
                for prop in FACETS if self.view.iris(iri, prop)]

    # -- pages
    def practice(self, iri: str) -> dict[str, Any]:
        v, page = self.view, self.paths.page(iri)
        title = v.text(iri, DCTERMS.title)
        sections = [
            Text(self.property_label(str(prop)), paragraphs(literal.value), literal.language,
                 key.replace("_", "-"))
            for key, prop in PROSE_PROPERTIES.items() for literal in v.literals(iri, prop)
        ]
        kept = []
        for section in v.iris(iri, PG.unrecognisedSection):
            body = v.text(section, RDF.value)
            kept.append(Text(v.value(section, PG.heading) or "",
                             paragraphs(body.value if body else ""),
                             body.language if body else None, "section-" + _tail(section)))
        partnerships = [
            {"link": self.link(page, p), "partners": self.partners(page, p)}
            for p in v.iris(iri, PG.partnership)
        ]
        source_line = v.value(iri, PG.sourceLine)
        return {
            "title": title.value if title else local_name(iri),
            "title_lang": title.language if title else None,
            "identifier": v.value(iri, DCTERMS.identifier),
            "start_date": v.value(iri, PG.startDate),
            "language": [local_name(x) for x in v.iris(iri, DCTERMS.language)],
            "sections": sections, "kept_sections": kept,
            "facets": self.facets(page, iri),
            "not_reported": self.links(page, v.iris(iri, PG.notReported)),
            "partnerships": partnerships,
            "ratings": self.ratings(page, iri),
            "references": self.references(iri),
            "see_also": [external_link(x, x) for x in v.iris(iri, RDFS.seeAlso)],
            "source": [external_link(x, x) for x in v.iris(iri, DCTERMS.source)],
            "derived_from": [external_link(x, x) for x in v.iris(iri, PROV.wasDerivedFrom)],
            "source_file": v.value(iri, PG.sourceFile),
            "source_line": source_line,
            "provenance": provenance(v, iri),
        }

    def ratings(self, page: str, iri: str) -> list[dict[str, Any]]:
        v, rows = self.view, list[dict[str, Any]]()
        for assessment in v.iris(iri, PG.assessment):
            criterion = v.iri(assessment, PG.criterion)
            rating = v.iri(assessment, PG.rating)
            rank, best = self.scale_position(rating) if rating else (None, None)
            text = v.text(assessment, SCHEMA.reviewBody)
            rows.append({
                "anchor": "assessment-" + _tail(assessment),
                "criterion": self.link(page, criterion) if criterion else Link("?"),
                "rating": self.link(page, rating) if rating else None,
                "rank": rank, "best": best,
                "text": Text("", paragraphs(text.value), text.language) if text else None,
                "order": criterion_order(criterion),
            })
        return sorted(rows, key=lambda r: r["order"])

    def scale_position(self, rating: str) -> tuple[int | None, int | None]:
        """Return a rating's rank and the best rank of its scale (None when unranked)."""
        v = self.view
        rank = v.value(rating, PG.rank)
        scale = v.iri(rating, SKOS.inScheme)
        ranks = [int(r) for c in (v.subjects(SKOS.inScheme, scale) if scale else [])
                 for r in [v.value(c, PG.rank)] if r is not None and r.lstrip("-").isdigit()]
        if rank is None or not rank.lstrip("-").isdigit():
            return None, max(ranks) if ranks else None
        return int(rank), max(ranks) if ranks else int(rank)

    def references(self, iri: str) -> list[dict[str, Any]]:
        v, rows = self.view, list[dict[str, Any]]()
        for reference in v.iris(iri, PG.reference):
            url = v.iri(reference, SCHEMA.url)
            rows.append({
                "text": v.value(reference, DCTERMS.bibliographicCitation) or "",
                "date": v.value(reference, DCTERMS.date),
                "url": external_link(url, url) if url else None,
                "order": _number_key(reference),
                "anchor": "reference-" + _tail(reference),
            })
        return sorted(rows, key=lambda r: r["order"])

    def practices_of(self, page: str, partnership: str) -> list[Link]:
        return self.links(page, self.view.subjects(PG.partnership, partnership))

    def organisation(self, iri: str) -> dict[str, Any]:
        v, page = self.view, self.paths.page(iri)
        memberships = []
        for membership in v.subjects(ORG.member, iri):
            partnership = v.iri(membership, ORG.organization)
            role, act = v.iri(membership, ORG.role), v.iri(membership, PG.statutoryBasis)
            if partnership is None:
                continue
            memberships.append(Partner(
                organisation=self.link(page, iri), role=self.link(page, role) if role else None,
                statutory=role == STATUTORY_ROLE or act is not None,
                act=self.link(page, act) if act else None,
                practices=self.practices_of(page, partnership),
                partnership=self.link(page, partnership),
            ))
        kind = v.iri(iri, ORG.classification)
        return {
            "title": v.label(iri),
            "alt_labels": sorted(x.value for x in v.literals(iri, SKOS.altLabel)),
            "org_type": self.link(page, kind) if kind else None,
            "same_as": [self.link(page, x) for x in v.iris(iri, OWL.sameAs)
                        + v.iris(iri, SKOS.exactMatch)],
            "memberships": sorted(
                memberships, key=lambda m: (m.partnership or m.organisation).label.casefold()),
        }

    def partnership(self, iri: str) -> dict[str, Any]:
        page = self.paths.page(iri)
        partners = self.partners(page, iri)
        return {
            "title": self.view.label(iri),
            "practices": self.practices_of(page, iri),
            "partners": partners,
            "statutory": sum(1 for p in partners if p.statutory),
        }

    def act(self, iri: str) -> dict[str, Any]:
        v, page = self.view, self.paths.page(iri)
        rows = []
        for membership in v.subjects(PG.statutoryBasis, iri):
            organisation = v.iri(membership, ORG.member)
            partnership = v.iri(membership, ORG.organization)
            if organisation and partnership:
                rows.append(Partner(
                    organisation=self.link(page, organisation), role=None, statutory=True,
                    act=None, partnership=self.link(page, partnership),
                    practices=self.practices_of(page, partnership)))
        jurisdiction = v.iri(iri, SCHEMA.legislationJurisdiction)
        return {
            "title": v.label(iri),
            "official": None if iri.startswith(self.paths.base) else external_link(iri, iri),
            "identifier": v.value(iri, SCHEMA.legislationIdentifier),
            "legislation_type": v.value(iri, SCHEMA.legislationType),
            "jurisdiction": self.link(page, jurisdiction) if jurisdiction else None,
            "year": v.value(iri, PG.year), "chapter": v.value(iri, PG.chapter),
            "unresolved": v.flag(iri, PG.unresolved),
            "see_also": [external_link(x, x) for x in v.iris(iri, RDFS.seeAlso)],
            "same_as": [self.link(page, x) for x in v.iris(iri, OWL.sameAs)],
            "members": sorted(rows, key=lambda r: r.organisation.label.casefold()),
        }

    def concept(self, iri: str) -> dict[str, Any]:
        v, page = self.view, self.paths.page(iri)
        scheme = v.iri(iri, SKOS.inScheme) or v.iri(iri, PG.candidateFor)
        rank, best = self.scale_position(iri)
        ladder: list[dict[str, Any]] = []
        if scheme and best is not None:
            for other in v.subjects(SKOS.inScheme, scheme):
                other_rank = v.value(other, PG.rank)
                if other_rank is not None and other_rank.isdigit():
                    ladder.append({"rank": int(other_rank), "link": self.link(page, other),
                                   "current": other == iri})
        used: dict[str, set[str]] = {}
        for subject, prop in v.incoming(iri):
            owner = self.owner(subject)
            if prop in _VOCABULARY_LINKS or owner is None or owner == iri:
                continue
            used.setdefault(self.property_label(prop), set()).add(owner)
        return {
            "title": v.label(iri),
            "labels": _all_labels(v, iri, SKOS.prefLabel),
            "alt_labels": _all_labels(v, iri, SKOS.altLabel),
            "notes": [Text(self.property_label(str(p)), paragraphs(x.value), x.language)
                      for p in (SKOS.definition, SKOS.scopeNote) for x in v.literals(iri, p)],
            "notation": v.value(iri, SKOS.notation),
            "scheme": self.link(page, scheme) if scheme else None,
            "broader": self.links(page, v.iris(iri, SKOS.broader)),
            "matches": [self.link(page, x) for x in v.iris(iri, SKOS.exactMatch)
                        + v.iris(iri, SKOS.closeMatch)],
            "unmapped": v.flag(iri, PG.unmapped),
            "rank": rank, "best": best, "ladder": sorted(ladder, key=lambda r: r["rank"]),
            "used_by": [(label, self.links(page, sorted(owners)))
                        for label, owners in sorted(used.items())],
        }

    def resource(self, iri: str) -> dict[str, Any]:
        """Return a plain page's data: what the resource says, and what points at it."""
        v, page = self.view, self.paths.page(iri)

        def shown(term) -> Link:
            if isinstance(term, ox.NamedNode):
                return self.link(page, term.value)
            if isinstance(term, ox.Literal):
                return Link(term.value, lang=term.language or None)
            return Link(str(term))

        statements = [(self.property_label(prop), [shown(o) for o in objects])
                      for prop, objects in v.outgoing(iri).items()]
        incoming: dict[str, list[Link]] = {}
        for subject, prop in v.incoming(iri):
            incoming.setdefault(self.property_label(prop), []).append(self.link(page, subject))
        return {"title": v.label(iri), "statements": statements,
                "incoming": sorted(incoming.items())}

    def scheme(self, iri: str) -> dict[str, Any]:
        v, page = self.view, self.paths.page(iri)
        concepts: list[dict[str, Any]] = []
        for concept in v.subjects(SKOS.inScheme, iri):
            labels = _all_labels(v, concept, SKOS.prefLabel)
            rank = v.value(concept, PG.rank)
            concepts.append({
                "link": self.link(page, concept) if concept in self.kind_of else None,
                "labels": labels or [Link(local_name(concept))],
                "rank": rank,
                "uses": sum(1 for _, p in v.incoming(concept) if p not in _VOCABULARY_LINKS),
            })
        concepts.sort(key=lambda c: (c["link"] is None, c["labels"][0].label.casefold()))
        return {
            "title": v.label(iri),
            "labels": _all_labels(v, iri, SKOS.prefLabel),
            "notes": [Text("", paragraphs(x.value), x.language)
                      for p in (DCTERMS.description, RDFS.comment) for x in v.literals(iri, p)],
            "concepts": concepts,
        }


def external_link(iri: str, label: str, *, lang: str | None = None, note: str = "") -> Link:
    """Return a link to an IRI outside the site: clickable only for http(s) IRIs.

    Example:
        >>> external_link("javascript:alert(1)", "x").href is None
        True
    """
    scheme = urlsplit(iri).scheme.lower()
    href = iri if scheme in ("http", "https") else None
    return Link(label, href, lang, note, external=href is not None)


def paragraphs(text: str) -> list[str]:
    """Return the non-empty lines of a text (the catalogue writes one paragraph per line)."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def _all_labels(view: GraphView, iri: str, prop: object) -> list[Link]:
    return sorted((Link(x.value, None, x.language or None) for x in view.literals(iri, prop)),
                  key=lambda k: (k.lang != view.language, k.lang or "", k.label))


def criterion_order(criterion: str | None) -> int:
    """Return the position of a criterion in the catalogue's order (unknown ones last)."""
    name = local_name(criterion) if criterion else ""
    return CRITERIA.index(name) if name in CRITERIA else len(CRITERIA)


def _tail(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


def _number_key(iri: str) -> tuple[int, str]:
    tail = iri.rstrip("/").rsplit("/", 1)[-1]
    return (int(tail), iri) if tail.isdigit() else (1 << 30, iri)
