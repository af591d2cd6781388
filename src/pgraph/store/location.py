"""Where the store is, whether one is there, and which build it holds (the commit marker).

Inside the folder, beside RocksDB's files, ``pgraph-commit.json`` is the commit
marker: JSON written atomically by every build at its commit
(:func:`read_commit_marker`). It lives in the folder so that it moves with a
folder swap and with a copy of the store.

Every command that reads or writes the store asks :func:`store_location`
(the ``--store`` option, else ``PGRAPH_STORE``, else ``.pgraph/store``) and
:func:`require_store` ("is there a built store here?"), so that the answer
and its error message are the same everywhere.

Beside the store folder ``STORE`` live the files that belong to it:

- ``STORE.lock``: the write lock (``pgraph.store.opening.store_lock``);
- ``STORE.new`` and ``STORE.new.complete``: a new folder being written, and
  the marker that commits it (``pgraph.store.transaction``);
- ``STORE.validation.json``: the last validation's results, and
  ``STORE.validation.pending.json``: what builds since then changed, which a
  running validation takes aside as ``STORE.validation.pending.json.*.taken``
  (``pgraph.shacl.state``).

Example:
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp()) / "store"
    >>> store_location(folder) == folder, store_exists(folder), committed_generation(folder)
    (True, False, 0)
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from pgraph.errors import StoreError

DEFAULT_STORE = Path(".pgraph/store")
"""The store ``pgraph build`` writes by default (``PGRAPH_STORE`` overrides it)."""

STORE_ENV = "PGRAPH_STORE"
"""The environment variable naming the store when no path is given."""


def store_location(path: Path | str | None = None) -> Path:
    """Return the store folder: ``path``, else ``$PGRAPH_STORE``, else ``.pgraph/store``.

    Example:
        >>> store_location("x/store")
        PosixPath('x/store')
    """
    if path is not None:
        return Path(path)
    return Path(os.environ.get(STORE_ENV) or DEFAULT_STORE)


def aside(path: Path, suffix: str) -> Path:
    """Return the file or folder beside the store whose name is the store's plus ``suffix``."""
    return path.with_name(f"{path.name}{suffix}")


def store_exists(path: Path) -> bool:
    """Return whether a store is at ``path`` (or a committed swap to finish).

    RocksDB writes its ``CURRENT`` file last when it creates a database, so a
    folder without it is no store yet (or one still being created); it is the
    only sign RocksDB gives, and this is the one place that reads it.
    """
    if aside(path, ".new.complete").exists() and aside(path, ".new").is_dir():
        return True
    return (path / "CURRENT").is_file() or commit_marker_path(path).is_file()


def require_store(path: Path | str | None = None) -> Path:
    """Return the store location (as :func:`store_location`); StoreError when none is built.

    Example:
        >>> require_store("/nonexistent/store")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        pgraph.errors.StoreError: /nonexistent/store: no store here yet; run `pgraph build` ...
    """
    location = store_location(path)
    if not store_exists(location):
        raise StoreError("no store here yet", path=str(location),
                         hint="run `pgraph build` first, or pass --store")
    return location


# ---------------------------------------------------------------- the commit marker


@dataclass(frozen=True)
class CommitMarker:
    """What the last committed build wrote in the store's folder (``pgraph-commit.json``)."""

    generation: int
    """1 for the first build committed to this store, one more for each build after it."""
    build: str
    """The IRI of the build (its ``prov:Activity`` in the builds graph)."""
    committed: str
    """When the commit happened (ISO 8601, UTC)."""
    changed_graphs: int
    """How many graphs the build replaced, added or dropped."""
    staging_checked: bool = False
    """True: no staging graph left by a pgraph before 0.1 can be in the store.

    Builds before 0.1 staged into the store itself and, when killed, left graphs
    named ``…#staging`` (``pgraph.store.recovery.LEGACY_STAGING_SUFFIX``), which an
    opening finds by listing every named graph (0.1 to 0.3 s at 10,000 graphs). Every
    build since drops them when it opens the store, before its commit, and records
    that here; an opening then skips the listing. Those older builds wrote no such
    marker, so a store they wrote is still searched (False: a marker of a pgraph
    that did not record it)."""


COMMIT_MARKER = "pgraph-commit.json"


def commit_marker_path(path: Path) -> Path:
    """Return where the commit marker of the store at ``path`` lives (inside its folder)."""
    return path / COMMIT_MARKER


def staging_checked(path: Path) -> bool:
    """Return whether the commit marker of the store at ``path`` records that it holds no
    staging graphs of a pgraph before 0.1 (:attr:`CommitMarker.staging_checked`).

    Example:
        >>> import tempfile
        >>> staging_checked(Path(tempfile.mkdtemp()) / "store")
        False
    """
    marker = read_commit_marker(path)
    return marker is not None and marker.staging_checked


def read_commit_marker(path: Path) -> CommitMarker | None:
    """Return the commit marker of the store at ``path`` (None before the first build).

    A server following the store polls this: a higher ``generation`` means a
    new build is committed and a read-only open now sees all of it.
    """
    try:
        data = json.loads(commit_marker_path(path).read_text(encoding="utf-8"))
        return CommitMarker(**data)
    except (OSError, ValueError, TypeError):
        return None


def committed_generation(path: Path) -> int:
    """Return the generation of the build committed last to the store at ``path`` (0: none)."""
    marker = read_commit_marker(path)
    return marker.generation if marker is not None else 0


def write_commit_marker(path: Path, marker: CommitMarker) -> None:
    """Write the commit marker atomically (a reader sees the old one or the new one)."""
    target = commit_marker_path(path)
    temporary = target.with_name(f"{COMMIT_MARKER}.tmp")
    try:
        with open(temporary, "w", encoding="utf-8") as handle:
            json.dump(asdict(marker), handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except OSError as error:
        raise StoreError(
            f"the build is committed, but its commit marker could not be written: "
            f"{error.strerror or error}",
            path=str(target),
            hint="free space or fix the folder's permissions; the next build writes it",
        ) from error
