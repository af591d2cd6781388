"""Recovery: what a build killed at any moment leaves is finished or discarded at the next open.

A build that writes a whole new store folder (``STORE.new``) commits it by
creating ``STORE.new.complete``, then swaps the folders. A process killed
before the marker leaves the old store (the next open discards the new
folder); one killed after it leaves the new store (the next open, or a
reader, finishes the swap).

Example:
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "store"
    >>> new_store_folder(path).flush()  # written, closed, and never committed
    >>> recover_store_folder(path), (path.parent / "store.new").exists()
    (False, False)
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pyoxigraph as ox

from pgraph.store.location import aside

LEGACY_STAGING_SUFFIX = "#staging"
"""The suffix of staging graphs that builds before this package wrote into the store itself."""


def new_store_folder(path: Path) -> ox.Store:
    """Return an empty store in ``STORE.new``, beside ``path``, for ``replace_store_folder``."""
    folder = aside(path, ".new")
    aside(path, ".new.complete").unlink(missing_ok=True)
    shutil.rmtree(folder, ignore_errors=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    return ox.Store(str(folder))


def replace_store_folder(path: Path) -> None:
    """Swap ``STORE.new`` in for ``path``; the old folder goes. Close both stores first.

    Creating the marker ``STORE.new.complete`` is the commit point.
    """
    marker = aside(path, ".new.complete")
    with open(marker, "w") as handle:
        handle.flush()
        os.fsync(handle.fileno())
    fsync_folder(path.parent)
    recover_store_folder(path)


def recover_store_folder(path: Path) -> bool:
    """Finish a folder swap that was committed, or discard one that was not.

    Returns True when a committed swap was finished (a new build is in).
    """
    new, old, marker = aside(path, ".new"), aside(path, ".old"), aside(path, ".new.complete")
    finished = False
    if marker.exists():
        if new.exists():
            if path.exists():
                shutil.rmtree(old, ignore_errors=True)
                path.rename(old)
            new.rename(path)
            fsync_folder(path.parent)
            finished = True
        marker.unlink()
    elif new.exists():
        shutil.rmtree(new, ignore_errors=True)
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)
    return finished


def fsync_folder(folder: Path) -> None:
    """Make a folder's renames and new entries durable."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
