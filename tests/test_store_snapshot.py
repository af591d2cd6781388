"""Snapshots of the committed store (what `pgraph serve` serves), never of one being written."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef

from pgraph.store import replace_graphs, writing
from pgraph.store.snapshot import (
    SnapshotRaced,
    new_build_since,
    snapshot_store,
    store_busy,
    store_version,
)

G = URIRef("https://example.org/graph/a")


def commit(path: Path, value: str) -> None:
    with writing(path) as store:
        replace_graphs(store, {G: [(URIRef("https://example.org/s"),
                                    URIRef("https://example.org/p"), Literal(value))]})


def values(folder: Path) -> set[str]:
    store = ox.Store.read_only(str(folder))
    return {q.object.value for q in store}


def test_a_snapshot_is_the_committed_store_with_its_immutable_files_linked(tmp_path):
    store = tmp_path / "store"
    commit(store, "one")
    version = snapshot_store(store, tmp_path / "copy")
    assert values(tmp_path / "copy") == {"one"}
    assert version == store_version(store)
    linked = [p for p in (tmp_path / "copy").iterdir() if p.suffix == ".sst"]
    assert all(p.stat().st_nlink == 2 for p in linked)
    assert not new_build_since(store, tmp_path / "copy", version)
    commit(store, "two")
    assert new_build_since(store, tmp_path / "copy", version)
    assert values(tmp_path / "copy") == {"one"}  # the snapshot does not move with the store


def test_no_snapshot_while_a_build_holds_the_store(tmp_path):
    store = tmp_path / "store"
    commit(store, "one")
    with writing(store):
        assert store_busy(store)
        with pytest.raises(SnapshotRaced):
            snapshot_store(store, tmp_path / "copy")
        assert not (tmp_path / "copy").exists()
    assert not store_busy(store)


def test_another_process_writing_is_seen_without_taking_its_lock(tmp_path):
    store = tmp_path / "store"
    commit(store, "one")
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time, pyoxigraph as ox; s = ox.Store(sys.argv[1]); print('open', flush=True);"
         " time.sleep(60)", str(store)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "open\n"
        assert store_busy(store)  # RocksDB's lock, seen with F_GETLK
    finally:
        holder.kill()
        holder.wait()
    deadline = time.monotonic() + 10
    while store_busy(store):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    snapshot_store(store, tmp_path / "copy")


def test_a_committed_but_unfinished_folder_swap_is_read_from_the_new_folder(tmp_path):
    store = tmp_path / "store"
    commit(store, "old")
    newer = tmp_path / "newer"
    commit(newer, "new")
    shutil.copytree(newer, tmp_path / "store.new")
    (tmp_path / "store.new.complete").write_text("")
    snapshot_store(store, tmp_path / "copy")
    assert values(tmp_path / "copy") == {"new"}
    assert os.path.isdir(store)  # nothing was moved: a snapshot never writes to the store
