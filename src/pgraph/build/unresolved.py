"""The graph of unresolved values: each unmapped concept and unresolved Act described once.

A value no vocabulary has (a facet value, a rating, a country, an Act) is
minted from its words, and every page writing it shares it. Were each page's
graph to describe it, the union of the graphs would repeat its type and labels
once per page and every join through it would multiply its rows. So a page's
graph keeps only how the page writes it (``<value> pg:writtenAs "…"``), and
one graph, ``<base>graph/unresolved``, holds one description per value,
computed from every form the sources write (``pgraph.mapping.describe_unresolved``).

At each build, the values written by the files read, or by the graphs being
replaced or dropped, are described again from the forms that remain; a value
no graph writes any more goes. The result equals a full rebuild (tested).

Example:
    >>> import pyoxigraph as ox
    >>> from pgraph.mapping import Iris
    >>> act = Iris().legislation("Safer Streets Act", 2031)
    >>> removed, added = unresolved_change(ox.Store(), Iris(), {act: {"Safer Streets Act 2031": 1}},
    ...                                    leaving=set())
    >>> removed, len(added)
    ([], 7)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

import pyoxigraph as ox
from rdflib import URIRef

from pgraph.mapping import Iris, describe_unresolved
from pgraph.store import STAGING_SUFFIX, to_oxigraph
from pgraph.vocab import PG

_WRITTEN_AS = ox.NamedNode(str(PG.writtenAs))
_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")


def unresolved_change(
    store: ox.Store, iris: Iris, new_mentions: Mapping[URIRef, Mapping[str, int]], *,
    leaving: set[str],
) -> tuple[list[ox.Quad], list[ox.Quad]]:
    """Return the quads to remove from and add to the graph of unresolved values.

    ``new_mentions`` are the forms the files just read write each value in
    (with the number of files writing each); the store provides the forms of
    every graph but the ``leaving`` ones.
    """
    target = ox.NamedNode(str(iris.graph("unresolved")))
    affected = set(new_mentions) | {
        URIRef(quad.subject.value)
        for graph in leaving
        for quad in store.quads_for_pattern(None, _WRITTEN_AS, None, ox.NamedNode(graph))
    }
    mentions = {value: Counter(forms) for value, forms in new_mentions.items()}
    for graph, value, form in _stored_forms(store, affected):
        if graph not in leaving and not graph.endswith(STAGING_SUFFIX):
            mentions.setdefault(value, Counter())[form] += 1
    new = {
        ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), target)
        for s, p, o in describe_unresolved(mentions, iris)
    }
    old = {
        quad
        for value in affected
        for quad in store.quads_for_pattern(ox.NamedNode(str(value)), None, None, target)
    }
    # The graph names itself, as the organisations graph does.
    named = ox.Quad(target, _LABEL, ox.Literal("graph of the unresolved values"), target)
    if named not in store:
        new.add(named)
    return sorted(old - new, key=str), sorted(new - old, key=str)


def _stored_forms(store: ox.Store, values: set[URIRef]) -> list[tuple[str, URIRef, str]]:
    """Return (graph, value, form) for each stored ``pg:writtenAs`` of ``values``."""
    found = []
    for value in sorted(values):
        for quad in store.quads_for_pattern(ox.NamedNode(str(value)), _WRITTEN_AS, None, None):
            found.append((quad.graph_name.value, value, quad.object.value))
    return found
