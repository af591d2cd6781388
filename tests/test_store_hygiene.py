"""Store hygiene: a rebuilt store does not pile up RocksDB's rotated information logs."""

from __future__ import annotations

import shutil

from pgraph.build import build_catalogue
from pgraph.store import reading
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
