"""Opening the store: the write lock, recovery of an interrupted build, and a closable handle.

pyoxigraph closes a RocksDB store when its last Python reference goes, so
"closed" used to mean "every ``del`` done and the garbage collected". A
:class:`Store` holds the one reference to the pyoxigraph store and drops it
in :meth:`Store.close` (at the end of its ``with`` block): the store closes
then, whatever frames or tracebacks still hold the handle.

Example:
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "store"
    >>> with writing(path) as store:
    ...     store.update("INSERT DATA { GRAPH <https://e.org/g> { <https://e.org/s> "
    ...                  "<https://e.org/p> 1 } }")
    >>> store.closed
    True
    >>> with reading(path) as store:
    ...     len(store)
    1
"""

from __future__ import annotations

import errno
import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from pgraph.errors import StoreError
from pgraph.store.location import (
    aside,
    commit_marker_path,
    require_store,
    staging_checked,
    store_location,
)
from pgraph.store.recovery import LEGACY_STAGING_SUFFIX, recover_store_folder

if TYPE_CHECKING:  # to type checkers a handle is a pyoxigraph Store: it forwards all of it
    _StoreBase = ox.Store
else:
    _StoreBase = object


class Store(_StoreBase):  # type: ignore[misc]  # final to mypy; not subclassed at run time
    """An open Oxigraph store: a pyoxigraph ``Store`` that closes when its block ends.

    Everything a pyoxigraph store does (``query``, ``update``, ``quads_for_pattern``,
    iteration, ``len``) is done through the handle; :attr:`oxigraph` is the
    pyoxigraph store itself, for code that needs the exact type.

    Example:
        >>> with Store(ox.Store()) as store:
        ...     store.update("INSERT DATA { <https://e.org/s> <https://e.org/p> 1 }")
        ...     len(store)
        1
    """

    def __init__(self, inner: ox.Store, path: Path | None = None, *, read_only: bool = False):
        self._inner: ox.Store | None = inner
        self.path = path
        self.opened_read_only = read_only

    @property
    def oxigraph(self) -> ox.Store:
        """The pyoxigraph store (StoreError once closed)."""
        if self._inner is None:
            raise StoreError("the store is closed", path=str(self.path) if self.path else None)
        return self._inner

    @property
    def closed(self) -> bool:
        return self._inner is None

    def close(self) -> None:
        """Close the store now (for an on-disk store: release RocksDB's files and lock)."""
        self._inner = None

    def reopen(self) -> None:
        """Close the store and open it again at its path (after its folder was swapped)."""
        assert self.path is not None, "an in-memory store cannot be opened again"
        self.close()
        self._inner = open_store(self.path, read_only=self.opened_read_only).oxigraph

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.oxigraph, name)

    def __iter__(self) -> Iterator[ox.Quad]:
        return iter(self.oxigraph)

    def __len__(self) -> int:
        return len(self.oxigraph)

    def __contains__(self, quad: object) -> bool:
        return quad in self.oxigraph

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        where = str(self.path) if self.path else "in memory"
        state = "closed" if self.closed else ("read-only" if self.opened_read_only else "open")
        return f"<pgraph Store {where} ({state})>"


def oxigraph_store(store: Store | ox.Store) -> ox.Store:
    """Return the pyoxigraph store behind a handle (or the pyoxigraph store given)."""
    return store.oxigraph if isinstance(store, Store) else store


def is_store(value: object) -> bool:
    """Return whether ``value`` is an open store (a handle or a pyoxigraph store)."""
    return isinstance(value, Store | ox.Store)


def open_store(path: Path | None, *, read_only: bool = False) -> Store:
    """Return the store at ``path`` (created if missing), or an in-memory store for None.

    A writable open finishes or discards what an interrupted build left
    (``pgraph.store.recovery``), and drops the staging graphs a build of a
    pgraph before 0.1 left, unless the commit marker records that there can be
    none (:attr:`~pgraph.store.location.CommitMarker.staging_checked`); a
    read-only open does the same through a brief writable one. A read-only
    open sees the last committed build and never what a running build is
    writing. Prefer :func:`reading` and :func:`writing`, which also close the
    store.
    """
    if path is None:
        return Store(ox.Store())
    path = Path(path)
    if read_only:
        return Store(_open_read_only(path), path, read_only=True)
    recover(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
        store = _open_writable(path)
    except OSError as error:
        raise StoreError(
            f"cannot open the store: {error.strerror or error}",
            path=str(path),
            hint=hint_for(error),
        ) from error
    if not staging_checked(path):  # a store no build of this pgraph has committed to
        _drop_legacy_staging_graphs(store)
    return Store(store, path)


@contextmanager
def reading(path: Path | str | None = None) -> Iterator[Store]:
    """Open the built store read-only for a block (default location as ``store_location``).

    StoreError when no store is built there.
    """
    store = open_store(require_store(path), read_only=True)
    try:
        yield store
    finally:
        store.close()


@contextmanager
def writing(path: Path | None, *, wait: bool = False) -> Iterator[Store]:
    """Hold the write lock and the writable store for a block; None: an in-memory store.

    The store is closed before the lock is released, so the next writer
    finds it closed. An in-memory store lives on after the block, as long as
    its handle does.
    """
    with store_lock(path, wait=wait):
        store = open_store(path)
        try:
            yield store
        finally:
            if path is not None:
                store.close()
                prune_info_logs(store_location(path))


def prune_info_logs(folder: Path) -> int:
    """Delete RocksDB's rotated information logs (``LOG.old.*``) in a store folder; return how many.

    RocksDB starts a new ``LOG`` (a text log of its own activity, not data)
    at every opening and keeps the old ones, ~140 KB each: a store rebuilt
    a thousand times would carry 140 MB of them. The current ``LOG`` stays.
    """
    removed = 0
    for old in Path(folder).glob("LOG.old.*"):
        try:
            old.unlink()
            removed += 1
        except OSError:
            pass  # a read-only disk, or another process was quicker: nothing to keep
    return removed


def _open_writable(path: Path) -> ox.Store:
    try:
        return ox.Store(str(path))
    except OSError as error:
        # pyoxigraph raises a bare OSError without errno when RocksDB's lock is held;
        # its text is the only way to tell (no public "is it open?" call exists).
        if "LOCK" not in str(error):
            raise
        here = "by current process" in str(error)
        raise StoreError(
            "this process has the store open for writing already"
            if here
            else "another process has the store open for writing",
            path=str(path),
            hint="close the other Store first (store.close(), or leave its with block)"
            if here
            else "close it (a notebook, a server writing to it?) and run again",
        ) from error


def _open_read_only(path: Path) -> ox.Store:
    location = store_location(path)
    if aside(location, ".new.complete").exists():  # a build is swapping folders: let it finish
        _finish_swap(location)
    require_store(location)
    # The marker read before the opening: the store opened is that build's or a newer one.
    checked = staging_checked(location)
    try:
        store = _read_only_rocksdb(location)
    except (OSError, RuntimeError) as error:
        if aside(location, ".new.complete").exists() or not location.exists():
            _finish_swap(location)  # the folder moved under us: open the new one
            store = ox.Store.read_only(str(location))
        elif not commit_marker_path(location).exists():
            # A first build is creating the empty store: nothing is committed yet.
            raise StoreError("no store here yet", path=str(location),
                             hint="run `pgraph build` first, or pass --store") from error
        else:
            raise StoreError(f"cannot open the store: {getattr(error, 'strerror', None) or error}",
                             path=str(location), hint=_hint(error)) from error
    if not checked and any(
        g.value.endswith(LEGACY_STAGING_SUFFIX) for g in store.named_graphs()
    ):
        store = _clean_legacy_staging(location, store)
    return store


def _read_only_rocksdb(location: Path, attempts: int = 5) -> ox.Store:
    """Open the folder read-only, again if a file it lists went before it was opened.

    A read-only opening reads RocksDB's list of files, then opens them; a
    writer reopening the store after a build (its compaction done) may remove
    an old file in between: "Corruption: … No such file or directory". The
    files listed a moment later are all there.
    """
    for attempt in range(1, attempts):
        try:
            return ox.Store.read_only(str(location))
        except (OSError, RuntimeError) as error:
            if "No such file or directory" not in str(error):
                raise
        time.sleep(0.02 * attempt)
    return ox.Store.read_only(str(location))


def _hint(error: Exception) -> str:
    return hint_for(error) if isinstance(error, OSError) else "check the path, or rebuild the store"


def _finish_swap(path: Path) -> None:
    """Wait for the build holding the lock, then finish a committed swap it left."""
    with store_lock(path, wait=True):
        recover(path)


def recover(path: Path) -> None:
    """Finish or discard what an interrupted build left."""
    recover_store_folder(path)


def _clean_legacy_staging(path: Path, store: ox.Store) -> ox.Store:
    # Staging graphs left in the store by a build of pgraph before 0.1 that was killed:
    # drop them if no build runs and the folder is writable.
    del store
    try:
        with writing(path):
            pass
    except (StoreError, OSError):
        pass  # a build is running, or a read-only disk
    return ox.Store.read_only(str(path))


def _drop_legacy_staging_graphs(store: ox.Store) -> None:
    leftovers = [g for g in store.named_graphs() if g.value.endswith(LEGACY_STAGING_SUFFIX)]
    if leftovers:
        store.update(" ;\n".join(f"DROP SILENT GRAPH <{g.value}>" for g in leftovers))


def hint_for(error: OSError) -> str:
    """Return what to do about an error writing or opening the store."""
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
    lock_path = aside(path, ".lock")
    try:
        handle = open(lock_path, "a+")  # noqa: SIM115 - held for the duration of the build
    except OSError as error:
        raise StoreError(f"cannot create the lock file: {error.strerror}", path=str(lock_path),
                         hint=hint_for(error)) from error
    try:
        _acquire(handle, path, wait=wait)
        yield
    finally:
        handle.close()


def _acquire(handle, path: Path, *, wait: bool) -> None:
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
