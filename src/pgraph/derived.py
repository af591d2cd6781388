"""Derived data computed once: small summaries kept in the ``<base>graph/derived`` named graph.

Some answers every researcher asks for are small, but recomputing them means
reading hundreds of thousands of triples: which practices miss a rating
(60,000 assessments at 10,000 practices), how many practices each domain x
type cell holds (59,000 facet pairs), which Acts statutory memberships cite.
They are computed here when a build commits and kept as plain RDF in the
derived graph, so that the library queries read a few hundred triples, in plain
SPARQL 1.1 that runs on any endpoint the graph is published to::

    <practice> pg:missingRating <criterion> .          # no rated assessment on it
    <practice> pg:qualityIssue pg:NoRating .           # also NoPartner, NoStartDate, NoCountry
    <base>derived/domain-type/<hash> a pg:DomainTypeCount ;
        pg:countedDomain <domain> ; pg:countedPracticeType <type> ; pg:practiceCount 12 .
    <act> pg:statutoryMembershipCount 40 ; pg:citingPracticeCount 31 .

A practice's facts depend only on its own description (its page's graph) and
the vocabularies, so a build that changes a few pages recomputes the facts of
the practices those pages describe, and adds the difference of their
contributions to the counts. A build that writes a whole new store, changes
the vocabularies, or finds no derived graph recomputes it from everything.

The build does not call this module: it is a commit watcher (registered in
``pgraph/__init__.py``, like incremental validation), and what it writes is
committed with the build (:func:`track_commit`). The derived graph is part of
the dataset: dumped and published like the other graphs, so the queries that
read it work wherever the dump is loaded (README, "Derived data").

Example:
    >>> from pgraph.build import build_catalogue
    >>> from pgraph.resources import data_dir
    >>> store = build_catalogue([data_dir() / "pages"], store_path=None).store
    >>> summary = derived_summary(store)
    >>> summary["cells"] > 0 and summary["acts"] > 0
    True
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from pgraph.store.terms import escape_string
from pgraph.vocab import ORG, PG, PGV

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
SKOS_IN_SCHEME = "http://www.w3.org/2004/02/skos/core#inScheme"
GRAPH_LABEL = "graph of derived data"
_SHARED_GRAPHS = ("organisations", "unresolved", "builds", "vocabularies", "ontology")

Fact = tuple[str, str, str]
Cell = tuple[str, str]

_ISSUES = {  # the quality issue of a practice, by what it lacks
    "rating": str(PG.NoRating),
    "partner": str(PG.NoPartner),
    "start": str(PG.NoStartDate),
    "country": str(PG.NoCountry),
}


def derived_graph(base: str) -> str:
    """Return the IRI of the derived graph under ``base``.

    Example:
        >>> derived_graph("https://example.org/")
        'https://example.org/graph/derived'
    """
    return f"{base}graph/derived"


def cell_node(base: str, cell: Cell) -> str:
    """Return the IRI of a domain x type count's node (stable: a hash of both IRIs).

    Example:
        >>> cell_node("https://e.org/", ("https://e.org/d", "https://e.org/t"))[:34]
        'https://e.org/derived/domain-type/'
    """
    digest = hashlib.sha1(f"{cell[0]}\n{cell[1]}".encode()).hexdigest()[:20]
    return f"{base}derived/domain-type/{digest}"


@dataclass
class Contributions:
    """What some practices add to the derived graph.

    ``facts`` are per-practice triples, ``cells`` practice counts per
    (domain, type), ``memberships`` and ``citing`` statutory memberships (of the
    practices' partnerships) and citing practices per Act.
    """

    facts: set[Fact] = field(default_factory=set)
    cells: Counter[Cell] = field(default_factory=Counter)
    memberships: Counter[str] = field(default_factory=Counter)
    citing: Counter[str] = field(default_factory=Counter)


# ---------------------------------------------------------------- computing


def _values(variable: str, iris: Iterable[str] | None) -> str:
    if iris is None:
        return ""
    return f"VALUES ?{variable} {{ " + " ".join(f"<{i}>" for i in sorted(iris)) + " }"


def _rows(store: ox.Store, query: str) -> list[tuple[str, ...]]:
    """The rows of a SELECT over the union of the graphs, each term as its IRI or lexical form."""
    return [
        tuple(term.value if term is not None else "" for term in row)
        for row in store.query(query, use_default_graph_as_union=True)
    ]


def practice_contributions(store: ox.Store, practices: Iterable[str] | None) -> Contributions:
    """Return the facts, domain x type counts and Acts cited of ``practices`` (None: all).

    The store answers with the few rows wanted (what is missing, counts), not
    with every practice's facets: terms read back into Python cost more than
    the joins. For all practices each pattern is its own subquery, so the
    store joins whole scans by hash (a quarter of the time of looking each
    practice up, at 10,000 practices); for a few, it starts from them.

    Example:
        >>> practice_contributions(ox.Store(), None).facts
        set()
    """
    if practices is not None:
        practices = sorted(practices)
        if not practices:
            return Contributions()
    values = _values("p", practices)

    def joined(*patterns: str) -> str:
        if practices is None:
            return " ".join(f"{{ SELECT * {{ {pattern} }} }}" for pattern in patterns)
        return f"{values} {' . '.join(patterns)}"

    practice = f"?p a <{PG.Practice}>"
    facts: set[Fact] = {
        (p, str(PG.missingRating), c)
        for p, c in _rows(store, f"""SELECT ?p ?c {{ {joined(practice)}
            {{ SELECT ?c {{ ?c <{SKOS_IN_SCHEME}> <{PGV}criterion> }} }}
            MINUS {{ {joined(f"?p <{PG.assessment}> ?a", f"?a <{PG.criterion}> ?c",
                             f"?a <{PG.rating}> ?r")} }} }}""")
    }
    lacking = {
        "rating": (f"?p <{PG.assessment}> ?a", f"?a <{PG.rating}> ?r"),
        "partner": (f"?p <{PG.partnership}> ?s", f"?s <{ORG.hasMember}> ?m"),
        "start": (f"?p <{PG.startDate}> ?d",),
        "country": (f"?p <{PG.country}> ?c",),
    }
    for issue, patterns in lacking.items():
        facts |= {
            (p, str(PG.qualityIssue), _ISSUES[issue])
            for (p,) in _rows(store, f"""SELECT ?p {{ {joined(practice)}
                MINUS {{ {joined(*patterns)} }} }}""")
        }
    # Counted as the queries count them: one per (practice, domain, type) row of the
    # union of the graphs.
    cells = Counter({
        (d, t): int(n) for d, t, n in _rows(store, f"""SELECT ?d ?t (COUNT(*) AS ?n) {{
            {joined(f"?p <{PG.domain}> ?d", f"?p <{PG.practiceType}> ?t")} }} GROUP BY ?d ?t""")
    })
    contributions = Contributions(facts=facts, cells=cells)
    # Statutory memberships of the practices' partnerships, each once, and the
    # partnerships (one per practice) citing each Act.
    for act, memberships, citing in _rows(store, f"""
            SELECT ?act (COUNT(*) AS ?memberships) (COUNT(DISTINCT ?s) AS ?citing) {{
              SELECT DISTINCT ?act ?m ?s {{ {joined(
                  f"?m <{PG.statutoryBasis}> ?act", f"?m <{ORG.organization}> ?s",
                  f"?p <{PG.partnership}> ?s")} }}
            }} GROUP BY ?act"""):
        contributions.memberships[act] = int(memberships)
        contributions.citing[act] = int(citing)
    return contributions


# ---------------------------------------------------------------- writing


def _literal(text: str) -> str:
    return f'"{escape_string(text)}"'


def _integer(n: int) -> str:
    return f'"{n}"^^<{XSD_INTEGER}>'


def _fact_triples(facts: Iterable[Fact]) -> list[str]:
    return [f"<{s}> <{p}> <{o}>" for s, p, o in sorted(facts)]


def cell_label(cell: Cell) -> str:
    """Return the name of a domain x type count: the two concepts' IRI endings.

    Taken from the IRIs, not from the concepts' labels, so that it never changes
    while the cell lives (an unmapped value's preferred label may change with
    the pages that write it).

    Example:
        >>> cell_label(("https://e.org/domain/cyber-crime", "https://e.org/type/awareness"))
        'domain cyber-crime, type awareness'
    """
    return f"domain {cell[0].rsplit('/', 1)[-1]}, type {cell[1].rsplit('/', 1)[-1]}"


def _cell_triples(base: str, cell: Cell, count: int) -> list[str]:
    node = f"<{cell_node(base, cell)}>"
    # Every resource pgraph describes has an rdfs:label (README, "Names").
    name = cell_label(cell)
    return [
        f"{node} <{RDF_TYPE}> <{PG.DomainTypeCount}>",
        f"{node} <{RDFS_LABEL}> {_literal(name)}",
        f"{node} <{PG.countedDomain}> <{cell[0]}>",
        f"{node} <{PG.countedPracticeType}> <{cell[1]}>",
        f"{node} <{PG.practiceCount}> {_integer(count)}",
    ]


def _act_triples(act: str, memberships: int, citing: int) -> list[str]:
    return [
        f"<{act}> <{PG.statutoryMembershipCount}> {_integer(memberships)}",
        f"<{act}> <{PG.citingPracticeCount}> {_integer(citing)}",
    ]


def _label(base: str) -> str:
    return f'<{derived_graph(base)}> <{RDFS_LABEL}> "{GRAPH_LABEL}"'


def _update(store, graph: str, deletes: list[str], inserts: list[str]) -> None:
    operations = [
        f"{verb} DATA {{ GRAPH <{graph}> {{\n" + "".join(f"{t} .\n" for t in triples) + "} }"
        for verb, triples in (("DELETE", deletes), ("INSERT", inserts)) if triples
    ]
    if operations:
        store.update(" ;\n".join(operations))


def rebuild_derived(store, base: str) -> int:
    """Recompute the whole derived graph from the store; return the triples written.

    Example:
        >>> rebuild_derived(ox.Store(), "https://example.org/")
        1
    """
    graph = derived_graph(base)
    lines = _derived_lines(store, base)
    store.update(f"DROP SILENT GRAPH <{graph}>")
    _update(store, graph, [], lines)
    return len(lines)


def _derived_lines(store, base: str) -> list[str]:
    """The whole derived graph computed from the store, as N-Triples lines (no final dot)."""
    practices = practice_contributions(store, None)
    lines = [_label(base), *_fact_triples(practices.facts)]
    for cell, count in sorted(practices.cells.items()):
        lines += _cell_triples(base, cell, count)
    for act, count in sorted(practices.memberships.items()):
        lines += _act_triples(act, count, practices.citing[act])
    return lines


def _fill_new_folder(new: ox.Store, base: str) -> None:
    """Write the derived graph into a new store folder as the build's other quads are
    written there: a bulk write, never a transaction a reader could see alone."""
    graph = ox.NamedNode(derived_graph(base))
    if next(iter(new.quads_for_pattern(None, None, None, graph)), None) is not None:
        new.remove_graph(graph)  # copied from the store this folder replaces
    new.bulk_extend(_as_quads(_derived_lines(new, base), graph.value))


def _stored(store, graph: str, nodes: Iterable[str]) -> dict[str, list[tuple]]:
    """Return what the derived graph says of ``nodes``: {node: [(predicate, object)]} (terms)."""
    nodes = sorted(nodes)
    if not nodes:
        return {}
    stored: dict[str, list[tuple]] = {}
    query = f"SELECT ?n ?p ?o {{ {_values('n', nodes)} GRAPH <{graph}> {{ ?n ?p ?o }} }}"
    for n, p, o in store.query(query):
        stored.setdefault(n.value, []).append((p, o))
    return stored


def _count(said: list[tuple], predicate: str) -> int:
    return next((int(o.value) for p, o in said if p.value == predicate), 0)


def change_lines(
    store, base: str, before: Contributions, after: Contributions
) -> tuple[list[str], list[str]]:
    """Return the triples (N-Triples, no final dot) to delete from and insert into the derived
    graph of ``store`` for the change from ``before`` to ``after``.

    Facts are replaced; counts move by the difference (a count falling to 0 goes).
    """
    graph = derived_graph(base)
    deletes = _fact_triples(before.facts - after.facts)
    inserts = _fact_triples(after.facts - before.facts)
    cells = Counter(after.cells)
    cells.subtract(before.cells)
    changed_cells = {cell: n for cell, n in cells.items() if n}
    nodes = {cell_node(base, cell): cell for cell in changed_cells}
    stored = _stored(store, graph, nodes)
    for node, cell in nodes.items():
        said = stored.get(node, [])
        deletes += [f"<{node}> {p} {o}" for p, o in said]
        count = _count(said, str(PG.practiceCount)) + changed_cells[cell]
        if count > 0:
            inserts += _cell_triples(base, cell, count)
    memberships, citing = Counter(after.memberships), Counter(after.citing)
    memberships.subtract(before.memberships)
    citing.subtract(before.citing)
    acts = [a for a in {*memberships, *citing} if memberships[a] or citing[a]]
    stored = _stored(store, graph, acts)
    for act in sorted(acts):
        said = stored.get(act, [])
        deletes += [f"<{act}> {p} {o}" for p, o in said]
        new = (_count(said, str(PG.statutoryMembershipCount)) + memberships[act],
               _count(said, str(PG.citingPracticeCount)) + citing[act])
        if new[0] > 0:
            inserts += _act_triples(act, *new)
    return deletes, inserts


def apply_change(store, base: str, before: Contributions, after: Contributions) -> int:
    """Apply to the derived graph the change from ``before`` to ``after``; return triples changed.

    Example:
        >>> apply_change(ox.Store(), "https://e.org/", Contributions(), Contributions())
        0
    """
    deletes, inserts = change_lines(store, base, before, after)
    _update(store, derived_graph(base), deletes, inserts)
    return len(deletes) + len(inserts)


def derived_summary(store) -> dict[str, int]:
    """Return how many facts, domain x type counts and Acts the derived graph holds.

    Example:
        >>> derived_summary(ox.Store())
        {'facts': 0, 'cells': 0, 'acts': 0}
    """
    query = f"""SELECT
        (COUNT(DISTINCT ?fact) AS ?facts) (COUNT(DISTINCT ?cell) AS ?cells)
        (COUNT(DISTINCT ?act) AS ?acts) {{ GRAPH ?g {{
          {{ ?x <{PG.missingRating}>|<{PG.qualityIssue}> ?y
             BIND(CONCAT(STR(?x), " ", STR(?y)) AS ?fact) }}
          UNION {{ ?cell a <{PG.DomainTypeCount}> }}
          UNION {{ ?act <{PG.statutoryMembershipCount}> ?n }} }}
        FILTER(STRENDS(STR(?g), "graph/derived")) }}"""
    row = next(iter(store.query(query)))
    return {"facts": int(row[0].value), "cells": int(row[1].value), "acts": int(row[2].value)}


# ---------------------------------------------------------------- the commit watcher


def _base(change) -> str | None:
    """The base of the build's IRIs: its builds graph's (``<base>graph/builds``)."""
    if change.provenance and "/graph/" in change.provenance[0]:
        name = change.provenance[0]
        return name[: name.rindex("/graph/") + 1]
    return None


def rebuilt_after_commit(transaction, change) -> bool:
    """Whether this staged build's commit leaves the derived graph to be recomputed after it
    (the vocabularies change, or the store has no derived graph yet): then what the commit
    patches does not say everything the build changes."""
    base = _base(change)
    if base is None or transaction.staged is None:
        return False
    return (f"{base}graph/vocabularies" in change.changed_graphs
            or not _has_derived(transaction.store, base))


def _has_derived(store, base: str) -> bool:
    """Whether the store has a derived graph (its label: the graph may hold nothing else)."""
    return bool(store.query(f"ASK {{ GRAPH <{derived_graph(base)}> {{ {_label(base)} }} }}"))


def _graphs_of(quads: Iterable[ox.Quad]) -> set[str]:
    return {q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)}


def _practices_in(store, graphs: list[str]) -> set[str]:
    """Practices described in ``graphs``: typed there, or owning a partnership described there."""
    if not graphs:
        return set()
    # LATERAL: each subject of the graphs looks its practice up (a plain join read every
    # partnership of the store first: 40-75 ms at 10,000 practices, against 1.3 ms).
    query = f"""SELECT DISTINCT ?p {{ {_values('g', graphs)}
        {{ GRAPH ?g {{ ?p a <{PG.Practice}> }} }}
        UNION {{ GRAPH ?g {{ ?s ?x ?y }} LATERAL {{ ?p <{PG.partnership}> ?s }} }} }}"""
    return {p for (p,) in _rows(store, query)}


def _as_quads(lines: list[str], graph: str) -> list[ox.Quad]:
    data = "".join(f"{line} <{graph}> .\n" for line in lines)
    return list(ox.parse(data.encode(), format=ox.RdfFormat.N_QUADS))


def post_commit_view(live, staged: ox.Store, change, practices: set[str]) -> ox.Store:
    """Return a small in-memory store that describes ``practices`` as the store will after
    ``change``: the staged graphs, what the graphs the commit leaves alone say of the
    practices, of what they point at and of their memberships, the criteria, and the
    commit's patches of the shared graphs."""
    view = ox.Store()
    view.extend(staged)
    changed = {ox.NamedNode(g) for g in change.changed_graphs}
    if practices:
        query = f"""SELECT ?s ?p ?o ?g {{ {_values('x', practices)}
            {{ GRAPH ?g {{ ?x ?p ?o }} BIND(?x AS ?s) }}
            UNION {{ ?x ?q ?s . GRAPH ?g {{ ?s ?p ?o }} }}
            UNION {{ ?x <{PG.partnership}> ?ps . ?s <{ORG.organization}> ?ps .
                     GRAPH ?g {{ ?s ?p ?o }} }} }}"""
        view.extend(ox.Quad(s, p, o, g)
                    for s, p, o, g in live.query(query, use_default_graph_as_union=True)
                    if g not in changed)
    criteria = f"SELECT ?c ?g {{ GRAPH ?g {{ ?c <{SKOS_IN_SCHEME}> <{PGV}criterion> }} }}"
    view.extend(ox.Quad(c, ox.NamedNode(SKOS_IN_SCHEME), ox.NamedNode(f"{PGV}criterion"), g)
                for c, g in live.query(criteria) if g not in changed)
    for quad in change.removed:
        view.remove(quad)
    view.extend(change.added)
    return view


def track_commit(transaction, change) -> Callable[[ox.Store], None] | None:
    """The commit watcher of the derived graph (registered in ``pgraph/__init__.py``).

    Only builds are followed (a commit naming its builds graph), and what it
    writes is committed with the build, never after it: a commit to a new store
    folder recomputes the derived graph in that folder before it is swapped in;
    a staged commit reads what the practices it changes contribute before and
    after it (from :func:`post_commit_view`) and adds the difference to the
    commit's own patches. A staged commit that changes the vocabularies, or to a
    store without a derived graph, has it recomputed right after the commit.
    """
    base = _base(change)
    if base is None:
        return None
    live, staged = transaction.store, transaction.staged
    if staged is None:
        if transaction.path is not None:  # a new folder, swapped in at the commit
            change.complete.append(lambda new: _fill_new_folder(new, base))
            return None
        return lambda store: rebuild_derived(store, base)  # in memory: nothing reads it yet
    if rebuilt_after_commit(transaction, change):
        return lambda store: rebuild_derived(store, base)
    # The shared graphs' patch may touch page graphs too (acronyms): those pages count
    # as changed. The shared graphs themselves describe no practice.
    own = {derived_graph(base), *(f"{base}graph/{name}" for name in _SHARED_GRAPHS)}
    graphs = sorted(
        ({*change.changed_graphs} | _graphs_of([*change.removed, *change.added])) - own
    )
    if not graphs:
        return None
    practices = _practices_in(live, graphs) | _practices_in(staged, graphs)
    before = practice_contributions(live, practices)
    view = post_commit_view(live, staged, change, practices)
    deletes, inserts = change_lines(live, base, before, practice_contributions(view, practices))
    graph = derived_graph(base)
    change.removed.extend(_as_quads(deletes, graph))
    change.added.extend(_as_quads(inserts, graph))
    return None
