"""Incremental validation: keep the last results beside the store, check again only what changed.

``STORE.validation.json`` holds, for the last validation, the content hash of
every source graph and every raw result. The next validation compares the
hashes with the store's: nodes of graphs that changed are validated again
(with the SPARQL plan restricted to them), the other results are kept. A
build that replaces or drops graphs adds to the file the nodes that are gone
with the old content, and the nodes pointing at a node whose description
changed (``ChangeTracker``), since their checks look one step ahead (the
class of a value, its concept scheme).

Anything that changes how every node is judged — the shapes, pgraph's
version, the vocabularies — or a change to many graphs means a full run.

Example:
    >>> import tempfile
    >>> from pathlib import Path
    >>> load_state(Path(tempfile.mkdtemp()) / "none.json") is None
    True
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.term import Node

from pgraph import __version__
from pgraph.resources import ontology_dir
from pgraph.shacl.engine import ShaclResult, run_plan
from pgraph.shacl.plan import Plan
from pgraph.store import (
    Commit,
    Store,
    Transaction,
    term_from_json,
    term_to_json,
    to_oxigraph,
)
from pgraph.store.sources import source_graphs
from pgraph.vocab import VOCABULARIES_SOURCE

FULL_RUN_SHARE = 0.2
"""When more than this share of the graphs changed, validating everything is cheaper."""


def state_path(store_path: Path) -> Path:
    """Return where the validation state of the store at ``store_path`` lives."""
    return store_path.with_name(f"{store_path.name}.validation.json")


def load_state(path: Path) -> dict | None:
    """Return the saved state, or None when there is none (or it cannot be read)."""
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) and state.get("fingerprint") == _fingerprint() else None


def validate_incrementally(
    plan: Plan, store: ox.Store, path: Path, *, workers: int | None = None
) -> set[ShaclResult]:
    """Return the results for the whole store, checking again only the nodes of changed graphs."""
    rows = source_graphs(store)
    graphs = {graph: content_hash for graph, _, content_hash in rows}
    vocabularies = {graph for graph, name, _ in rows if name == VOCABULARIES_SOURCE}
    state = load_state(path)
    changed = _changed_graphs(state, graphs, vocabularies)
    if state is None or changed is None:
        results = run_plan(plan, store, workers=workers)
    else:
        focus = set(state.get("dirty", []))
        for graph in changed:
            if graph in graphs:
                focus |= graph_nodes(plan, store, graph)
        kept = {r for r in map(_result_from_json, state["results"]) if _nt(r.focus) not in focus}
        results = kept | run_plan(plan, store, focus=focus, workers=workers)
    _save(path, graphs, results)
    return results


def _changed_graphs(
    state: dict | None, graphs: dict[str, str], vocabularies: set[str]
) -> set[str] | None:
    """Return the graphs changed since ``state``, or None when everything must be checked."""
    if state is None or state.get("full"):
        return None
    before: dict[str, str] = state["graphs"]
    changed = {g for g, h in graphs.items() if before.get(g) != h} | (before.keys() - graphs.keys())
    if changed & vocabularies or len(changed) > FULL_RUN_SHARE * max(len(graphs), 1):
        return None
    return changed


def graph_nodes(plan: Plan, store: ox.Store, graph: str) -> set[str]:
    """Return the nodes of a named graph that may be focus nodes (as N-Triples terms)."""
    literal_targets = {str(p) for shape in plan.shapes for p in shape.target_objects_of}
    nodes: set[str] = set()
    for quad in store.quads_for_pattern(None, None, None, ox.NamedNode(graph)):
        nodes.add(str(quad.subject))
        if not isinstance(quad.object, ox.Literal) or quad.predicate.value in literal_targets:
            nodes.add(str(quad.object))
    return nodes


def track_commit(transaction: Transaction, change: Commit) -> Callable[[Store], None] | None:
    """The commit watcher of incremental validation (registered in ``pgraph/__init__.py``).

    Before a build's commit to a store that has a validation state, note what
    the next validation must check again; a commit that rewrites the whole
    store makes the next validation a full one.
    """
    if transaction.path is None or not state_path(transaction.path).exists():
        return None
    from pgraph.validate import compiled_plan

    plan = compiled_plan()
    staged = transaction.staged
    if plan is None or staged is None:
        mark_full(state_path(transaction.path))
        return None
    # No shape reads provenance (tests/test_incremental.py checks shapes.ttl): an earlier
    # build that no longer generated a replaced graph must not send every graph it did
    # generate back to validation.
    builds = change.provenance[0] if change.provenance else None
    described = {
        str(q.subject) for q in [*change.removed, *change.added] if q.graph_name.value != builds
    }
    tracker = ChangeTracker(
        plan, transaction.store, state_path(transaction.path), change.changed_graphs, staged,
        described,
    )
    return tracker.finish


class ChangeTracker:
    """Notes, around a build's commit, the nodes whose results the next validation must renew."""

    def __init__(
        self,
        plan: Plan,
        store: ox.Store | Store,
        path: Path,
        graphs: Iterable[str],
        staged: ox.Store,
        described: Iterable[str] = (),
    ) -> None:
        """Note the nodes of the ``graphs`` being replaced, and the descriptions before the
        commit of the subjects of those, of the ``staged`` content and ``described``
        (N-Triples terms)."""
        self.plan, self.path = plan, path
        self.old_nodes: set[str] = set()
        subjects = set(described)
        for graph in graphs:
            self.old_nodes |= graph_nodes(plan, store, graph)
            subjects |= _subjects(store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))
        subjects |= _subjects(staged)
        self.before = {s: _description(store, s) for s in subjects}

    def finish(self, store: ox.Store | Store) -> None:
        """Add the nodes to check again to the state file (if there is one)."""
        state = load_state(self.path)
        if state is None:
            return
        changed = [s for s, digest in self.before.items() if _description(store, s) != digest]
        dirty = set(state.get("dirty", [])) | self.old_nodes | set(changed)
        if changed:
            query = f"SELECT DISTINCT ?f WHERE {{ VALUES ?x {{ {' '.join(changed)} }} ?f ?p ?x }}"
            dirty |= {str(row["f"]) for row in store.query(query, use_default_graph_as_union=True)}
        state["dirty"] = sorted(dirty)
        _write(self.path, state)


def _subjects(quads: Iterable[ox.Quad]) -> set[str]:
    return {str(q.subject) for q in quads if isinstance(q.subject, ox.NamedNode)}


def mark_full(path: Path) -> None:
    """Make the next validation a full one (after a build that changed many graphs)."""
    state = load_state(path)
    if state is not None:
        state["full"] = True
        _write(path, state)


def _description(store: ox.Store, subject: str) -> str:
    triples = {
        f"{q.predicate} {q.object}"
        for q in store.quads_for_pattern(ox.NamedNode(subject[1:-1]), None, None, None)
    }
    return hashlib.sha256("\n".join(sorted(triples)).encode()).hexdigest()


def _fingerprint() -> str:
    digest = hashlib.sha256(f"{__version__}\n".encode())
    digest.update((ontology_dir() / "shapes.ttl").read_bytes())
    return digest.hexdigest()


def _save(path: Path, graphs: dict[str, str], results: set[ShaclResult]) -> None:
    _write(
        path,
        {
            "fingerprint": _fingerprint(),
            "graphs": graphs,
            "results": sorted((_result_to_json(r) for r in results), key=json.dumps),
            "dirty": [],
        },
    )


def _write(path: Path, state: dict) -> None:
    temporary = path.with_name(f"{path.name}.tmp")
    try:
        temporary.write_text(json.dumps(state), encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        # The state is a cache: a read-only or full disk must not stop validation. A
        # state that could not be brought up to date must not be trusted next time.
        for leftover in (temporary, path):
            with contextlib.suppress(OSError):
                leftover.unlink(missing_ok=True)


def _nt(node: Node) -> str:
    return str(to_oxigraph(node))


def _result_to_json(result: ShaclResult) -> list:
    return [
        term_to_json(result.focus),
        str(result.path) if result.path else None,
        result.severity,
        result.message,
        term_to_json(result.value),
    ]


def _result_from_json(data: list) -> ShaclResult:
    return ShaclResult(
        term_from_json(data[0]),
        URIRef(data[1]) if data[1] else None,  # type: ignore[arg-type]
        data[2],
        data[3],
        term_from_json(data[4]),
    )
