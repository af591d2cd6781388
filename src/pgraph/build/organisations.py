"""The organisations graph: each partner organisation described once, from every page that names it.

A page names its partners; the same organisation appears on hundreds of
pages. Were each page's graph to describe it, the union of the graphs would
repeat its type and labels once per page, and every query joining through
organisations would multiply its rows. So a page's graph keeps only what the
page says — the membership, with the name as written (``pg:partnerName``) —
and one graph, ``<base>graph/organisations``, holds one description per
organisation, computed from all the names the sources give it
(``pgraph.mapping.describe_organisations``).

At each build, the organisations named by the files read, or by the graphs
being replaced or dropped, are described again from the mentions that remain;
the others are left alone. The result equals a full rebuild (tested).

Example:
    >>> import pyoxigraph as ox
    >>> from pgraph.mapping import Iris
    >>> police = Iris().organisation("Police Scotland")
    >>> change = organisation_change(ox.Store(), "https://example.org/graph/organisations",
    ...                              {police: {"Police Scotland"}}, leaving=set())
    >>> len(change.added), change.removed, sorted(change.organisations) == [f"<{police}>"]
    (3, [], True)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import URIRef

from pgraph.mapping import describe_organisations
from pgraph.store import STAGING_SUFFIX, to_oxigraph
from pgraph.vocab import ORG, PG

_MEMBER = ox.NamedNode(str(ORG.member))


@dataclass
class OrganisationChange:
    """What a build changes in the organisations graph: quads to remove and to add."""

    removed: list[ox.Quad]
    added: list[ox.Quad]
    organisations: set[str]
    """The organisations whose description changed, as N-Triples terms (``<iri>``)."""


def organisation_change(
    store: ox.Store,
    graph: str,
    new_mentions: Mapping[URIRef, Iterable[str]],
    *,
    leaving: set[str],
) -> OrganisationChange:
    """Return the change to ``graph`` once the files just read replace the ``leaving`` graphs.

    ``new_mentions`` are the names the files just read give each organisation;
    the store provides the mentions of every other graph.
    """
    affected = set(new_mentions) | _mentioned_in(store, leaving)
    mentions: dict[URIRef, set[str]] = {o: set(names) for o, names in new_mentions.items()}
    for source, organisation, name in _stored_mentions(store, affected):
        if source not in leaving and not source.endswith(STAGING_SUFFIX):
            mentions.setdefault(organisation, set()).add(name)
    target = ox.NamedNode(graph)
    new = {
        ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), target)
        for s, p, o in describe_organisations(mentions)
    }
    old = {
        quad
        for organisation in affected
        for quad in store.quads_for_pattern(ox.NamedNode(organisation), None, None, target)
    }
    return OrganisationChange(
        removed=sorted(old - new, key=str),
        added=sorted(new - old, key=str),
        organisations={str(quad.subject) for quad in old ^ new},
    )


def _mentioned_in(store: ox.Store, graphs: Iterable[str]) -> set[URIRef]:
    return {
        URIRef(quad.object.value)
        for graph in graphs
        for quad in store.quads_for_pattern(None, _MEMBER, None, ox.NamedNode(graph))
        if isinstance(quad.object, ox.NamedNode)
    }


def _stored_mentions(
    store: ox.Store, organisations: set[URIRef]
) -> Iterable[tuple[str, URIRef, str]]:
    """Yield (graph, organisation, name as written) for each stored mention of ``organisations``."""
    if not organisations:
        return
    values = " ".join(f"<{o}>" for o in organisations)
    rows = store.query(
        f"SELECT ?g ?o ?name WHERE {{ VALUES ?o {{ {values} }} "
        f"GRAPH ?g {{ ?m <{ORG.member}> ?o ; <{PG.partnerName}> ?name }} }}"
    )
    for row in rows:
        yield row["g"].value, URIRef(row["o"].value), row["name"].value
