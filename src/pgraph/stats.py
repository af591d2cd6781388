"""Figures about a built graph: what ``pgraph stats`` prints, kept up to date by every build.

Counting from the raw triples grows with the store (``len`` alone reads every
quad: ~0.9 s at 10,000 practices). So each build keeps the figures in the
store's folder (``STORE/pgraph-stats.json``), with the commit marker of the
build they describe; ``pgraph stats`` and the build's summary read them.
Beside it, ``STORE/pgraph-sources.json`` keeps the source graphs' names and
content hashes (:func:`stored_source_graphs`), which the next build and
validation compare with the files and with their own state instead of
querying the store.

- A build that rewrites the store (a first build, many files changed) counts
  everything after its commit (:func:`graph_stats`).
- A build that changes a few graphs counts only the change (a commit
  watcher, :func:`track_commit`): before the commit it notes every quad that
  may change — the old content of the graphs replaced or dropped, the new
  content, the quads removed and added, the provenance — and, for each
  subject of those, the figures it counts in (its classes, flags,
  countries); after the commit it looks again and adds the differences to
  the figures it had (and reads the names and hashes of the graphs in
  those quads again).
- Nothing stale is ever read: the files are removed before the commit and
  written after it with the new commit marker; each is trusted only while
  that marker is the store's (:func:`stored_stats`). A build killed in between, a
  store written by an older pgraph, or any other doubt means counting again.

Example:
    >>> from pgraph.store import open_store
    >>> graph_stats(open_store(None))["triples"]
    0
"""

from __future__ import annotations

import contextlib
import os
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from pgraph.jsonfiles import read_json, write_json
from pgraph.store.location import read_commit_marker

STATS_FILE = "pgraph-stats.json"
"""Where a build keeps the figures, inside the store's folder."""
SOURCES_FILE = "pgraph-sources.json"
"""Where a build keeps the source graphs' names and hashes, inside the store's folder."""

_CLASS_COUNTS = """
PREFIX pg: <https://w3id.org/pgraph/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX schema: <https://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?what (COUNT(DISTINCT ?node) AS ?count) WHERE {
  VALUES (?class ?what) {
    (pg:Practice "practices") (org:Organization "organisations")
    (pg:GenericPartner "generic_partners")
    (org:OrganizationalCollaboration "partnerships") (org:Membership "memberships")
    (pg:Assessment "assessments") (schema:Legislation "acts") (pg:Reference "references")
  }
  ?node a ?class .
} GROUP BY ?what
"""

_FLAGGED = """
PREFIX pg: <https://w3id.org/pgraph/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
SELECT
  (COUNT(DISTINCT ?unmapped) AS ?unmapped_concepts)
  (COUNT(DISTINCT ?unresolved) AS ?unresolved_acts)
  (COUNT(DISTINCT ?statutory) AS ?statutory_memberships)
WHERE {
  { ?unmapped pg:unmapped true }
  UNION { ?unresolved pg:unresolved true }
  UNION { ?statutory org:role <https://w3id.org/pgraph/vocab/role/statutory-partner> }
}
"""

_PER_COUNTRY = """
PREFIX pg: <https://w3id.org/pgraph/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?country (COUNT(DISTINCT ?practice) AS ?practices) WHERE {
  ?practice a pg:Practice ; pg:country ?concept .
  OPTIONAL { ?concept skos:notation ?code }
  OPTIONAL { ?concept skos:prefLabel ?label FILTER(lang(?label) = "en" || lang(?label) = "") }
  BIND(COALESCE(?code, ?label) AS ?country)
} GROUP BY ?country ORDER BY DESC(?practices) ?country
"""


def resource_counts(store: ox.Store) -> dict[str, int]:
    """Return how many practices, organisations, partnerships, memberships, … the store holds."""
    counts = dict.fromkeys(
        ("practices", "organisations", "generic_partners", "partnerships", "memberships",
         "assessments", "acts", "references"),
        0,
    )
    for row in store.query(_CLASS_COUNTS, use_default_graph_as_union=True):
        counts[row["what"].value] = int(row["count"].value)
    return counts


def graph_stats(store: ox.Store) -> dict[str, object]:
    """Return counts of the graph's main resources, flags, triples, graphs and countries."""
    figures: dict[str, object] = dict(resource_counts(store))
    row = next(iter(store.query(_FLAGGED, use_default_graph_as_union=True)))
    for name in ("unmapped_concepts", "unresolved_acts", "statutory_memberships"):
        figures[name] = int(row[name].value)
    figures["triples"] = len(store)
    figures["named_graphs"] = sum(1 for _ in store.named_graphs())
    figures["practices_per_country"] = {
        row["country"].value: int(row["practices"].value)
        for row in store.query(_PER_COUNTRY, use_default_graph_as_union=True)
        if row["country"] is not None
    }
    return figures


def store_stats(path: Path) -> dict[str, object]:
    """Return the figures of the store at ``path``: those its last build kept, else counted.

    Example:
        >>> import tempfile
        >>> from rdflib import Literal, URIRef
        >>> from pgraph.store import replace_graphs, writing
        >>> path = Path(tempfile.mkdtemp()) / "store"
        >>> with writing(path) as store:
        ...     replace_graphs(store, {URIRef("https://example.org/graph/a"): [(URIRef(
        ...         "https://example.org/s"), URIRef("https://example.org/p"), Literal("o"))]})
        >>> stored_stats(path)["triples"], store_stats(path)["named_graphs"]
        (1, 1)
    """
    figures = stored_stats(path)
    if figures is None:
        from pgraph.store import open_store

        with open_store(path, read_only=True) as store:
            figures = graph_stats(store)
    return figures


def stored_stats(path: Path) -> dict[str, object] | None:
    """Return the figures kept in the store's folder if they describe its committed state."""
    figures = _kept(path, STATS_FILE)
    return figures if isinstance(figures, dict) else None


def stored_source_graphs(path: Path) -> list[tuple[str, str, str]] | None:
    """Return the store's source graphs as :func:`pgraph.store.sources.source_graphs` gives
    them, from ``STORE/pgraph-sources.json``, if it describes the committed state."""
    rows = _kept(path, SOURCES_FILE, remember=True)
    return [tuple(row) for row in rows] if isinstance(rows, list) else None  # type: ignore[misc]


_REMEMBERED: dict[str, tuple[tuple[int, ...], Any]] = {}
"""Kept files read already in this process, by path, with the status they had then."""


def _kept(path: Path, name: str, *, remember: bool = False) -> object:
    """Return the data of a file kept in the store's folder, or None if it is not the store's.

    With ``remember``, the file is read once per process while its status (inode,
    size, modification and change times) stays the same: a build reads the store's
    10,000 sources before it starts and again at its commit. The caller must then
    only read the data, never change it.
    """
    file = Path(path) / name
    try:
        if remember:
            status = os.stat(file)
            signature = (status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns)
            known = _REMEMBERED.get(str(file))
            if known is None or known[0] != signature:
                known = _REMEMBERED[str(file)] = (signature, read_json(file))
            data = known[1]
        else:
            data = read_json(file)
        marker = read_commit_marker(Path(path))
        if marker is not None and data["marker"] == asdict(marker):
            return data["data"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return None


def track_commit(transaction, change) -> Callable | None:
    """The commit watcher keeping the figures (registered in ``pgraph/__init__.py``).

    Before the commit: forget the kept figures, and note what the change may
    alter (a new folder: count it while it is compacted); return the function
    that, after the commit, keeps the new figures.
    """
    path = transaction.path
    if path is None:
        return None
    staged = transaction.staged
    # A staged commit updates the kept figures; a new folder is counted anew.
    figures, sources = (
        (stored_stats(path), stored_source_graphs(path)) if staged is not None else (None, None)
    )
    for name in (STATS_FILE, SOURCES_FILE):  # before the commit: never stale after a kill
        (path / name).unlink(missing_ok=True)
    from pgraph.derived import rebuilt_after_commit

    if staged is None:
        counted: dict[str, Any] = {}
        change.read.append(lambda new: counted.update(
            figures=graph_stats(new), sources=_source_graphs(new)))
        return lambda store: _keep(path, counted["figures"], counted["sources"])
    if figures is None or sources is None or rebuilt_after_commit(transaction, change):
        return lambda store: _keep(path, graph_stats(store), _source_graphs(store))
    before = _Change(transaction.store, change, staged)
    return lambda store: _keep(
        path, before.apply(figures, store), before.sources(sources, store)
    )


def _source_graphs(store: ox.Store) -> list[tuple[str, str, str]]:
    from pgraph.store.sources import source_graphs

    return source_graphs(store, kept=False)


def _keep(path: Path, figures: dict[str, object], sources: list[tuple[str, str, str]]) -> None:
    marker = read_commit_marker(path)
    if marker is None:
        return
    for name, data in ((SOURCES_FILE, sources), (STATS_FILE, figures)):
        # A shortcut only: without the file, figures are counted.
        with contextlib.suppress(OSError):
            write_json(path / name, {"marker": asdict(marker), "data": data})


_PG = "https://w3id.org/pgraph/ontology#"
_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_CLASSES = {
    ox.NamedNode(f"{_PG}Practice"): "practices",
    ox.NamedNode("http://www.w3.org/ns/org#Organization"): "organisations",
    ox.NamedNode(f"{_PG}GenericPartner"): "generic_partners",
    ox.NamedNode("http://www.w3.org/ns/org#OrganizationalCollaboration"): "partnerships",
    ox.NamedNode("http://www.w3.org/ns/org#Membership"): "memberships",
    ox.NamedNode(f"{_PG}Assessment"): "assessments",
    ox.NamedNode("https://schema.org/Legislation"): "acts",
    ox.NamedNode(f"{_PG}Reference"): "references",
}
_FLAGS = [
    ("unmapped_concepts", ox.NamedNode(f"{_PG}unmapped"), ox.Literal(True)),
    ("unresolved_acts", ox.NamedNode(f"{_PG}unresolved"), ox.Literal(True)),
    ("statutory_memberships", ox.NamedNode("http://www.w3.org/ns/org#role"),
     ox.NamedNode("https://w3id.org/pgraph/vocab/role/statutory-partner")),
]
_COUNTRY = ox.NamedNode(f"{_PG}country")
_SOURCE_FILE = ox.NamedNode(f"{_PG}sourceFile")
_CONTENT_HASH = ox.NamedNode(f"{_PG}contentHash")
_NOTATION = ox.NamedNode("http://www.w3.org/2004/02/skos/core#notation")
_PREF_LABEL = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
_COUNTRY_KEY = "country\t"


class _Change:
    """What a commit may change, and how it stood before: the figures' part of a commit."""

    def __init__(self, store: ox.Store, change, staged: ox.Store) -> None:
        from pgraph.store.terms import to_quad

        quads: set[ox.Quad] = set(staged) | set(change.removed) | set(change.added)
        for graph in change.changed_graphs:
            quads.update(store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))
        if change.provenance is not None:
            graph, triples = change.provenance
            quads.update(to_quad(triple, graph) for triple in triples)
        self.quads = quads
        self.graphs = {q.graph_name for q in quads if not isinstance(q.graph_name, ox.DefaultGraph)}
        # A subject's figures depend on its own statements only, and a practice's
        # country on its concept's notation and labels: a concept described here
        # changes the figures of the practices naming it as their country.
        concepts = {q.subject for q in quads if q.predicate in (_NOTATION, _PREF_LABEL)}
        self.nodes = {q.subject for q in quads} | {
            q.subject for concept in concepts
            for q in store.quads_for_pattern(None, _COUNTRY, concept, None)
        }
        self.stored = {q for q in quads if q in store}
        self.named = {g for g in self.graphs if store.contains_named_graph(g)}
        self.keys = {node: node_keys(store, node) for node in self.nodes}

    def apply(self, previous: dict[str, object], store: ox.Store) -> dict[str, object]:
        """Return ``previous`` figures updated with what the commit changed in ``store``."""
        delta: Counter[str] = Counter()
        for node in self.nodes:
            before, after = self.keys[node], node_keys(store, node)
            delta.update(after - before)
            delta.subtract(before - after)
        delta["triples"] = sum(q in store for q in self.quads) - len(self.stored)
        delta["named_graphs"] = sum(
            bool(store.contains_named_graph(g)) for g in self.graphs) - len(self.named)
        figures = dict(previous)
        countries: Counter[str] = Counter(figures.pop("practices_per_country"))  # type: ignore[arg-type]
        for key, value in delta.items():
            if key.startswith(_COUNTRY_KEY):
                countries[key.removeprefix(_COUNTRY_KEY)] += value
            else:
                figures[key] = int(figures[key]) + value  # type: ignore[call-overload]
        figures["practices_per_country"] = dict(
            sorted(((c, n) for c, n in countries.items() if n > 0), key=lambda c: (-c[1], c[0]))
        )
        return figures


    def sources(self, previous: list, store: ox.Store) -> list[tuple[str, str, str]]:
        """Return the ``previous`` source graphs with those of the graphs changed read again."""
        graphs = {g.value for g in self.graphs}
        rows = [tuple(row) for row in previous if row[0] not in graphs]
        for graph in self.graphs:
            hashes = [q.object.value
                      for q in store.quads_for_pattern(graph, _CONTENT_HASH, None, graph)]
            rows += [(graph.value, q.object.value, content_hash)
                     for q in store.quads_for_pattern(graph, _SOURCE_FILE, None, graph)
                     for content_hash in hashes]
        return sorted(rows)  # type: ignore[arg-type]


def node_keys(store: ox.Store, node) -> set[str]:
    """Return the figures ``node`` counts in: its classes, flags and (a practice's) countries.

    As the queries of :func:`graph_stats` count it, over the union of the graphs.
    """
    keys = {
        name for q in store.quads_for_pattern(node, _TYPE, None, None)
        if (name := _CLASSES.get(q.object)) is not None
    }
    keys.update(name for name, predicate, value in _FLAGS
                if next(iter(store.quads_for_pattern(node, predicate, value, None)), None))
    if "practices" in keys:
        for quad in store.quads_for_pattern(node, _COUNTRY, None, None):
            keys.update(_COUNTRY_KEY + name for name in _country_names(store, quad.object))
    return keys


def _country_names(store: ox.Store, concept) -> Iterable[str]:
    """Return what the per-country count groups a practice under: the notations, else labels."""
    if isinstance(concept, ox.Literal):
        return set()
    codes = {q.object.value for q in store.quads_for_pattern(concept, _NOTATION, None, None)}
    return codes or {
        q.object.value for q in store.quads_for_pattern(concept, _PREF_LABEL, None, None)
        if isinstance(q.object, ox.Literal) and (q.object.language or "en") == "en"
    }
