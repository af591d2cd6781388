"""The store as the site reads it: the merge of its graphs, by subject and by object.

:class:`GraphView` answers the look-ups pages need (a resource's values,
what points at it, its label in a preferred language) from Oxigraph's
indexes, caching each subject once. :func:`site_resources` picks the
resources that get a page; :func:`describe_resource` gives the statements
written beside each page (``.ttl``, ``.jsonld``): a Concise Bounded
Description widened to what a reader of one file needs.

Example:
    >>> import pyoxigraph as ox
    >>> store = ox.Store()
    >>> s, g = ox.NamedNode("https://example.org/s"), ox.NamedNode("https://example.org/g")
    >>> label = ox.NamedNode(str(SKOS.prefLabel))
    >>> store.add(ox.Quad(s, label, ox.Literal("Es", language="es"), g))
    >>> store.add(ox.Quad(s, label, ox.Literal("Ess", language="en"), g))
    >>> GraphView(store).label("https://example.org/s")
    'Ess'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import OWL, RDF, RDFS, SKOS
from rdflib.namespace import DCTERMS, FOAF, PROV

from pgraph.vocab import ELI, ORG, PG, SCHEMA

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple  # RDF-star: a quoted triple

LABEL_PROPERTIES = (str(SKOS.prefLabel), str(DCTERMS.title), str(RDFS.label),
                    str(SCHEMA.name), str(FOAF.name))


class GraphView:
    """Cached read access to the union of the store's graphs (each triple once)."""

    def __init__(self, store: ox.Store, *, language: str = "en") -> None:
        self.store = store
        self.language = language
        self._out: dict[str, dict[str, list[Term]]] = {}
        self._in: dict[str, list[tuple[str, str]]] = {}

    def outgoing(self, iri: str) -> dict[str, list[Term]]:
        """Return {predicate: sorted distinct objects} of a subject."""
        cached = self._out.get(iri)
        if cached is None:
            values: dict[str, set[Term]] = {}
            for quad in self.store.quads_for_pattern(_node(iri), None, None, None):
                values.setdefault(quad.predicate.value, set()).add(quad.object)
            cached = {p: sorted(o, key=str) for p, o in sorted(values.items())}
            self._out[iri] = cached
        return cached

    def incoming(self, iri: str) -> list[tuple[str, str]]:
        """Return the sorted distinct (subject, predicate) pairs pointing at an IRI."""
        cached = self._in.get(iri)
        if cached is None:
            pairs = {
                (_key(q.subject), q.predicate.value)
                for q in self.store.quads_for_pattern(None, None, ox.NamedNode(iri), None)
            }
            cached = sorted(pairs)
            self._in[iri] = cached
        return cached

    def objects(self, iri: str, prop: object) -> list[Term]:
        return self.outgoing(iri).get(str(prop), [])

    def iris(self, iri: str, prop: object) -> list[str]:
        """Return the IRI values of a property, sorted."""
        return [o.value for o in self.objects(iri, prop) if isinstance(o, ox.NamedNode)]

    def iri(self, iri: str, prop: object) -> str | None:
        values = self.iris(iri, prop)
        return values[0] if values else None

    def subjects(self, prop: object, iri: str) -> list[str]:
        """Return the subjects pointing at ``iri`` with ``prop``, sorted."""
        return [s for s, p in self.incoming(iri) if p == str(prop)]

    def types(self, iri: str) -> set[str]:
        return set(self.iris(iri, RDF.type))

    def literals(self, iri: str, prop: object) -> list[ox.Literal]:
        return [o for o in self.objects(iri, prop) if isinstance(o, ox.Literal)]

    def text(self, iri: str, prop: object) -> ox.Literal | None:
        """Return the value of a literal property in the preferred language (else the first)."""
        return _preferred(self.literals(iri, prop), self.language)

    def value(self, iri: str, prop: object) -> str | None:
        literal = self.text(iri, prop)
        return literal.value if literal is not None else None

    def flag(self, iri: str, prop: object) -> bool:
        return any(v.value in ("true", "1") for v in self.literals(iri, prop))

    def label_literal(self, iri: str) -> ox.Literal | None:
        """Return the best label of a resource: preferred language first, then untagged."""
        for prop in LABEL_PROPERTIES:
            label = self.text(iri, prop)
            if label is not None:
                return label
        return None

    def label(self, iri: str) -> str:
        """Return a resource's label, or a readable form of its IRI's last part."""
        label = self.label_literal(iri)
        return label.value if label is not None else local_name(iri)

    def instances(self, *classes: object) -> list[str]:
        """Return the IRIs typed with any of ``classes``, sorted."""
        found = {
            q.subject.value
            for cls in classes
            for q in self.store.quads_for_pattern(None, ox.NamedNode(str(RDF.type)),
                                                  ox.NamedNode(str(cls)), None)
            if isinstance(q.subject, ox.NamedNode)
        }
        return sorted(found)


def _node(iri: str) -> ox.NamedNode | ox.BlankNode:
    return ox.BlankNode(iri[2:]) if iri.startswith("_:") else ox.NamedNode(iri)


def _key(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return term.value
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else str(term)


def _preferred(literals: list[ox.Literal], language: str) -> ox.Literal | None:
    if not literals:
        return None

    def rank(literal: ox.Literal) -> tuple[int, str]:
        tag = (literal.language or "").lower()
        order = 0 if tag == language else 1 if not tag else 2 if tag.startswith("en") else 3
        return order, literal.value

    return min(literals, key=rank)


def local_name(iri: str) -> str:
    """Return a readable name from an IRI's last part.

    Example:
        >>> local_name("https://w3id.org/pgraph/ontology#targetAudience")
        'target audience'
    """
    tail = re.split(r"[/#]", iri.rstrip("/#"))[-1] or iri
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", tail).replace("-", " ").lower()


# ---------------------------------------------------------------- what gets a page


@dataclass
class SiteResources:
    """The IRIs that get a page, by kind, each list sorted."""

    practices: list[str] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)
    partnerships: list[str] = field(default_factory=list)
    acts: list[str] = field(default_factory=list)
    concepts: list[str] = field(default_factory=list)
    schemes: list[str] = field(default_factory=list)
    others: list[str] = field(default_factory=list)
    """Every other IRI minted under the base (builds, named graphs, vocabulary terms not in
    use, …), so that each dereferences: a plain page of its statements."""

    def kinds(self) -> dict[str, list[str]]:
        return {
            "practice": self.practices, "organisation": self.organisations,
            "partnership": self.partnerships, "act": self.acts, "concept": self.concepts,
            "scheme": self.schemes, "resource": self.others,
        }

    def kind_of(self) -> dict[str, str]:
        """Return {IRI: kind} for every resource with a page."""
        return {iri: kind for kind, iris in self.kinds().items() for iri in iris}


def site_resources(view: GraphView, base: str | None = None) -> SiteResources:
    """Return the practices, organisations, partnerships, Acts, concepts in use and their schemes.

    A concept is in use when a resource outside the vocabularies points at it
    (a practice's facet, an assessment's rating, a membership's role, an
    organisation's type, an Act's jurisdiction). With a ``base``, every other
    IRI under it that the store mentions gets a page too (``others``), but for
    parts shown on their owner's page (assessments, references, kept sections,
    memberships: the web server redirects them there) and hash IRIs.
    """
    found = SiteResources(
        practices=view.instances(PG.Practice),
        organisations=view.instances(ORG.Organization),
        partnerships=view.instances(ORG.OrganizationalCollaboration),
        acts=view.instances(SCHEMA.Legislation, ELI.LegalResource),
    )
    vocabulary = set(view.instances(SKOS.Concept, SKOS.ConceptScheme, OWL.Class,
                                    OWL.ObjectProperty, OWL.DatatypeProperty))
    concepts = set()
    for concept in view.instances(SKOS.Concept):
        if any(s not in vocabulary for s, p in view.incoming(concept)
               if p != str(SKOS.inScheme)):
            concepts.add(concept)
    found.concepts = sorted(concepts)
    found.schemes = sorted({s for c in concepts for s in view.iris(c, SKOS.inScheme)})
    if base:
        found.others = _other_iris(view, base, set(found.kind_of()))
    return found


_SHOWN_BY_OWNER = {str(ORG.Membership), str(PG.Assessment), str(PG.Reference),
                   str(PG.UnrecognisedSection)}


def _other_iris(view: GraphView, base: str, paged: set[str]) -> list[str]:
    mentioned: set[str] = set()
    for quad in view.store.quads_for_pattern(None, None, None, None):
        for term in (quad.subject, quad.object, quad.graph_name):
            if isinstance(term, ox.NamedNode) and term.value.startswith(base):
                mentioned.add(term.value)
    return sorted(iri for iri in mentioned
                  if "#" not in iri and iri not in paged and iri != base
                  and not view.types(iri) & _SHOWN_BY_OWNER)


# ---------------------------------------------------------------- descriptions


_OWNED = (str(PG.assessment), str(PG.reference), str(PG.unrecognisedSection))
_CONTEXT = (str(RDF.type), *LABEL_PROPERTIES, str(PG.rank), str(SKOS.inScheme))


def describe_resource(view: GraphView, iri: str) -> list[ox.Triple]:
    """Return the statements describing one resource, as written beside its page.

    Its own statements; those of the parts it owns (assessments, references,
    kept sections) and of its blank nodes; the statements pointing at it (so an
    organisation's file holds its memberships); and the types and labels of
    every resource these mention, so that the file reads on its own.
    """
    triples: set[ox.Triple] = set()
    subject = _node(iri)
    owned = [iri]
    for prop, objects in view.outgoing(iri).items():
        for obj in objects:
            triples.add(ox.Triple(subject, ox.NamedNode(prop), obj))
            if isinstance(obj, ox.BlankNode) or (prop in _OWNED and isinstance(obj, ox.NamedNode)):
                owned.append(_key(obj))
    for part in owned[1:]:
        triples.update(_statements(view, part))
    for source, prop in view.incoming(iri):
        triples.add(ox.Triple(_node(source), ox.NamedNode(prop), subject))
        if str(ORG.Membership) in view.types(source):
            triples.update(_statements(view, source))
    mentioned = {t.object.value for t in triples if isinstance(t.object, ox.NamedNode)}
    mentioned |= {t.subject.value for t in triples if isinstance(t.subject, ox.NamedNode)}
    for other in sorted(mentioned - set(owned)):
        for prop in _CONTEXT:
            for obj in view.objects(other, prop):
                triples.add(ox.Triple(ox.NamedNode(other), ox.NamedNode(prop), obj))
    return sorted(triples, key=str)


def _statements(view: GraphView, iri: str) -> Iterable[ox.Triple]:
    subject = _node(iri)
    for prop, objects in view.outgoing(iri).items():
        for obj in objects:
            yield ox.Triple(subject, ox.NamedNode(prop), obj)


def provenance(view: GraphView, iri: str) -> dict[str, object]:
    """Return where a resource's statements come from: named graphs, files, the last build."""
    graphs = sorted({
        q.graph_name.value
        for q in view.store.quads_for_pattern(_node(iri), None, None, None)
        if isinstance(q.graph_name, ox.NamedNode)
    })
    builds = []
    for graph in graphs:
        for build in view.iris(graph, PROV.wasGeneratedBy):
            started = view.value(build, PROV.startedAtTime) or ""
            agent = view.iri(build, PROV.wasAssociatedWith)
            builds.append((started, build, view.label(agent) if agent else ""))
    latest = max(builds) if builds else None
    return {
        "graphs": graphs,
        "files": sorted({f for g in graphs for f in (view.value(g, PG.sourceFile),) if f}),
        "built": latest[0] if latest else None,
        "software": latest[2] if latest else None,
    }
