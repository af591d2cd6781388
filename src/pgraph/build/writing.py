"""Writing a build's graphs to the store: bulk loads, and one commit point that keeps the old state.

Three ways, chosen by ``choose_writer``:

- ``InPlace`` (an on-disk store with few graphs changing): new content is
  bulk-loaded into staging graphs, then one SPARQL Update moves them onto
  their targets, drops removed graphs and adds the build's provenance — one
  transaction. A build killed before it leaves staging graphs only, dropped
  at the next open.
- ``Aside`` (an empty on-disk store, or many graphs changing): Oxigraph's
  transactions slow down with every graph they touch, so the new state is
  bulk-loaded into a new store folder beside the old one — the unchanged
  graphs copied over, the new ones streamed in as the workers produce them —
  and the folders are swapped (``store.replace_store_folder``).
- ``InMemory``: an in-memory store lives no longer than its process, so new
  graphs are loaded straight in and replaced ones go through staging graphs.

Example:
    >>> import pyoxigraph as ox
    >>> writer = choose_writer(ox.Store(), None, changes=1, stored_graphs=0)
    >>> type(writer).__name__, writer.graph_for("https://example.org/g", exists=True)
    ('InMemory', 'https://example.org/g#staging')
"""

from __future__ import annotations

import gc
import io
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib.term import Node

from pgraph.build.nquads import nquads, ntriples
from pgraph.errors import StoreError
from pgraph.store import (
    STAGING_SUFFIX,
    _hint_for,
    new_store_folder,
    open_store,
    replace_store_folder,
)

Provenance = tuple[str, list[tuple[Node, Node, Node]]]
"""The graph that records builds, and the triples about this build."""


@dataclass
class Commit:
    """What a build's commit does to the store.

    The ``replaced`` graphs take the content written for them, the ``dropped``
    ones go, the ``removed`` quads go and the ``added`` ones come (the
    organisations graph's change), and the ``provenance`` triples are added.
    """

    replaced: list[str]
    dropped: list[str]
    provenance: Provenance
    removed: list[ox.Quad] = field(default_factory=list)
    added: list[ox.Quad] = field(default_factory=list)


IN_PLACE_LIMIT = 200
"""Most graphs an in-place build adds, replaces or drops; more go through a new folder."""


class _Stream(io.RawIOBase):
    """A binary file pulled from an iterator of byte chunks, for the bulk loader."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self.chunks = chunks
        self.buffer = b""

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:
        while not self.buffer:
            chunk = next(self.chunks, None)
            if chunk is None:
                return 0
            self.buffer = chunk
        size = min(len(target), len(self.buffer))
        target[:size] = self.buffer[:size]
        self.buffer = self.buffer[size:]
        return size


def bulk_load(store: ox.Store, chunks: Iterable[bytes]) -> None:
    """Bulk-load N-Quads chunks as they come, without holding them all in memory."""
    try:
        store.bulk_load(
            io.BufferedReader(_Stream(iter(chunks)), 1 << 20), format=ox.RdfFormat.N_QUADS
        )
    except OSError as error:
        raise StoreError(f"writing to the store failed: {error}", hint=_hint_for(error)) from error


class _Writer(ABC):
    store: ox.Store

    def graph_for(self, graph: str, *, exists: bool) -> str:
        """Return the graph name a worker writes ``graph``'s new content to."""
        return graph

    def write(self, chunks: Iterable[bytes]) -> None:
        bulk_load(self.store, chunks)

    @abstractmethod
    def commit(self, change: Commit) -> ox.Store:
        """Make the written graphs the store's state; return the store to use from now on."""

    @abstractmethod
    def abort(self) -> None:
        """Forget what was written (the store keeps its previous state)."""


class InPlace(_Writer):
    """Staging graphs, then one transaction: for few changes to an on-disk store."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store

    def graph_for(self, graph: str, *, exists: bool) -> str:
        return f"{graph}{STAGING_SUFFIX}"

    def write(self, chunks: Iterable[bytes]) -> None:
        # Few graphs by construction: one transactional load is cheaper than a bulk load's files.
        data = b"".join(chunks)
        if data:
            try:
                self.store.load(data, format=ox.RdfFormat.N_QUADS)
            except OSError as error:
                raise StoreError(
                    f"writing to the store failed: {error}", hint=_hint_for(error)
                ) from error

    def commit(self, change: Commit) -> ox.Store:
        return _commit_in_one_update(self.store, change)

    def abort(self) -> None:
        _drop_staging(self.store)


class InMemory(_Writer):
    """New graphs straight in, replaced ones through staging graphs: for in-memory stores."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store

    def graph_for(self, graph: str, *, exists: bool) -> str:
        return f"{graph}{STAGING_SUFFIX}" if exists else graph

    def commit(self, change: Commit) -> ox.Store:
        return _commit_in_one_update(self.store, change)

    def abort(self) -> None:
        _drop_staging(self.store)


class Aside(_Writer):
    """A whole new store folder, swapped in at the end: for first builds and large changes."""

    def __init__(self, old: ox.Store, path: Path) -> None:
        self.old, self.path = old, path
        self.store = new_store_folder(path)

    def commit(self, change: Commit) -> ox.Store:
        skip = {ox.NamedNode(g) for g in [*change.replaced, *change.dropped]}
        kept = (quad for quad in self.old if quad.graph_name not in skip)
        try:
            self.store.bulk_extend(kept)
            for quad in change.removed:
                self.store.remove(quad)
            self.store.bulk_extend(change.added)
            graph, triples = change.provenance
            bulk_load(self.store, [nquads(triples, graph).encode()])
            self.store.flush()
        except OSError as error:
            raise StoreError(
                f"writing to the store failed: {error}", hint=_hint_for(error)
            ) from error
        # Both stores must be closed (their last reference dropped) before the folders move.
        del self.store, self.old
        gc.collect()
        replace_store_folder(self.path)
        return open_store(self.path)

    def abort(self) -> None:
        self.store = None  # type: ignore[assignment]
        gc.collect()
        # The unfinished folder has no commit marker: the next open_store removes it.


def choose_writer(
    store: ox.Store, path: Path | None, *, changes: int, stored_graphs: int
) -> _Writer:
    """Return the writer for a build changing ``changes`` graphs of a store of ``stored_graphs``."""
    if path is None:
        return InMemory(store)
    if stored_graphs == 0 or changes > IN_PLACE_LIMIT:
        return Aside(store, path)
    return InPlace(store)


def _update(store: ox.Store, operations: list[str]) -> None:
    if not operations:
        return
    try:
        store.update(" ;\n".join(operations))
    except OSError as error:
        raise StoreError(f"writing to the store failed: {error}", hint=_hint_for(error)) from error


def _commit_in_one_update(store: ox.Store, change: Commit) -> ox.Store:
    """Move the staging graphs onto their targets, drop, patch and record: one transaction."""
    present = {g.value for g in store.named_graphs()}
    # A graph without a staging copy was written in place (a new graph of an in-memory store).
    operations = [
        f"MOVE SILENT GRAPH <{graph}{STAGING_SUFFIX}> TO GRAPH <{graph}>"
        for graph in change.replaced
        if f"{graph}{STAGING_SUFFIX}" in present
    ]
    # A file renamed to a name with the same graph ("My Page.txt" → "my-page.txt")
    # is both replaced and dropped: the new content wins.
    operations += [
        f"DROP SILENT GRAPH <{graph}>"
        for graph in change.dropped
        if graph not in set(change.replaced)
    ]
    if change.removed:
        operations.append(f"DELETE DATA {{\n{_quad_data(change.removed)}}}")
    if change.added:
        operations.append(f"INSERT DATA {{\n{_quad_data(change.added)}}}")
    graph, triples = change.provenance
    if triples:
        operations.append(f"INSERT DATA {{ GRAPH <{graph}> {{\n{ntriples(triples)}}} }}")
    _update(store, operations)
    return store


def _quad_data(quads: Iterable[ox.Quad]) -> str:
    """Return quads as the body of a SPARQL ``INSERT DATA`` or ``DELETE DATA``."""
    return "".join(
        f"GRAPH {q.graph_name} {{ {q.subject} {q.predicate} {q.object} }}\n" for q in quads
    )


def _drop_staging(store: ox.Store) -> None:
    leftovers = [g.value for g in store.named_graphs() if g.value.endswith(STAGING_SUFFIX)]
    _update(store, [f"DROP SILENT GRAPH <{g}>" for g in leftovers])
