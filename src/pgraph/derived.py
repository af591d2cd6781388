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
``pgraph/__init__.py``, like incremental validation). It runs after the commit,
as its own update. The derived graph is part of the dataset: dumped and
published like the other graphs, so the queries that read it work wherever the
dump is loaded (README, "Derived data").

Example:
    >>> from pgraph.build import build_catalogue
    >>> from pgraph.resources import data_dir
    >>> store = build_catalogue([data_dir() / "pages"], store_path=None).store
    >>> sorted(derived_summary(store))  # doctest: +NORMALIZE_WHITESPACE
    ['acts', 'cells', 'facts']
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
SKOS_PREF_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"
GRAPH_LABEL = "graph of derived data"

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

    Example:
        >>> practice_contributions(ox.Store(), None).facts
        set()
    """
    if practices is not None:
        practices = sorted(practices)
        if not practices:
            return Contributions()
    values = _values("p", practices)
    known = {p for (p,) in _rows(store, f"SELECT DISTINCT ?p {{ {values} ?p a <{PG.Practice}> }}")}
    criteria = {c for (c,) in _rows(
        store, f"SELECT DISTINCT ?c {{ ?c <{SKOS_IN_SCHEME}> <{PGV}criterion> }}")}
    rated: dict[str, set[str]] = {p: set() for p in known}
    # Rows as they come, deduplicated here: DISTINCT in the store costs more.
    for p, c in _rows(store, f"""SELECT ?p ?c {{ {values}
            ?p <{PG.assessment}> ?a . ?a <{PG.rating}> ?r
            OPTIONAL {{ ?a <{PG.criterion}> ?c }} }}"""):
        if p in rated:
            rated[p].add(c)
    having = {
        "partner": f"?p <{PG.partnership}> ?s . ?s <{ORG.hasMember}> ?m",
        "start": f"?p <{PG.startDate}> ?d",
        "country": f"?p <{PG.country}> ?c",
    }
    facts: set[Fact] = set()
    for p in known:
        facts |= {(p, str(PG.missingRating), c) for c in criteria - rated[p]}
        if not rated[p]:
            facts.add((p, str(PG.qualityIssue), _ISSUES["rating"]))
    for issue, pattern in having.items():
        with_it = {p for (p,) in _rows(store, f"SELECT DISTINCT ?p {{ {values} {pattern} }}")}
        facts |= {(p, str(PG.qualityIssue), _ISSUES[issue]) for p in known - with_it}
    # Counted as the queries count them: one per (practice, domain, type) row of the
    # union of the graphs.
    cells = Counter((d, t) for p, d, t in _rows(
        store, f"SELECT ?p ?d ?t {{ {values} ?p <{PG.domain}> ?d ; <{PG.practiceType}> ?t }}"))
    contributions = Contributions(facts=facts, cells=cells)
    # Statutory memberships of the practices' partnerships, each once, and the
    # partnerships (one per practice) citing each Act.
    cited = set(_rows(store, f"""SELECT ?act ?m ?s {{ {values}
        ?m <{PG.statutoryBasis}> ?act ; <{ORG.organization}> ?s . ?p <{PG.partnership}> ?s }}"""))
    contributions.memberships.update(Counter(act for act, _m, _s in cited))
    contributions.citing.update(Counter(act for act, _s in {(act, s) for act, _m, s in cited}))
    return contributions


# ---------------------------------------------------------------- writing


def _literal(text: str) -> str:
    return f'"{escape_string(text)}"'


def _integer(n: int) -> str:
    return f'"{n}"^^<{XSD_INTEGER}>'


def _fact_triples(facts: Iterable[Fact]) -> list[str]:
    return [f"<{s}> <{p}> <{o}>" for s, p, o in sorted(facts)]


def _concept_labels(store, cells: Iterable[Cell]) -> dict[str, str]:
    """Return a name for each concept of ``cells``: its English (or untagged) preferred label."""
    concepts = {c for cell in cells for c in cell}
    if not concepts:
        return {}
    query = f"""SELECT ?c (MIN(STR(?l)) AS ?label) {{ {_values('c', concepts)}
        ?c <{SKOS_PREF_LABEL}> ?l FILTER(LANG(?l) IN ("en", "")) }} GROUP BY ?c"""
    return dict(_rows(store, query))  # type: ignore[arg-type]


def _cell_triples(base: str, cell: Cell, count: int, labels: dict[str, str]) -> list[str]:
    node = f"<{cell_node(base, cell)}>"
    # Every resource pgraph describes has an rdfs:label (README, "Names").
    name = " / ".join(labels.get(c, c.rsplit("/", 1)[-1]) for c in cell)
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
    practices = practice_contributions(store, None)
    lines = [_label(base), *_fact_triples(practices.facts)]
    labels = _concept_labels(store, practices.cells)
    for cell, count in sorted(practices.cells.items()):
        lines += _cell_triples(base, cell, count, labels)
    for act, count in sorted(practices.memberships.items()):
        lines += _act_triples(act, count, practices.citing[act])
    store.update(f"DROP SILENT GRAPH <{graph}>")
    _update(store, graph, [], lines)
    return len(lines)


def _stored_counts(store, graph: str, nodes: list[str], predicates: list[str]) -> dict:
    """Return {(node, predicate): count} as stored in the derived graph."""
    if not nodes:
        return {}
    query = (f"SELECT ?n ?p ?c {{ {_values('n', nodes)} {_values('p', predicates)} "
             f"GRAPH <{graph}> {{ ?n ?p ?c }} }}")
    return {(n.value, p.value): int(c.value) for n, p, c in store.query(query)}


def apply_change(store, base: str, before: Contributions, after: Contributions) -> int:
    """Apply to the derived graph the change from ``before`` to ``after``; return triples changed.

    Facts are replaced; counts move by the difference (a count falling to 0 goes).
    """
    graph = derived_graph(base)
    deletes = _fact_triples(before.facts - after.facts)
    inserts = _fact_triples(after.facts - before.facts)
    cells = Counter(after.cells)
    cells.subtract(before.cells)
    changed_cells = {cell: n for cell, n in cells.items() if n}
    nodes = {cell_node(base, cell): cell for cell in changed_cells}
    stored = _stored_counts(store, graph, list(nodes), [str(PG.practiceCount)])
    labels = _concept_labels(store, changed_cells)
    for node, cell in nodes.items():
        old = stored.get((node, str(PG.practiceCount)), 0)
        if old:
            deletes += _cell_triples(base, cell, old, labels)
        if old + changed_cells[cell] > 0:
            inserts += _cell_triples(base, cell, old + changed_cells[cell], labels)
    memberships, citing = Counter(after.memberships), Counter(after.citing)
    memberships.subtract(before.memberships)
    citing.subtract(before.citing)
    acts = sorted(a for a in {*memberships, *citing} if memberships[a] or citing[a])
    predicates = [str(PG.statutoryMembershipCount), str(PG.citingPracticeCount)]
    stored = _stored_counts(store, graph, acts, predicates)
    for act in acts:
        old = (stored.get((act, predicates[0]), 0), stored.get((act, predicates[1]), 0))
        if old[0]:
            deletes += _act_triples(act, *old)
        new = (old[0] + memberships[act], old[1] + citing[act])
        if new[0] > 0:
            inserts += _act_triples(act, *new)
    _update(store, graph, deletes, inserts)
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


def _has_derived(store, base: str) -> bool:
    """Whether the store has a derived graph (its label: the graph may hold nothing else)."""
    return bool(store.query(f"ASK {{ GRAPH <{derived_graph(base)}> {{ {_label(base)} }} }}"))


def _graphs_of(quads: Iterable[ox.Quad]) -> set[str]:
    return {q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)}


def _practices_in(store, graphs: list[str]) -> set[str]:
    """Practices described in ``graphs``: typed there, or owning a partnership described there."""
    if not graphs:
        return set()
    query = f"""SELECT DISTINCT ?p {{ {_values('g', graphs)}
        {{ GRAPH ?g {{ ?p a <{PG.Practice}> }} }}
        UNION {{ GRAPH ?g {{ ?s ?x ?y }} ?p <{PG.partnership}> ?s }} }}"""
    return {p for (p,) in _rows(store, query)}


def _rebuild(store, base: str) -> None:
    rebuild_derived(store, base)


def track_commit(transaction, change) -> Callable[[ox.Store], None] | None:
    """The commit watcher of the derived graph (registered in ``pgraph/__init__.py``).

    Only builds are followed (a commit naming its builds graph). Before the
    commit, read what the practices and graphs the commit changes contribute;
    after it, read them again and apply the difference. A commit that writes
    a whole new store, changes the vocabularies, or finds no derived graph
    has the graph recomputed from everything.
    """
    base = _base(change)
    if base is None:
        return None
    live = transaction.store
    if (
        transaction.staged is None
        or f"{base}graph/vocabularies" in change.changed_graphs
        or not _has_derived(live, base)
    ):
        return lambda store: _rebuild(store, base)
    # The organisations patch may touch page graphs too (acronyms): those pages count
    # as changed. The organisations and builds graphs describe no practice.
    own = {derived_graph(base), f"{base}graph/organisations", f"{base}graph/builds"}
    graphs = sorted(
        ({*change.changed_graphs} | _graphs_of([*change.removed, *change.added])) - own
    )
    if not graphs:
        return None
    practices = _practices_in(live, graphs) | _practices_in(transaction.staged, graphs)
    before = practice_contributions(live, practices)

    def after(store) -> None:
        apply_change(store, base, before, practice_contributions(store, practices))

    return after
