"""Derived data computed once: aggregates kept in the ``<base>graph/derived`` named graph.

Some answers researchers ask for again and again are aggregates over hundreds
of thousands of triples. The co-partnership pairs (two organisations, the
number of practices whose partnership has both as members) took 13–19 s to
recompute from the memberships on every query at 10,000 practices. They are
computed here once, when a build commits, and kept as plain RDF in the derived
graph, so that ``queries/co-partnerships.rq`` reads them with one triple
pattern per column, in plain SPARQL 1.1 that runs on any endpoint the graph is
published to::

    <base>derived/pair/<hash> a pg:CoPartnership ;
        pg:firstPartner <a> ; pg:secondPartner <b> ;   # STR(a) < STR(b)
        pg:sharedPractices 3 .

The build does not call this module: it is a commit watcher (registered in
``pgraph/__init__.py``, like incremental validation). Before a commit it reads
the memberships of the graphs the commit changes; after the commit it reads
them again and applies the difference to the pairs concerned (a page changed,
added or removed). A commit that writes a whole new store, or a store without
a derived graph, has the graph recomputed from every membership. The derived
graph is part of the dataset: dumped, published and described like the others
(see the README, "Derived data").

Example:
    >>> from pgraph.build import build_catalogue
    >>> from pgraph.resources import data_dir
    >>> store = build_catalogue([data_dir() / "pages"], store_path=None).store
    >>> pairs = co_partnerships(store)
    >>> max(pairs.values()) >= 1
    True
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from itertools import combinations

import pyoxigraph as ox

PG = "https://w3id.org/pgraph/ontology#"
ORG = "http://www.w3.org/ns/org#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"

Pair = tuple[str, str]


def derived_graph(base: str) -> str:
    """Return the IRI of the derived graph under ``base``.

    Example:
        >>> derived_graph("https://example.org/")
        'https://example.org/graph/derived'
    """
    return f"{base}graph/derived"


def pair_node(base: str, pair: Pair) -> str:
    """Return the IRI of a co-partnership pair's node (stable: a hash of the two IRIs).

    Example:
        >>> pair_node("https://e.org/", ("https://e.org/a", "https://e.org/b"))[:27]
        'https://e.org/derived/pair/'
    """
    digest = hashlib.sha1(f"{pair[0]}\n{pair[1]}".encode()).hexdigest()[:20]
    return f"{base}derived/pair/{digest}"


def _members(store: ox.Store, partnerships: Iterable[str] | None) -> dict[str, set[str]]:
    """Return the members (org:hasMember, in any graph) of ``partnerships`` (None: all)."""
    values = ""
    if partnerships is not None:
        partnerships = sorted(partnerships)
        if not partnerships:
            return {}
        values = "VALUES ?p { " + " ".join(f"<{p}>" for p in partnerships) + " }"
    query = f"SELECT DISTINCT ?p ?m WHERE {{ {values} GRAPH ?g {{ ?p <{ORG}hasMember> ?m }} }}"
    members: dict[str, set[str]] = defaultdict(set)
    for partnership, member in store.query(query):
        if isinstance(partnership, ox.NamedNode) and isinstance(member, ox.NamedNode):
            members[partnership.value].add(member.value)
    return members


def _partnerships(store: ox.Store, graphs: list[str] | None) -> set[str]:
    """Return the partnerships with members in ``graphs`` (None: in any graph)."""
    if graphs is not None and not graphs:
        return set()
    values = "" if graphs is None else "VALUES ?g { " + " ".join(f"<{g}>" for g in graphs) + " }"
    query = f"SELECT DISTINCT ?p WHERE {{ {values} GRAPH ?g {{ ?p <{ORG}hasMember> ?m }} }}"
    return {p.value for (p,) in store.query(query) if isinstance(p, ox.NamedNode)}


def _pairs(members: dict[str, set[str]]) -> Counter[Pair]:
    """Count, for each pair of organisations (by IRI order), the partnerships with both."""
    pairs: Counter[Pair] = Counter()
    for names in members.values():
        pairs.update(combinations(sorted(names), 2))
    return pairs


def co_partnerships(store: ox.Store) -> dict[Pair, int]:
    """Return the co-partnership pairs kept in the store's derived graph, with their counts.

    Example:
        >>> co_partnerships(ox.Store())
        {}
    """
    query = (
        f"SELECT ?a ?b ?n WHERE {{ GRAPH ?g {{ ?pair <{PG}firstPartner> ?a ; "
        f"<{PG}secondPartner> ?b ; <{PG}sharedPractices> ?n }} "
        f'FILTER(STRENDS(STR(?g), "graph/derived")) }}'
    )
    return {(a.value, b.value): int(n.value) for a, b, n in store.query(query)}


def _pair_triples(base: str, pair: Pair, count: int) -> list[str]:
    """Return a pair's triples as N-Triples statements without the final dot."""
    node = f"<{pair_node(base, pair)}>"
    return [
        f"{node} <{RDF_TYPE}> <{PG}CoPartnership>",
        f"{node} <{PG}firstPartner> <{pair[0]}>",
        f"{node} <{PG}secondPartner> <{pair[1]}>",
        f'{node} <{PG}sharedPractices> "{count}"^^<{XSD_INTEGER}>',
    ]


def _label(base: str) -> str:
    graph = derived_graph(base)
    return f'<{graph}> <{RDFS_LABEL}> "graph of derived data"'


def rebuild_derived(store: ox.Store, base: str) -> int:
    """Recompute the whole derived graph from every membership; return the pairs written.

    Example:
        >>> rebuild_derived(ox.Store(), "https://example.org/")
        0
    """
    graph = derived_graph(base)
    pairs = _pairs(_members(store, None))
    store.update(f"DROP SILENT GRAPH <{graph}>")
    lines = [_label(base)]
    lines += [t for pair, n in sorted(pairs.items()) for t in _pair_triples(base, pair, n)]
    data = "".join(f"{line} <{graph}> .\n" for line in lines)
    store.bulk_load(data.encode(), format=ox.RdfFormat.N_QUADS)
    return len(pairs)


def apply_change(
    store: ox.Store, base: str, before: dict[str, set[str]], after: dict[str, set[str]]
) -> int:
    """Apply to the derived graph the change from ``before`` to ``after`` (partnerships'
    members in the changed graphs); return the pairs whose count changed."""
    delta = _pairs(after)
    delta.subtract(_pairs(before))
    changed = {pair: n for pair, n in delta.items() if n}
    if not changed:
        return 0
    graph = derived_graph(base)
    nodes = {pair: pair_node(base, pair) for pair in changed}
    stored = {}
    query = (
        "SELECT ?pair ?n WHERE { VALUES ?pair { "
        + " ".join(f"<{node}>" for node in nodes.values())
        + f" }} GRAPH <{graph}> {{ ?pair <{PG}sharedPractices> ?n }} }}"
    )
    for node, n in store.query(query):
        stored[node.value] = int(n.value)
    deletes: list[str] = []
    inserts: list[str] = []
    for pair, difference in changed.items():
        old = stored.get(nodes[pair], 0)
        if old:
            deletes += _pair_triples(base, pair, old)
        if old + difference > 0:
            inserts += _pair_triples(base, pair, old + difference)
    operations = [
        f"{verb} DATA {{ GRAPH <{graph}> {{\n" + "".join(f"{t} .\n" for t in triples) + "} }"
        for verb, triples in (("DELETE", deletes), ("INSERT", inserts)) if triples
    ]
    store.update(" ;\n".join(operations))
    return len(changed)


def _base(change) -> str | None:
    """The base of the build's IRIs: its builds graph, else a changed ``<base>graph/…`` one."""
    names = [change.provenance[0]] if change.provenance else []
    names += list(change.changed_graphs)
    for name in names:
        if "/graph/" in name:
            return name[: name.rindex("/graph/") + 1]
    return None


def _has_derived(store: ox.Store, base: str) -> bool:
    """Whether the store has a derived graph (its label: the graph may hold no pair)."""
    graph = derived_graph(base)
    return bool(store.query(f"ASK {{ GRAPH <{graph}> {{ {_label(base)} }} }}"))


def track_commit(transaction, change) -> Callable[[ox.Store], None] | None:
    """The commit watcher of the derived graph (registered in ``pgraph/__init__.py``).

    Before the commit, read the members of the partnerships in the graphs it
    changes; after it, read them again and apply the difference, or recompute
    the derived graph when the commit wrote a whole new store or the store had
    none.
    """
    base = _base(change)
    if base is None:
        return None
    graphs = sorted(
        {*change.changed_graphs, *(q.graph_name.value for q in [*change.removed, *change.added]
                                   if isinstance(q.graph_name, ox.NamedNode))}
        - {derived_graph(base)}
    )
    live = transaction.store
    full = transaction.staged is None or not _has_derived(live, base)
    if full:
        affected: set[str] = set()
        before = None
    else:
        # The pairs count partnerships as the union of the graphs gives them (a
        # partnership may be stated by two pages): every partnership a changed
        # graph states, before or after, is read again from every graph.
        affected = _partnerships(live, graphs) | _partnerships(transaction.staged, None) | {
            q.subject.value for q in change.added
            if q.predicate.value == f"{ORG}hasMember" and isinstance(q.subject, ox.NamedNode)
        }
        before = _members(live, affected)

    def after(store) -> None:
        if before is None:
            rebuild_derived(store, base)
        else:
            apply_change(store, base, before, _members(store, affected))

    return after
