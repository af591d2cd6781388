"""Store hygiene: a rebuilt store does not pile up RocksDB's rotated information logs, and a
new store folder is compacted once, after everything is written to it."""

from __future__ import annotations

import shutil

import pyoxigraph as ox

from pgraph.build import build_catalogue
from pgraph.store import Store, reading
from pgraph.store.transaction import Commit, _copy_unchanged
from tests.conftest import DATA


def test_builds_leave_no_rotated_rocksdb_logs(tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    for page in sorted((DATA / "synthetic" / "pages").glob("*.txt"))[:2]:
        shutil.copy(page, pages / page.name)
    store = tmp_path / "store"
    for edit in range(3):  # a first build, then two incremental ones
        build_catalogue([pages], store_path=store)
        with reading(store):
            pass
        page = sorted(pages.glob("*.txt"))[0]
        page.write_text(page.read_text(encoding="utf-8") + f"\nEdit {edit}.\n", encoding="utf-8")
    assert (store / "LOG").exists()  # RocksDB's current log: kept
    assert sorted(p.name for p in store.glob("LOG.old.*")) == []


class _Recorded:
    """A pyoxigraph store that records which of its methods were called, in order."""

    def __init__(self, store: ox.Store) -> None:
        self.store, self.calls = store, []

    def __getattr__(self, name):
        method = getattr(self.store, name)

        def recorded(*args, **kwargs):
            self.calls.append(name)
            return method(*args, **kwargs)

        return recorded


def test_a_new_folder_is_compacted_after_its_last_write(tmp_path):
    # What is written after the compaction (the derived graph, once) stays in small
    # files that every later seek reads too: at 10,000 practices queries took 10-20 %
    # and validation 5-10 % more time (bench/RESULTS.md, "Speed, round eight").
    old = Store(ox.Store(), None)
    new = _Recorded(ox.Store(str(tmp_path / "new")))
    derived = ox.Quad(ox.NamedNode("https://e.org/s"), ox.NamedNode("https://e.org/p"),
                      ox.Literal("o"), ox.NamedNode("https://e.org/graph/derived"))
    seen: list[ox.Quad] = []
    change = Commit(replaced=[], dropped=[], complete=[lambda store: store.add(derived)],
                    read=[lambda store: seen.extend(store.quads_for_pattern(None, None, None))])
    _copy_unchanged(old, new, change)
    # Compacting is the last thing done to the folder, but for what only reads it (the
    # kept figures), which reads the final state meanwhile.
    calls = [call for call in new.calls if call != "quads_for_pattern"]
    assert calls[-1] == "optimize" and "add" in calls and "quads_for_pattern" in new.calls
    assert seen == [derived]
    assert list(new.store) == [derived]
