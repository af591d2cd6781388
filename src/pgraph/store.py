"""The embedded Oxigraph store: one named graph per source, each replaced atomically.

A build writes new content into staging graphs first, then swaps all of them
in with one SPARQL Update (``MOVE``), which Oxigraph applies as a single
transaction: a build that dies half-way leaves only staging graphs behind
(removed at the next open), never a half-replaced source. A lock file keeps
two builds from writing at once.

A build that changes many graphs writes a whole new store beside the old one
with the bulk loader (``STORE.new``) and swaps the folders
(``replace_store_folder``): the marker file ``STORE.new.complete`` is the
commit point, and ``open_store`` finishes or discards an interrupted swap.

Example:
    >>> from rdflib import URIRef, Literal
    >>> store = open_store(None)
    >>> g = URIRef("https://example.org/graph/a")
    >>> replace_graphs(store, {g: [(URIRef("https://example.org/s"),
    ...                              URIRef("https://example.org/p"), Literal("o"))]})
    >>> count_triples(store)
    1
"""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from pgraph.errors import StoreError

STAGING_SUFFIX = "#staging"


def open_store(path: Path | None, *, read_only: bool = False) -> ox.Store:
    """Return the store at ``path`` (created if missing), or an in-memory store for None."""
    if path is None:
        return ox.Store()
    if read_only:
        return _open_read_only(path)
    recover_store_folder(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
        store = _open_writable(path)
    except OSError as error:
        raise StoreError(
            f"cannot open the store: {error.strerror or error}",
            path=str(path),
            hint=_hint_for(error),
        ) from error
    _drop_staging_graphs(store)
    return store


WRITER_CLOSE_WAIT = 15.0
"""Seconds to wait for another process to close the store it wrote (a build exiting)."""


def _open_writable(path: Path) -> ox.Store:
    # A build releases its lock when it has written, and closes the store when its
    # process ends: a build queued behind it (--wait) may find it not yet closed.
    deadline = time.monotonic() + WRITER_CLOSE_WAIT
    while True:
        try:
            return ox.Store(str(path))
        except OSError as error:
            if "LOCK" not in str(error):
                raise
            if "by current process" in str(error):
                raise StoreError(
                    "this process has the store open for writing already", path=str(path),
                    hint="drop the other Store object (del store) before opening it again",
                ) from error
            if time.monotonic() > deadline:
                raise StoreError(
                    "another process has the store open for writing", path=str(path),
                    hint="close it (a notebook, a server writing to it?) and run again",
                ) from error
            time.sleep(0.1)


def _open_read_only(path: Path) -> ox.Store:
    if not path.exists():
        if _aside(path, ".new.complete").exists():  # a swap half-done: finish it
            with store_lock(path, wait=True):
                recover_store_folder(path)
        else:
            raise StoreError("no store here yet", path=str(path), hint="run `pgraph build` first")
    try:
        store = ox.Store.read_only(str(path))
    except OSError as error:
        raise StoreError(f"cannot open the store: {error.strerror or error}", path=str(path),
                         hint=_hint_for(error)) from error
    if _aside(path, ".new.complete").exists() or any(
        g.value.endswith(STAGING_SUFFIX) for g in store.named_graphs()
    ):
        # What a killed build left (staging graphs, a committed swap): readers must
        # not see it. Clean up if no build is running and the folder is writable.
        del store
        try:
            with store_lock(path, wait=False):
                writable = open_store(path)
                del writable
        except (StoreError, OSError):
            pass  # a build is running (its staging graphs are its own) or a read-only disk
        store = ox.Store.read_only(str(path))
    return store


def _aside(path: Path, suffix: str) -> Path:
    return path.with_name(f"{path.name}{suffix}")


def new_store_folder(path: Path) -> ox.Store:
    """Return an empty store in ``STORE.new``, beside ``path``, for ``replace_store_folder``."""
    folder = _aside(path, ".new")
    _aside(path, ".new.complete").unlink(missing_ok=True)
    shutil.rmtree(folder, ignore_errors=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    return ox.Store(str(folder))


def replace_store_folder(path: Path) -> None:
    """Swap ``STORE.new`` in for ``path``; the old folder goes. Close both stores first.

    Creating the marker ``STORE.new.complete`` is the commit point: a process
    killed before it leaves the old store (the next ``open_store`` discards
    the new folder), one killed after it leaves the new store (the next
    ``open_store`` finishes the swap).
    """
    marker = _aside(path, ".new.complete")
    with open(marker, "w") as handle:
        handle.flush()
        os.fsync(handle.fileno())
    _fsync_folder(path.parent)
    recover_store_folder(path)


def recover_store_folder(path: Path) -> None:
    """Finish a folder swap that was committed, or discard one that was not."""
    new, old, marker = _aside(path, ".new"), _aside(path, ".old"), _aside(path, ".new.complete")
    if marker.exists():
        if new.exists():
            if path.exists():
                shutil.rmtree(old, ignore_errors=True)
                path.rename(old)
            new.rename(path)
            _fsync_folder(path.parent)
        marker.unlink()
    elif new.exists():
        shutil.rmtree(new, ignore_errors=True)
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)


def _fsync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _hint_for(error: OSError) -> str:
    # Oxigraph's IO errors carry the system's words but no errno.
    text = str(error)
    if error.errno in (errno.EACCES, errno.EROFS, errno.EPERM) or any(
        words in text for words in ("Read-only file system", "Permission denied")
    ):
        return "the folder is not writable; choose another with --store"
    if error.errno == errno.ENOSPC or "No space left on device" in text:
        return "the disk is full; free space or choose another --store"
    return "check the path, or choose another with --store"


@contextmanager
def store_lock(path: Path | None, *, wait: bool = False) -> Iterator[None]:
    """Hold the store's write lock; a second writer waits (``wait``) or gets a clear error."""
    if path is None:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    lock_path = path.parent / f"{path.name}.lock"
    try:
        handle = open(lock_path, "a+")  # noqa: SIM115 - held for the duration of the build
    except OSError as error:
        raise StoreError(f"cannot create the lock file: {error.strerror}", path=str(lock_path),
                         hint=_hint_for(error)) from error
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise StoreError(
                f"another pgraph build ({holder}) is writing to this store",
                path=str(path),
                hint="wait for it to finish, or pass --wait to queue behind it",
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        yield
    finally:
        handle.close()


# ---------------------------------------------------------------- terms


@lru_cache(maxsize=200_000)
def _named_node(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """Return the pyoxigraph term for an rdflib term.

    Example:
        >>> to_oxigraph(Literal("Hallo", lang="de"))
        <Literal value=Hallo language=de>
    """
    if isinstance(term, URIRef):
        return _named_node(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=_named_node(str(term.datatype)))
        return ox.Literal(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def from_oxigraph(term) -> Node:
    """Return the rdflib term for a pyoxigraph term."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def _quads(graph: str, triples: Iterable[tuple[Node, Node, Node]]) -> Iterator[ox.Quad]:
    graph_node = _named_node(graph)
    for s, p, o in triples:
        yield ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), graph_node)


# ---------------------------------------------------------------- graphs


def replace_graphs(
    store: ox.Store,
    graphs: Mapping[URIRef, Iterable[tuple[Node, Node, Node]]],
    *,
    drop: Iterable[URIRef] = (),
) -> None:
    """Replace each named graph's content and drop others, all in one transaction.

    New content goes to staging graphs, then one SPARQL Update moves every
    staging graph onto its target and drops the graphs in ``drop``.
    """
    try:
        store.extend(
            quad
            for graph, triples in graphs.items()
            for quad in _quads(f"{graph}{STAGING_SUFFIX}", triples)
        )
        present = {g.value for g in store.named_graphs()}
        operations = [
            # An empty new content leaves no staging graph: the target is simply dropped.
            f"MOVE SILENT GRAPH <{graph}{STAGING_SUFFIX}> TO GRAPH <{graph}>"
            if f"{graph}{STAGING_SUFFIX}" in present
            else f"DROP SILENT GRAPH <{graph}>"
            for graph in graphs
        ]
        operations += [f"DROP SILENT GRAPH <{graph}>" for graph in drop]
        if operations:
            store.update(" ;\n".join(operations))
    except OSError as error:
        raise StoreError(f"writing to the store failed: {error}", hint=_hint_for(error)) from error


def add_triples(store: ox.Store, graph: URIRef, triples: Iterable[tuple[Node, Node, Node]]) -> None:
    """Add triples to a named graph (one transaction), keeping what it holds."""
    try:
        store.extend(_quads(str(graph), triples))
    except OSError as error:
        raise StoreError(f"writing to the store failed: {error}", hint=_hint_for(error)) from error


def _drop_staging_graphs(store: ox.Store) -> None:
    leftovers = [g for g in store.named_graphs() if g.value.endswith(STAGING_SUFFIX)]
    if leftovers:
        store.update(" ;\n".join(f"DROP SILENT GRAPH <{g.value}>" for g in leftovers))


def graph_triples(store: ox.Store, graph: URIRef) -> list[tuple[Node, Node, Node]]:
    """Return the triples of one named graph as rdflib terms."""
    return [
        (from_oxigraph(q.subject), from_oxigraph(q.predicate), from_oxigraph(q.object))
        for q in store.quads_for_pattern(None, None, None, _named_node(str(graph)))
    ]


def named_graphs(store: ox.Store) -> list[URIRef]:
    """Return the store's named graphs, sorted."""
    return sorted(URIRef(g.value) for g in store.named_graphs())


def count_triples(store: ox.Store, graph: URIRef | None = None) -> int:
    """Return the number of quads in the store, or in one named graph."""
    if graph is None:
        return len(store)
    return sum(1 for _ in store.quads_for_pattern(None, None, None, _named_node(str(graph))))
