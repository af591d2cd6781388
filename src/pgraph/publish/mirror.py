"""Publishing that mirrors: what the remote store holds of pgraph's, compared with the local store.

pgraph knows its own graphs on a remote store by their IRIs: those under
``{base}graph/`` (the source, organisations, vocabularies, ontology and
builds graphs of a catalogue built with that base) and the staging graphs a
chunked SPARQL Update leaves if it is interrupted (``urn:pgraph:staging:…``).
Every other graph of the remote store is someone else's and never touched.

One query lists those graphs with their sizes and content hashes (a source
graph holds the hash of its file: ``?g pg:contentHash ?h``); each local graph
is then *added* (absent remotely), *unchanged* (same size and hash, or, for a
graph without a hash, the same triples — then it is not sent again) or
*replaced*; each remote graph of pgraph's the local store lacks is *removed*
(a source deleted since the last publication), unless asked to keep it.
Because each graph is replaced whole and the plan is made from what the
remote store holds, a publication interrupted half-way and run again ends
with the remote store equal to the local one.

Example:
    >>> plan = plan_publication({"g/a": LocalGraph(2, "h1"), "g/b": LocalGraph(1, None)},
    ...                         {"g/a": RemoteGraph(2, "h1"), "g/c": RemoteGraph(5, None)},
    ...                         same_triples=lambda graph: False)
    >>> plan.unchanged, plan.added, plan.replaced, plan.removed
    (['g/a'], ['g/b'], [], ['g/c'])
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import Literal

from pgraph.errors import PublishError
from pgraph.publish.http import Credentials, sparql_select
from pgraph.vocab import PG

STAGING_PREFIX = "urn:pgraph:staging:"
"""Graphs a chunked SPARQL Update fills before one MOVE (``stores.staging_graph``)."""


@dataclass(frozen=True)
class LocalGraph:
    """A graph of the local store: its size and content hash (None: it has none)."""

    triples: int
    content_hash: str | None


@dataclass(frozen=True)
class RemoteGraph:
    """A graph of pgraph's on the remote store: its size and content hash."""

    triples: int
    content_hash: str | None


@dataclass
class Plan:
    """What a publication does to each graph."""

    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def to_send(self) -> list[str]:
        return sorted([*self.added, *self.replaced])


def own_prefix(base: str) -> str:
    """Return the IRI prefix of pgraph's graphs for a catalogue built with ``base``.

    Example:
        >>> own_prefix("https://w3id.org/pgraph/id/")
        'https://w3id.org/pgraph/id/graph/'
    """
    return f"{base}graph/"


def base_of(store: ox.Store) -> str | None:
    """Return the base a store was built with (from its vocabularies graph), if it tells."""
    for graph in store.named_graphs():
        if graph.value.endswith("graph/vocabularies"):
            return graph.value.removesuffix("graph/vocabularies")
    return None


def local_graphs(store: ox.Store, graphs: Iterable[ox.NamedNode]) -> dict[str, LocalGraph]:
    """Return each graph's size and content hash."""
    found = {}
    content_hash = ox.NamedNode(str(PG.contentHash))
    for graph in graphs:
        size = sum(1 for _ in store.quads_for_pattern(None, None, None, graph))
        hashes = [q.object.value for q in store.quads_for_pattern(graph, content_hash, None, graph)
                  if isinstance(q.object, ox.Literal)]
        found[graph.value] = LocalGraph(size, hashes[0] if len(hashes) == 1 else None)
    return found


def remote_graphs(endpoint: str, prefix: str, *, credentials: Credentials | None,
                  timeout: float) -> dict[str, RemoteGraph]:
    """Return pgraph's graphs on the remote store (under ``prefix``, and staging graphs)."""
    keep = (f'FILTER(STRSTARTS(STR(?g), "{_escaped(prefix)}") || '
            f'STRSTARTS(STR(?g), "{STAGING_PREFIX}"))')
    sizes = sparql_select(
        endpoint,
        f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {keep} }} GROUP BY ?g",
        credentials=credentials, timeout=timeout)
    hashes = sparql_select(
        endpoint, f"SELECT ?g ?h WHERE {{ GRAPH ?g {{ ?g <{PG.contentHash}> ?h }} {keep} }}",
        credentials=credentials, timeout=timeout)
    by_graph: dict[str, list[str]] = {}
    for row in hashes:
        by_graph.setdefault(row["g"]["value"], []).append(row["h"]["value"])
    try:
        return {
            row["g"]["value"]: RemoteGraph(
                int(row["n"]["value"]),
                by_graph[row["g"]["value"]][0] if len(by_graph.get(row["g"]["value"], [])) == 1
                else None)
            for row in sizes
        }
    except (KeyError, ValueError) as error:
        raise PublishError(f"the endpoint's list of graphs is not what pgraph asked for: {error}",
                           hint="check that --endpoint is the store's SPARQL query endpoint",
                           ) from error


def plan_publication(
    local: Mapping[str, LocalGraph], remote: Mapping[str, RemoteGraph], *,
    same_triples: Callable[[str], bool], remove: bool = True,
) -> Plan:
    """Return what to do with each graph; ``same_triples(g)`` compares a graph without a hash."""
    plan = Plan()
    for graph, mine in sorted(local.items()):
        theirs = remote.get(graph)
        if theirs is None:
            plan.added.append(graph) if mine.triples else plan.unchanged.append(graph)
        elif theirs.triples != mine.triples:
            plan.replaced.append(graph)
        elif mine.content_hash is not None and theirs.content_hash is not None:
            (plan.unchanged if mine.content_hash == theirs.content_hash
             else plan.replaced).append(graph)
        elif same_triples(graph):
            plan.unchanged.append(graph)
        else:
            plan.replaced.append(graph)
    if remove:
        plan.removed = sorted(set(remote) - set(local))
    return plan


def same_remote_triples(store: ox.Store, graph: str, endpoint: str, *,
                        credentials: Credentials | None, timeout: float) -> bool:
    """Return whether the remote graph holds exactly the local graph's triples (no blank nodes)."""
    node = ox.NamedNode(graph)
    mine = set()
    for quad in store.quads_for_pattern(None, None, None, node):
        if isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode):
            return False  # a store renames blank nodes: compare by sending again
        mine.add((_key(quad.subject), _key(quad.predicate), _key(quad.object)))
    rows = sparql_select(endpoint, f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}",
                         credentials=credentials, timeout=timeout)
    theirs = {(_json_key(r["s"]), _json_key(r["p"]), _json_key(r["o"])) for r in rows}
    return mine == theirs


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def _key(term) -> tuple:
    if isinstance(term, ox.NamedNode):
        return ("uri", term.value)
    if term.language:
        return ("literal", term.value, term.language.lower(), _RDF_LANGSTRING)
    return _typed(term.value, term.datatype.value)


def _typed(lexical: str, datatype: str) -> tuple:
    # Stores write numbers and times in their own canonical forms ("…T01:02:03.120Z"):
    # a typed literal is compared by its value where rdflib knows the datatype.
    if datatype != _XSD_STRING:
        value = Literal(lexical, datatype=datatype).value
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        if value is not None:
            return ("literal", repr(value), "", datatype)
    return ("literal", lexical, "", datatype)


def _json_key(term: Mapping[str, str]) -> tuple:
    if term["type"] == "uri":
        return ("uri", term["value"])
    if term["type"] == "bnode":
        return ("bnode", term["value"])
    language = term.get("xml:lang", "").lower()
    if language:
        return ("literal", term["value"], language, _RDF_LANGSTRING)
    return _typed(term["value"], term.get("datatype") or _XSD_STRING)


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')
