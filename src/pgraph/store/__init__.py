"""The Oxigraph store: where it is, opening and locking it, its transactions, and RDF terms.

One named graph per source, each replaced atomically. This package owns
everything about the store's lifetime; the rest of pgraph asks it:

- **Where, and is there one** (``location``): :func:`store_location` (the
  ``--store`` option, else ``PGRAPH_STORE``, else ``.pgraph/store``) and
  :func:`require_store` — the same answer and message for every command.
- **Opening** (``opening``): :func:`reading` and :func:`writing` are context
  managers that close the store when the block ends (:class:`Store`
  drops pyoxigraph's last reference in ``close()``); ``writing`` holds the
  write lock ``STORE.lock`` (:func:`store_lock`) and finishes or discards what
  an interrupted build left (``recovery``). :func:`open_store` opens without
  closing (notebooks, doctests; ``None`` is an in-memory store).
- **Transactions** (``transaction``): :func:`begin` a transaction, ``write``
  N-Quads chunks, ``commit`` a :class:`Commit` — or ``abort``. Readers see
  only committed builds: a reader opened at any moment of a build sees the
  earlier build or the new one, never staged content or half a source.
  :func:`replace_graphs` is that same path for scripts and tests.
- **The committed build** (``location``): every commit writes the marker
  ``STORE/pgraph-commit.json`` (JSON: ``generation``, ``build``, ``committed``,
  ``changed_graphs``, ``staging_checked``) atomically, with the commit (in the new folder before a
  swap, or right after the one update).
  :func:`committed_generation` returns its ``generation``: 0 before the first
  build, one more at each. A server following the store polls it and reopens
  read-only when it grows; the new build is then entirely visible.
- **Snapshots** (``snapshot``): a private copy of the committed store (hard
  links) for readers that outlive a build (``pgraph serve``).
- **Commit watchers**: code that must know what a commit changes registers
  with :func:`register_commit_watcher` (incremental validation does) instead
  of the build calling it.
- **Terms** (``terms``): the one conversion between pyoxigraph terms, rdflib
  terms, N-Triples/N-Quads text and JSON.

Example:
    >>> import tempfile
    >>> from pathlib import Path
    >>> from rdflib import URIRef, Literal
    >>> path = Path(tempfile.mkdtemp()) / "store"
    >>> with writing(path) as store:
    ...     replace_graphs(store, {URIRef("https://example.org/graph/a"): [
    ...         (URIRef("https://example.org/s"), URIRef("https://example.org/p"), Literal("o"))]})
    >>> committed_generation(path)
    1
    >>> with reading(path) as store:
    ...     [str(g) for g in named_graphs(store)], count_triples(store)
    (['https://example.org/graph/a'], 1)
"""

from __future__ import annotations

from rdflib import URIRef

from pgraph.store.location import (
    DEFAULT_STORE,
    CommitMarker,
    committed_generation,
    read_commit_marker,
    require_store,
    store_exists,
    store_location,
)
from pgraph.store.opening import (
    Store,
    is_store,
    open_store,
    oxigraph_store,
    reading,
    store_lock,
    writing,
)
from pgraph.store.recovery import LEGACY_STAGING_SUFFIX as STAGING_SUFFIX
from pgraph.store.recovery import recover_store_folder
from pgraph.store.terms import (
    TermConverter,
    from_oxigraph,
    nquads,
    ntriples,
    read_turtle,
    term_from_json,
    term_to_json,
    to_ntriples,
    to_oxigraph,
    to_quad,
    to_sparql,
)
from pgraph.store.transaction import (
    Commit,
    Transaction,
    begin,
    register_commit_watcher,
    replace_graphs,
    unregister_commit_watcher,
)

__all__ = [
    "DEFAULT_STORE",
    "STAGING_SUFFIX",
    "Commit",
    "CommitMarker",
    "Store",
    "TermConverter",
    "Transaction",
    "begin",
    "committed_generation",
    "count_triples",
    "from_oxigraph",
    "is_store",
    "named_graphs",
    "nquads",
    "ntriples",
    "open_store",
    "oxigraph_store",
    "read_commit_marker",
    "read_turtle",
    "reading",
    "recover_store_folder",
    "register_commit_watcher",
    "replace_graphs",
    "require_store",
    "store_exists",
    "store_location",
    "store_lock",
    "term_from_json",
    "term_to_json",
    "to_ntriples",
    "to_oxigraph",
    "to_quad",
    "to_sparql",
    "unregister_commit_watcher",
    "writing",
]


def named_graphs(store: Store) -> list[URIRef]:
    """Return the store's named graphs, sorted."""
    return sorted(URIRef(g.value) for g in store.named_graphs())


def count_triples(store: Store, graph: URIRef | None = None) -> int:
    """Return the number of quads in the store, or in one named graph."""
    if graph is None:
        return len(store)
    from pgraph.store.terms import named_node

    return sum(1 for _ in store.quads_for_pattern(None, None, None, named_node(str(graph))))
