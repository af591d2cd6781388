"""Snapshots of the store's committed state, for readers that live longer than a build.

A long-lived reader (``pgraph serve``) must never read the folder a build
writes to (Oxigraph: "opening as read-only while another process writes the
database is undefined behavior"), yet must see each new build once it is
committed. So it reads a *snapshot*: a private copy of the committed store,
taken while no process writes, in which the files RocksDB never changes
(``*.sst``) are hard links — a snapshot of a store of millions of quads takes
a fraction of a second and almost no disk — and the others are copied.

The signals, all the store already gives (nothing here writes to the store):

- ``committed_generation`` (``pgraph.store``): the generation in the commit
  marker ``STORE/pgraph-commit.json``, one more at each committed build — a
  new build to follow (:func:`new_build_since`);
- ``store_version(path)`` changes whenever the store's files change: any
  write to the store folder, a folder swap (``STORE.new.complete``, the
  folder's inode), a build taking the lock — what a snapshot checks did not
  happen while it copied (and the signal for a store without a marker);
- ``store_busy(path)`` is true while a build holds ``STORE.lock`` or any
  process has the store open for writing (RocksDB's ``LOCK``), tested without
  taking either lock (``/proc/locks``, ``F_GETLK``), so a build starting
  meanwhile is never refused;
- ``snapshot_store`` copies, then checks that the version did not move and no
  writer came meanwhile (else ``SnapshotRaced``: try again later); staging
  graphs a killed build left are dropped from the copy, and a committed but
  unfinished folder swap is read from ``STORE.new``, so a snapshot is always
  one committed build.

(Part of the store package: it reads only what the store gives.)

Example:
    >>> import tempfile, pyoxigraph as ox
    >>> folder = Path(tempfile.mkdtemp())
    >>> store = ox.Store(str(folder / "store"))
    >>> store.add(ox.Quad(ox.NamedNode("http://e.org/s"), ox.NamedNode("http://e.org/p"),
    ...                   ox.Literal("o"), ox.NamedNode("http://e.org/g")))
    >>> del store
    >>> store_busy(folder / "store")
    False
    >>> version = snapshot_store(folder / "store", folder / "copy")
    >>> version == store_version(folder / "store"), len(ox.Store.read_only(str(folder / "copy")))
    (True, 1)
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
import struct
from pathlib import Path

import pyoxigraph as ox

from pgraph.store.location import aside as _aside
from pgraph.store.location import committed_generation
from pgraph.store.recovery import LEGACY_STAGING_SUFFIX as STAGING_SUFFIX

IMMUTABLE_SUFFIXES = (".sst", ".blob")
"""RocksDB files written once and never changed: hard-linked into a snapshot."""
_SKIPPED = ("LOCK", "LOG")
"""Files a snapshot leaves out (the lock, the info logs); prefixes."""


class SnapshotRaced(Exception):  # noqa: N818 - a condition to retry, not an error to report
    """The store changed, or a writer came, while the snapshot was taken: try again later."""


def committed_folder(path: Path) -> Path:
    """Return the folder holding the store's committed state (``STORE.new`` mid-swap)."""
    new, marker = _aside(path, ".new"), _aside(path, ".new.complete")
    return new if marker.exists() and new.exists() else path


def new_build_since(path: Path, snapshot: Path, version: tuple) -> bool:
    """Return whether the store committed a build since ``snapshot`` (taken at ``version``).

    Example:
        >>> new_build_since(Path("/nonexistent/store"), Path("/nonexistent/copy"), ())
        True
    """
    generation = committed_generation(committed_folder(path))
    if generation:
        return generation != committed_generation(snapshot)
    return store_version(path) != version  # a store written before commit markers


def store_version(path: Path) -> tuple:
    """Return a value that changes whenever the store's committed state may have changed.

    It may change without a new commit (a build that failed, a writer that
    opened and closed the store): a reader then takes an identical snapshot.
    """
    folder = committed_folder(path)
    files = []
    with contextlib.suppress(FileNotFoundError):
        for entry in os.scandir(folder):
            if entry.name.startswith(_SKIPPED):
                continue
            with contextlib.suppress(FileNotFoundError):
                info = entry.stat()
                files.append((entry.name, info.st_size, info.st_mtime_ns))
    return (str(folder), _inode(folder), _stat(_lock_file(path)), tuple(sorted(files)))


def store_busy(path: Path) -> bool:
    """Return whether a build holds the store's lock or a process has it open for writing."""
    if _flock_held(_lock_file(path)):
        return True
    return any(_rocksdb_locked(folder / "LOCK") for folder in (path, _aside(path, ".new")))


def snapshot_store(path: Path, target: Path) -> tuple:
    """Copy the store's committed state to ``target`` (a new folder); return its ``store_version``.

    Raises ``SnapshotRaced`` when a writer holds the store or the state moved
    during the copy; ``target`` is then removed. ``target`` should be on the
    store's file system (hard links); elsewhere the files are copied.
    """
    before = store_version(path)
    if store_busy(path):
        raise SnapshotRaced("a build or another writer has the store open")
    folder = committed_folder(path)
    try:
        _copy_folder(folder, target)
    except OSError as error:
        shutil.rmtree(target, ignore_errors=True)
        if not folder.exists() or error.errno in (errno.ENOENT, errno.ESTALE):
            raise SnapshotRaced(f"the store moved during the copy: {error}") from error
        raise
    if store_busy(path) or store_version(path) != before:
        shutil.rmtree(target, ignore_errors=True)
        raise SnapshotRaced("the store changed during the copy")
    _drop_staging(target)
    return before


def _copy_folder(source: Path, target: Path) -> None:
    target.mkdir(parents=True)
    for entry in os.scandir(source):
        if entry.name.startswith(_SKIPPED) or not entry.is_file(follow_symlinks=False):
            continue
        destination = target / entry.name
        if entry.name.endswith(IMMUTABLE_SUFFIXES):
            try:
                os.link(entry.path, destination)
                continue
            except OSError as error:
                if error.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK):
                    raise
        shutil.copy2(entry.path, destination)


def _drop_staging(folder: Path) -> None:
    """Drop the staging graphs a killed build left (the copy is private: writing is safe)."""
    store = ox.Store.read_only(str(folder))
    leftovers = [g.value for g in store.named_graphs() if g.value.endswith(STAGING_SUFFIX)]
    del store
    if leftovers:
        store = ox.Store(str(folder))
        store.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in leftovers))
        store.flush()
        del store



def _lock_file(path: Path) -> Path:
    return path.parent / f"{path.name}.lock"


def _inode(path: Path) -> int | None:
    try:
        return path.stat().st_ino
    except FileNotFoundError:
        return None


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    return info.st_mtime_ns, info.st_size


def _flock_held(lock_path: Path) -> bool:
    """Whether some process holds a ``flock`` on the file, seen without taking it."""
    try:
        info = lock_path.stat()
    except FileNotFoundError:
        return False
    try:
        locks = Path("/proc/locks").read_text()
    except OSError:
        return _flock_probe(lock_path)
    device = f"{os.major(info.st_dev):02x}:{os.minor(info.st_dev):02x}:{info.st_ino}"
    return any(
        fields[1] == "FLOCK" and fields[5] == device
        for fields in (line.split() for line in locks.splitlines())
        if len(fields) > 5 and fields[1] != "->"
    )


def _flock_probe(lock_path: Path) -> bool:
    # Without /proc/locks: a shared lock, released at once (a build starting in that
    # instant would be refused, so this is only the fallback).
    with open(lock_path) as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
    return False


def _rocksdb_locked(lock_path: Path) -> bool:
    """Whether another process has RocksDB's ``LOCK`` (a POSIX lock), tested with ``F_GETLK``."""
    descriptor = _lock_descriptor(lock_path)
    if descriptor is None:
        return False
    request = struct.pack("hhqqii", fcntl.F_WRLCK, os.SEEK_SET, 0, 0, 0, 0)
    answer = fcntl.fcntl(descriptor, fcntl.F_GETLK, request)
    return struct.unpack("hhqqii", answer)[0] != fcntl.F_UNLCK


_DESCRIPTORS: dict[tuple[int, int], int] = {}


def _lock_descriptor(lock_path: Path) -> int | None:
    # Closing any descriptor of a file drops every POSIX lock this process holds on
    # it: a process that has the store open itself would lose RocksDB's lock. So a
    # descriptor, once opened, stays open (one per LOCK file, a few per process).
    try:
        info = lock_path.stat()
    except (FileNotFoundError, PermissionError):
        return None
    key = (info.st_dev, info.st_ino)
    if key not in _DESCRIPTORS:
        try:
            _DESCRIPTORS[key] = os.open(lock_path, os.O_RDONLY | os.O_CLOEXEC)
        except (FileNotFoundError, PermissionError):
            return None
    return _DESCRIPTORS[key]
