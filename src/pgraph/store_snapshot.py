"""Moved to :mod:`pgraph.store.snapshot` (the store package owns the store); kept for imports."""

from pgraph.store.snapshot import *  # noqa: F403
from pgraph.store.snapshot import SnapshotRaced, new_build_since, snapshot_store, store_busy

__all__ = ["SnapshotRaced", "new_build_since", "snapshot_store", "store_busy"]
