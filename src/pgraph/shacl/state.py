"""Incremental validation: keep the last results beside the store, check again only what changed.

``STORE.validation.json`` holds, for the last validation, the content hash of
every source graph and every raw result, grouped by focus node (its N-Triples
text: the results of the nodes to check again are dropped without reading the
others, and the file is written in key order by the JSON encoder, not sorted in
Python). The next validation compares the hashes with the store's: nodes of
graphs that changed are validated again (with the SPARQL plan restricted to
them), the other results are kept. A build that replaces or drops graphs notes
beside it, in ``STORE.validation.pending.json`` (:func:`pending_path`; the state
itself is not rewritten), the nodes that are gone with the old content, and the
nodes pointing at a node whose description changed (``ChangeTracker``), since
their checks look one step ahead (the class of a value, its concept scheme).

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
import glob
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.term import Node

from pgraph import __version__
from pgraph.jsonfiles import read_json, write_json
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


def pending_path(path: Path) -> Path:
    """Return where builds note what the next validation must check again, beside the state.

    A build does not rewrite the state (megabytes at 10,000 pages): it adds
    the nodes to check again, or that everything must be, to this small file;
    :func:`load_state` reads both. A validation takes the file aside before it
    checks anything (:func:`_claim_notes`) and removes it once it saved, so
    that what a build notes while it runs is kept for the next one.
    """
    return path.with_name(f"{path.name.removesuffix('.json')}.pending.json")


def load_state(path: Path, pending: dict | None = None) -> dict | None:
    """Return the saved state with what builds noted since (``pending``, else read from
    :func:`pending_path` and the notes a validation took aside), or None when there is
    none (or it cannot be read)."""
    try:
        state = read_json(path)
    except (OSError, ValueError):
        return None
    if not isinstance(state, dict) or state.get("fingerprint") != _fingerprint():
        return None
    if pending is None:
        pending = _union(map(_load_pending, [pending_path(path), *_taken(path)]))
    state.update(_union([state, pending]))
    return state


def _load_pending(notes: Path) -> dict:
    """Return what a notes file says: ``{"dirty": [nodes], "full": bool}``."""
    try:
        pending = read_json(notes)
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        return {"full": True}  # what the builds noted is lost: check everything
    return pending if isinstance(pending, dict) else {"full": True}


def _claim_notes(path: Path) -> tuple[dict, list[Path]]:
    """Take aside what builds noted for the validation state at ``path``; return it merged,
    with the files to remove once the validation is saved.

    The notes file is renamed (at once: a build adding to it finds it or starts a new
    one), so that what a build notes while the validation runs stays for the next.
    Notes taken aside by a validation that stopped before it saved are taken too.
    What a build notes between the opening of the validation's store and this call is
    checked against the store as it was opened: the window is the time it takes to
    compile the shapes and list the source graphs.
    """
    notes = pending_path(path)
    if notes.is_file():
        try:
            os.replace(notes, notes.with_name(f"{notes.name}.{os.getpid()}-{time.time_ns()}.taken"))
        except FileNotFoundError:
            pass  # another validation took them: it checks them too
        except OSError:
            return _load_pending(notes), []  # a read-only folder: read them in place
    elif notes.exists():
        return _load_pending(notes), []  # not a file: unreadable notes, a full run
    taken = _taken(path)
    return _union(map(_load_pending, taken)), taken


def _taken(path: Path) -> list[Path]:
    """The notes files validations took aside and have not removed yet."""
    notes = pending_path(path)
    return sorted(notes.parent.glob(f"{glob.escape(notes.name)}.*.taken"))


def _union(notes: Iterable[dict]) -> dict:
    """What several notes say together: every node to check again, and whether all are.

    Example:
        >>> _union([{"dirty": ["<b>"]}, {"dirty": ["<a>", "<b>"], "full": False}])
        {'dirty': ['<a>', '<b>'], 'full': False}
    """
    dirty: set[str] = set()
    full = False
    for note in notes:
        dirty.update(note.get("dirty", []))
        full = full or bool(note.get("full"))
    return {"dirty": sorted(dirty), "full": full}


def _add_pending(path: Path, *, dirty: Iterable[str] = (), full: bool = False) -> None:
    """Note, for the validation state at ``path``, nodes to check again or a full run."""
    pending = _union([_load_pending(pending_path(path)), {"dirty": dirty, "full": full}])
    try:
        write_json(pending_path(path), pending)
    except OSError:
        # What must be checked again could not be noted: the state must not be trusted.
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)


def validate_incrementally(
    plan: Plan, store: ox.Store, path: Path, *, workers: int | None = None
) -> set[ShaclResult]:
    """Return the results for the whole store, checking again only the nodes of changed graphs."""
    return results_from_rows(validated_rows(plan, store, path, workers=workers))


def validated_rows(
    plan: Plan, store: ox.Store, path: Path, *, workers: int | None = None
) -> dict[str, list[list]]:
    """Return what :func:`validate_incrementally` does as the state keeps it: by focus node
    (N-Triples), a row per result, ``[focus, path, severity, message, value]`` (terms as
    :func:`pgraph.store.term_to_json` writes them)."""
    sources = source_graphs(store)
    graphs = {graph: content_hash for graph, _, content_hash in sources}
    vocabularies = {graph for graph, name, _ in sources if name == VOCABULARIES_SOURCE}
    pending, taken = _claim_notes(path)
    state = load_state(path, pending)
    changed = _changed_graphs(state, graphs, vocabularies)
    if state is None or changed is None:
        rows = _rows(run_plan(plan, store, workers=workers))
    else:
        focus = set(state.get("dirty", []))
        for graph in changed:
            if graph in graphs:
                focus |= graph_nodes(plan, store, graph)
        rows = {node: kept for node, kept in _state_rows(state).items() if node not in focus}
        # Every new result is about a node in ``focus``: none of the rows kept.
        rows.update(_rows(run_plan(plan, store, focus=focus, workers=workers)))
    _save(path, graphs, rows, taken)
    return rows


def results_from_rows(rows: dict[str, list[list]]) -> set[ShaclResult]:
    """Return the results the state's rows hold.

    Thousands of kept results name a few paths and values many times over: each
    distinct term is made once (an rdflib ``Literal`` costs microseconds).

    Example:
        >>> row = [["iri", "https://e.org/p"], "https://e.org/title", "Warning", "missing",
        ...        ["literal", "x", None, None]]
        >>> [r.value for r in results_from_rows({"<https://e.org/p>": [row, row]})]
        [rdflib.term.Literal('x')]
    """
    terms: dict[tuple | None, Node | None] = {}
    paths: dict[str | None, URIRef | None] = {None: None, "": None}

    def term(data: list | None) -> Node | None:
        key = None if data is None else tuple(data)
        if key not in terms:
            terms[key] = term_from_json(data)
        return terms[key]

    def path_of(iri: str | None) -> URIRef | None:
        if iri not in paths:
            paths[iri] = URIRef(iri or "")
        return paths[iri]

    return {
        ShaclResult(term(row[0]), path_of(row[1]), row[2], row[3], term(row[4]))  # type: ignore[arg-type]
        for found in rows.values() for row in found
    }


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
        """Note the nodes to check again beside the state file (if there is one)."""
        if not self.path.exists():
            return
        changed = [s for s, digest in self.before.items() if _description(store, s) != digest]
        dirty = self.old_nodes | set(changed)
        if changed:
            query = f"SELECT DISTINCT ?f WHERE {{ VALUES ?x {{ {' '.join(changed)} }} ?f ?p ?x }}"
            dirty |= {str(row["f"]) for row in store.query(query, use_default_graph_as_union=True)}
        _add_pending(self.path, dirty=dirty)


def _subjects(quads: Iterable[ox.Quad]) -> set[str]:
    return {str(q.subject) for q in quads if isinstance(q.subject, ox.NamedNode)}


def mark_full(path: Path) -> None:
    """Make the next validation a full one (after a build that changed many graphs)."""
    if path.exists():
        _add_pending(path, full=True)


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


def _rows(results: Iterable[ShaclResult]) -> dict[str, list[list]]:
    """Return the results as the state keeps them: JSON rows by focus node, each group sorted."""
    rows: dict[str, list[list]] = {}
    for result in results:
        rows.setdefault(_nt(result.focus), []).append(_result_to_json(result))
    return {node: sorted(found, key=json.dumps) for node, found in rows.items()}


def _state_rows(state: dict) -> dict[str, list[list]]:
    """Return the rows of a saved state by focus node (a list of rows: as written before 0.1)."""
    results = state["results"]
    if isinstance(results, dict):
        return results
    return _rows(map(_result_from_json, results))


def _save(path: Path, graphs: dict[str, str], rows: dict[str, list[list]],
          checked: list[Path]) -> None:
    """Write the state; remove the notes files this validation ``checked``."""
    _write(path, {"fingerprint": _fingerprint(), "graphs": graphs, "results": rows, "dirty": []})
    for notes in checked:
        with contextlib.suppress(OSError):  # a read-only disk: the state is gone too
            notes.unlink(missing_ok=True)


def _write(path: Path, state: dict) -> None:
    try:
        # Keys in order (graphs, focus nodes), by the encoder: the same results, the same file.
        write_json(path, state, sort_keys=True)
    except OSError:
        # The state is a cache: a read-only or full disk must not stop validation. A
        # state that could not be brought up to date must not be trusted next time.
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)


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
