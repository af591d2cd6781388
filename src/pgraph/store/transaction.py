"""The transaction protocol: new content is staged, then committed at one point, or dropped.

Readers see only committed builds: nothing a build writes is in the store a
reader opens until the commit point, and then all of it is.

Three ways, chosen by :func:`begin` from the size of the change:

- :class:`Staged` (few graphs changing): new content is loaded into a
  staging store in memory, beside the live one; the commit is one SPARQL
  Update on the live store — drop the replaced and removed graphs, insert
  the new content, patch the organisations graph, record the build — which
  Oxigraph applies as one transaction.
- :class:`Aside` (an empty on-disk store, or many graphs changing):
  Oxigraph's transactions slow down with every graph they touch, so the new
  state is bulk-loaded into a new store folder beside the old one (the
  unchanged graphs copied over, the new ones streamed in as they come) and
  the folders are swapped; creating ``STORE.new.complete`` is the commit
  point (``pgraph.store.recovery``).
- :class:`Direct` (an empty in-memory store): nothing can read it before the
  build returns, so the content goes straight in.

Each commit writes the commit marker ``pgraph-commit.json`` in the store's
folder (``pgraph.store.location.read_commit_marker``): after the update, or
into the new folder before it is swapped in. Then the *commit watchers*
registered with :func:`register_commit_watcher` are told: each is called
before the commit with the transaction and the change (the live store still
holds the old state, :attr:`Transaction.staged` the new content), and may
return a function the transaction calls with the store after the commit.
Incremental validation is one (``pgraph.shacl.state.track_commit``).

Example:
    >>> from rdflib import Literal, URIRef
    >>> from pgraph.store import open_store
    >>> store = open_store(None)
    >>> g = "https://example.org/graph/a"
    >>> transaction = begin(store, changes=1, stored_graphs=1)
    >>> transaction.write([nquads([(URIRef("https://example.org/s"),
    ...     URIRef("https://example.org/p"), Literal("o"))], g).encode()])
    >>> len(store)  # staged, not committed: a reader sees nothing yet
    0
    >>> _ = transaction.commit(Commit(replaced=[g], dropped=[]))
    >>> len(store)
    1
"""

from __future__ import annotations

import datetime as dt
import importlib
import io
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.term import Node

from pgraph.errors import StoreError
from pgraph.store.location import (
    CommitMarker,
    aside,
    committed_generation,
    write_commit_marker,
)
from pgraph.store.opening import Store, hint_for
from pgraph.store.recovery import new_store_folder, replace_store_folder
from pgraph.store.terms import nquads, ntriples

Triple = tuple[Node, Node, Node]

IN_PLACE_LIMIT = 200
"""Most graphs a staged commit adds, replaces or drops; more go through a new folder."""


@dataclass
class Commit:
    """What a commit does to the store.

    The ``replaced`` graphs take the content written for them (none written:
    the graph goes), the ``dropped`` ones go, the ``removed`` quads go and the
    ``added`` ones come (the change to the shared graphs: organisations,
    unresolved values), and the ``provenance`` triples are added to their
    graph. ``build`` names the build in the commit marker. A commit watcher
    may add to ``removed`` and ``added``, and to ``complete``: functions called
    with a new store folder once it holds the new state, before it is swapped
    in (so that what they write is committed with the rest); and to ``read``:
    functions that only read that final state, called while the folder is
    compacted (on another core).
    """

    replaced: list[str]
    dropped: list[str]
    provenance: tuple[str, Sequence[Triple]] | None = None
    removed: list[ox.Quad] = field(default_factory=list)
    added: list[ox.Quad] = field(default_factory=list)
    build: str = ""
    complete: list[Callable[[ox.Store], None]] = field(default_factory=list)
    read: list[Callable[[ox.Store], None]] = field(default_factory=list)

    @property
    def changed_graphs(self) -> list[str]:
        return [*self.replaced, *(g for g in self.dropped if g not in set(self.replaced))]


# ---------------------------------------------------------------- watchers

CommitWatcher = Callable[["Transaction", Commit], Callable[[Store], None] | None]

_WATCHERS: dict[str, CommitWatcher | str] = {}


def register_commit_watcher(name: str, watcher: CommitWatcher | str) -> None:
    """Have ``watcher`` told of every commit (a function, or ``"module:function"``).

    Example:
        >>> register_commit_watcher("example", lambda transaction, change: None)
        >>> "example" in commit_watchers(); unregister_commit_watcher("example")
        True
    """
    _WATCHERS[name] = watcher


def unregister_commit_watcher(name: str) -> None:
    """Stop telling the watcher registered as ``name``."""
    _WATCHERS.pop(name, None)


def commit_watchers() -> dict[str, CommitWatcher]:
    """Return the registered watchers by name, loading those registered by module path."""
    for name, watcher in list(_WATCHERS.items()):
        if isinstance(watcher, str):
            module, _, function = watcher.partition(":")
            _WATCHERS[name] = getattr(importlib.import_module(module), function)
    return dict(_WATCHERS)  # type: ignore[arg-type]


# ---------------------------------------------------------------- transactions


class Transaction(ABC):
    """One build's write to the store: ``write`` new content, then ``commit`` or ``abort``."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.path: Path | None = store.path

    @property
    def staged(self) -> ox.Store | None:
        """The new content, apart from the live store (None: a whole new store is written)."""
        return None

    @abstractmethod
    def write(self, chunks: Iterable[bytes]) -> None:
        """Stage N-Quads chunks (each graph's whole new content, in its final graph name)."""

    def commit(self, change: Commit) -> Store:
        """Make the written content the store's state at one point; return the store."""
        then = [
            after for watcher in commit_watchers().values()
            if (after := watcher(self, change)) is not None
        ]
        marker = None
        if self.path is not None:
            marker = CommitMarker(
                generation=committed_generation(self.path) + 1,
                build=change.build,
                committed=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                changed_graphs=len(change.changed_graphs),
                # This store was opened for writing, which drops staging graphs of old builds.
                staging_checked=True,
            )
        self._commit(change, marker)
        for after in then:
            after(self.store)
        return self.store

    @abstractmethod
    def _commit(self, change: Commit, marker: CommitMarker | None) -> None:
        """Commit, and write ``marker`` into the committed folder (None: in memory)."""

    @abstractmethod
    def abort(self) -> None:
        """Forget what was written (the store keeps its previous state)."""


class Staged(Transaction):
    """New content in a staging store in memory, then one SPARQL Update: for few changes."""

    def __init__(self, store: Store) -> None:
        super().__init__(store)
        self._staged: ox.Store | None = ox.Store()

    @property
    def staged(self) -> ox.Store | None:
        return self._staged

    def write(self, chunks: Iterable[bytes]) -> None:
        assert self._staged is not None, "the transaction is over"
        for chunk in chunks:
            self._staged.load(chunk, format=ox.RdfFormat.N_QUADS)

    def _commit(self, change: Commit, marker: CommitMarker | None) -> None:
        assert self._staged is not None, "the transaction is over"
        commit_in_one_update(self.store, change, self._staged)
        self._staged = None
        if marker is not None and self.path is not None:
            write_commit_marker(self.path, marker)

    def abort(self) -> None:
        self._staged = None


class Direct(Transaction):
    """New content straight into an empty in-memory store (nothing reads it before the commit)."""

    def write(self, chunks: Iterable[bytes]) -> None:
        bulk_load(self.store, chunks)

    def _commit(self, change: Commit, marker: CommitMarker | None) -> None:
        commit_in_one_update(self.store, change, None)

    def abort(self) -> None:
        self.store.clear()


class Aside(Transaction):
    """A whole new store folder, swapped in at the commit: for first builds and large changes."""

    def __init__(self, store: Store) -> None:
        super().__init__(store)
        assert self.path is not None, "an in-memory store has no folder to write beside"
        self.new: ox.Store | None = new_store_folder(self.path)

    def write(self, chunks: Iterable[bytes]) -> None:
        assert self.new is not None, "the transaction is over"
        bulk_load(self.new, chunks)

    def _commit(self, change: Commit, marker: CommitMarker | None) -> None:
        assert self.new is not None and self.path is not None, "the transaction is over"
        _copy_unchanged(self.store, self.new, change)
        # Both stores close (the handle's and this one, the last references) before
        # the folders move; the handle then opens the new folder.
        self.store.close()
        self.new = None
        if marker is not None:
            write_commit_marker(aside(self.path, ".new"), marker)
        replace_store_folder(self.path)
        self.store.reopen()

    def abort(self) -> None:
        self.new = None  # closed; without a commit marker, the next open removes the folder


def _copy_unchanged(old: Store, new: ox.Store, change: Commit) -> None:
    skip = {ox.NamedNode(g) for g in change.changed_graphs}
    try:
        new.bulk_extend(quad for quad in old if quad.graph_name not in skip)
        for quad in change.removed:
            new.remove(quad)
        new.bulk_extend(change.added)
        if change.provenance is not None:
            graph, triples = change.provenance
            bulk_load(new, [nquads(triples, graph).encode()])
        for complete in change.complete:  # e.g. the derived graph, from the whole new state
            complete(new)
        new.flush()
        # A bulk load leaves many overlapping files; compacting them once, after the last
        # write, makes every later read faster (bench/RESULTS.md, "Speed, round eight").
        # Oxigraph compacts without Python's lock: what only reads runs meanwhile.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="pgraph-compact") as pool:
            compacted = pool.submit(new.optimize)
            for read in change.read:
                read(new)
            compacted.result()
    except OSError as error:
        raise StoreError(f"writing to the store failed: {error}", hint=hint_for(error)) from error


def begin(store: Store | ox.Store, *, changes: int, stored_graphs: int) -> Transaction:
    """Return the transaction for ``changes`` graphs changing in a store of ``stored_graphs``.

    A pyoxigraph store given as such is written as an in-memory one (staged, one update).
    """
    if isinstance(store, ox.Store):
        store = Store(store)
    if store.path is None:
        return Direct(store) if stored_graphs == 0 and len(store) == 0 else Staged(store)
    if stored_graphs == 0 or changes > IN_PLACE_LIMIT:
        return Aside(store)
    return Staged(store)


def replace_graphs(
    store: Store | ox.Store,
    graphs: Mapping[URIRef | str, Iterable[Triple]],
    *,
    drop: Iterable[URIRef | str] = (),
) -> None:
    """Replace each named graph's content and drop others, through the build's commit.

    For scripts and tests: the same transaction a build uses (:func:`begin`,
    then one commit), so the store is never seen half-written.

    Example:
        >>> from rdflib import Literal, URIRef
        >>> from pgraph.store import open_store
        >>> store = open_store(None)
        >>> replace_graphs(store, {URIRef("https://example.org/graph/a"): [(URIRef(
        ...     "https://example.org/s"), URIRef("https://example.org/p"), Literal("o"))]})
        >>> len(store)
        1
    """
    names = [str(graph) for graph in graphs]
    stored = sum(1 for _ in store.named_graphs())
    transaction = begin(store, changes=len(names), stored_graphs=stored)
    try:
        transaction.write(nquads(triples, str(graph)).encode() for graph, triples in graphs.items())
        transaction.commit(Commit(replaced=names, dropped=[str(g) for g in drop]))
    except BaseException:
        transaction.abort()
        raise


# ---------------------------------------------------------------- writing helpers


class _Stream(io.RawIOBase):
    """A binary file pulled from an iterator of byte chunks, for the bulk loader."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self.chunks = chunks
        self.buffer = memoryview(b"")  # a view: taking its head copies nothing of the rest

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:
        while not self.buffer:
            chunk = next(self.chunks, None)
            if chunk is None:
                return 0
            self.buffer = memoryview(chunk)
        size = min(len(target), len(self.buffer))
        target[:size] = self.buffer[:size]
        self.buffer = self.buffer[size:]
        return size


def bulk_load(store: Store | ox.Store, chunks: Iterable[bytes]) -> None:
    """Bulk-load N-Quads chunks as they come, without holding them all in memory."""
    try:
        store.bulk_load(
            io.BufferedReader(_Stream(iter(chunks)), 1 << 20), format=ox.RdfFormat.N_QUADS
        )
    except OSError as error:
        raise StoreError(f"writing to the store failed: {error}", hint=hint_for(error)) from error


def update(store: Store, operations: list[str]) -> None:
    """Apply SPARQL Update operations as one transaction."""
    if not operations:
        return
    try:
        store.update(" ;\n".join(operations))
    except OSError as error:
        raise StoreError(f"writing to the store failed: {error}", hint=hint_for(error)) from error


def commit_in_one_update(store: Store, change: Commit, staged: ox.Store | None) -> None:
    """Drop, patch, insert the staged content and record the build: one SPARQL Update."""
    # A file renamed to a name with the same graph ("My Page.txt" → "my-page.txt")
    # is both replaced and dropped: the new content wins. Graphs written straight
    # into the store (no ``staged``) are not dropped.
    dropped = change.changed_graphs if staged is not None else change.dropped
    operations = [f"DROP SILENT GRAPH <{graph}>" for graph in dropped
                  if staged is not None or graph not in set(change.replaced)]
    # The new content goes in before the patches, as in the other transactions: a
    # patch may change a graph just read (a membership naming a partner by an
    # acronym that another page defines, pgraph.build.organisations).
    if staged is not None and len(staged):
        operations.append(f"INSERT DATA {{\n{_quad_data(staged)}}}")
    if change.removed:
        operations.append(f"DELETE DATA {{\n{_quad_data(change.removed)}}}")
    if change.added:
        operations.append(f"INSERT DATA {{\n{_quad_data(change.added)}}}")
    if change.provenance is not None and change.provenance[1]:
        graph, triples = change.provenance
        operations.append(f"INSERT DATA {{ GRAPH <{graph}> {{\n{ntriples(triples)}}} }}")
    update(store, operations)


def _quad_data(quads: Iterable[ox.Quad]) -> str:
    """Return quads as the body of a SPARQL ``INSERT DATA`` or ``DELETE DATA``."""
    return "".join(
        f"GRAPH {q.graph_name} {{ {q.subject} {q.predicate} {q.object} }}\n" for q in quads
    )
