"""Which practice a validation result is about: the same answer from an rdflib graph or the store.

A node belongs to a practice when it is the practice, or the practice points
to it (assessment, reference, unrecognised section, partnership), or it is a
membership of the practice's partnership, or the member or Act of such a
membership. A node shared by several practices (an organisation in many
partnerships) belongs to the first of them in IRI order, so that a report
reads the same whichever way it was computed. An assessment no practice
points to belongs to the practice it reviews.

Example:
    >>> from rdflib import Graph, URIRef, RDF
    >>> from pgraph.vocab import PG
    >>> g = Graph()
    >>> for name in ("b", "a"):
    ...     p = URIRef(f"https://example.org/{name}")
    ...     _ = g.add((p, RDF.type, PG.Practice))
    ...     _ = g.add((p, PG.reference, URIRef("https://example.org/shared")))
    >>> str(owners_in_graph(g)[URIRef("https://example.org/shared")])
    'https://example.org/a'
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import RDF, Graph, URIRef
from rdflib.namespace import DCTERMS
from rdflib.term import Node

from pgraph.vocab import ORG, PG, SCHEMA

_POINTED_TO = (PG.assessment, PG.reference, PG.unrecognisedSection, PG.partnership)


def owners_in_graph(data: Graph) -> dict[Node, Node]:
    """Map each node of an rdflib graph to the practice it belongs to."""
    owners: dict[Node, Node] = {}
    practices = sorted(data.subjects(RDF.type, PG.Practice), key=str)
    for practice in practices:
        owners[practice] = practice
    for practice in practices:
        for prop in _POINTED_TO:
            for node in data.objects(practice, prop):
                owners.setdefault(node, practice)
        for partnership in data.objects(practice, PG.partnership):
            for membership in data.subjects(ORG.organization, partnership):
                owners.setdefault(membership, practice)
                for prop in (ORG.member, PG.statutoryBasis):
                    for node in data.objects(membership, prop):
                        owners.setdefault(node, practice)
    for assessment in data.subjects(RDF.type, PG.Assessment):
        reviewed = sorted(data.objects(assessment, SCHEMA.itemReviewed), key=str)
        if reviewed:
            owners.setdefault(assessment, reviewed[0])
    return owners


def describe_in_graph(
    data: Graph, practice: Node
) -> tuple[str | None, str | None, int | None]:
    """Return the (title, source file, line) shown for a practice: the first of each."""
    line = _first(data.objects(practice, PG.sourceLine))
    return (
        _first(data.objects(practice, DCTERMS.title)),
        _first(data.objects(practice, PG.sourceFile)),
        int(line) if line and line.isdigit() else None,
    )


def owners_in_store(store: ox.Store, nodes: Iterable[Node]) -> dict[Node, Node]:
    """Map each of ``nodes`` that belongs to a practice (in the store's union graph) to it."""
    owners = {}
    for node in set(nodes):
        if isinstance(node, URIRef):
            owner = _owner(store, ox.NamedNode(str(node)))
            if owner is not None:
                owners[node] = URIRef(owner)
    return owners


def _owner(store: ox.Store, node: ox.NamedNode) -> str | None:
    # Few nodes have results, so look-ups per node beat one query over all of them.
    if _has(store, node, _TYPE, _PRACTICE):
        return node.value
    practices = {
        q.subject.value
        for prop in _POINTED_TO_OX
        for q in _quads(store, None, prop, node)
        if _has(store, q.subject, _TYPE, _PRACTICE)
    }
    partnerships = {q.object for q in _quads(store, node, _ORGANIZATION, None)}
    for prop in (_MEMBER, _STATUTORY_BASIS):
        for membership in {q.subject for q in _quads(store, None, prop, node)}:
            partnerships |= {q.object for q in _quads(store, membership, _ORGANIZATION, None)}
    for partnership in partnerships:
        practices |= {
            q.subject.value
            for q in _quads(store, None, _PARTNERSHIP, partnership)
            if _has(store, q.subject, _TYPE, _PRACTICE)
        }
    if practices:
        return min(practices)
    if _has(store, node, _TYPE, _ASSESSMENT):
        reviewed = [q.object.value for q in _quads(store, node, _ITEM_REVIEWED, None)]
        return min(reviewed, default=None)
    return None


def _quads(store: ox.Store, s, p, o):
    return store.quads_for_pattern(s, p, o, None)


def _has(store: ox.Store, s, p, o) -> bool:
    return next(iter(store.quads_for_pattern(s, p, o, None)), None) is not None


_TYPE = ox.NamedNode(str(RDF.type))
_PRACTICE = ox.NamedNode(str(PG.Practice))
_ASSESSMENT = ox.NamedNode(str(PG.Assessment))
_POINTED_TO_OX = [ox.NamedNode(str(p)) for p in _POINTED_TO]
_ORGANIZATION = ox.NamedNode(str(ORG.organization))
_MEMBER = ox.NamedNode(str(ORG.member))
_STATUTORY_BASIS = ox.NamedNode(str(PG.statutoryBasis))
_PARTNERSHIP = ox.NamedNode(str(PG.partnership))
_ITEM_REVIEWED = ox.NamedNode(str(SCHEMA.itemReviewed))


def describe_in_store(
    store: ox.Store, practices: Iterable[Node]
) -> dict[Node, tuple[str | None, str | None, int | None]]:
    """Return {practice: (title, source file, line)} as ``describe_in_graph`` gives them."""
    described: dict[Node, tuple[str | None, str | None, int | None]] = {}
    for practice in set(practices):
        subject = ox.NamedNode(str(practice)) if isinstance(practice, URIRef) else None
        if subject is None:
            described[practice] = (None, None, None)
            continue
        titles = (q.object.value for q in store.quads_for_pattern(subject, _TITLE, None, None))
        sources = (q.object.value for q in store.quads_for_pattern(subject, _SOURCE, None, None))
        lines = (q.object.value for q in store.quads_for_pattern(subject, _LINE, None, None))
        line = min(lines, default=None)
        described[practice] = (
            min(titles, default=None),
            min(sources, default=None),
            int(line) if line and line.isdigit() else None,
        )
    return described


_TITLE = ox.NamedNode(str(DCTERMS.title))
_SOURCE = ox.NamedNode(str(PG.sourceFile))
_LINE = ox.NamedNode(str(PG.sourceLine))


def _first(values: Iterable[Node]) -> str | None:
    return min((str(v) for v in values), default=None)
