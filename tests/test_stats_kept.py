"""The figures of ``pgraph stats`` kept by each build equal a fresh count, whatever happened."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import pgraph.stats as stats
import pgraph.store.transaction as transaction
from pgraph.build import build_catalogue
from pgraph.cli import cli
from pgraph.stats import (
    SOURCES_FILE,
    STATS_FILE,
    graph_stats,
    store_stats,
    stored_source_graphs,
    stored_stats,
)
from pgraph.store import open_store
from pgraph.store.sources import source_graphs
from pgraph.synth import generate_catalogue
from tests.test_incremental import edit


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("stats") / "catalogue"
    generate_catalogue(folder, practices=60, seed=7, malformed_share=0.1)
    return folder


def counted(path: Path) -> dict:
    with open_store(path, read_only=True) as store:
        return graph_stats(store)


def queried_sources(path: Path) -> list[tuple[str, str, str]]:
    with open_store(path, read_only=True) as store:
        return source_graphs(store, kept=False)


def more_edits(folder: Path) -> None:
    """Move a practice to another country, empty a page's partners, drop and add pages."""
    pages = sorted((folder / "pages").glob("*.txt"))
    text = pages[5].read_text(encoding="utf-8")
    country = next(line for line in text.splitlines() if line.startswith("•"))
    pages[5].write_text(text.replace(country, "• Iceland", 1), encoding="utf-8")
    pages[9].write_text(pages[12].read_text(encoding="utf-8"), encoding="utf-8")  # a duplicate
    pages[14].unlink()
    shutil.copy(pages[2], folder / "pages" / "zz_new_copy_of_2.txt")


def test_kept_figures_equal_a_fresh_count_after_incremental_builds(catalogue, tmp_path,
                                                                  monkeypatch):
    folder = tmp_path / "catalogue"
    shutil.copytree(catalogue, folder)
    store = tmp_path / "store"
    first = build_catalogue([folder], store_path=store)
    assert stored_stats(store) == counted(store)  # a first build counts everything
    for change in (edit, more_edits):
        change(folder)
        with monkeypatch.context() as patch:  # counting only the change
            patch.setattr(stats, "graph_stats", None)
            patch.setattr(stats, "resource_counts", None)
            report = build_catalogue([folder], store_path=store)
        assert 0 < len(report.changed_graphs) < 20  # incremental: a staged commit
        assert stored_stats(store) == counted(store)
        # The names and hashes of the source graphs, kept in the same file.
        assert stored_source_graphs(store) == queried_sources(store)
        assert {name for _, name, _ in queried_sources(store)} >= set(report.read)
    assert stored_stats(store) != stored_stats(tmp_path / "nowhere")  # the check can fail
    assert report.summary() != first.summary()
    fresh = build_catalogue([folder], store_path=tmp_path / "fresh")
    # A full rebuild gives the same figures, but for the provenance of the builds (triples).
    kept, rebuilt = stored_stats(store), stored_stats(tmp_path / "fresh")
    assert rebuilt == counted(tmp_path / "fresh")
    kept.pop("triples"), rebuilt.pop("triples")
    assert kept == rebuilt
    # The build's summary reads the same figures.
    assert f"{counted(store)['triples']} triples" in report.summary()
    assert f"{counted(store)['practices']} practices" in fresh.summary()


@pytest.mark.parametrize("failing", ["commit_in_one_update", "write_commit_marker"])
def test_a_build_that_fails_at_its_commit_leaves_no_stale_figures(
    catalogue, tmp_path, monkeypatch, failing
):
    folder = tmp_path / "catalogue"
    shutil.copytree(catalogue, folder)
    store = tmp_path / "store"
    build_catalogue([folder], store_path=store)
    original = getattr(transaction, failing)

    def fail(*args, **kwargs):
        original(*args, **kwargs)  # the store (or the marker) written, then killed
        raise KeyboardInterrupt

    monkeypatch.setattr(transaction, failing, fail)
    edit(folder)
    with pytest.raises(KeyboardInterrupt):
        build_catalogue([folder], store_path=store)
    monkeypatch.undo()
    assert stored_stats(store) is None  # never trusted: counted instead
    assert stored_source_graphs(store) is None
    assert store_stats(store) == counted(store)
    more_edits(folder)
    build_catalogue([folder], store_path=store)  # counts everything again, then keeps
    assert stored_stats(store) == counted(store)
    assert stored_source_graphs(store) == queried_sources(store)


def test_a_store_without_kept_figures_is_counted(catalogue, tmp_path):
    # A store built by an older pgraph has no figures kept.
    folder = tmp_path / "catalogue"
    shutil.copytree(catalogue, folder)
    store = tmp_path / "store"
    build_catalogue([folder], store_path=store)
    (store / STATS_FILE).unlink()
    (store / SOURCES_FILE).unlink()
    result = CliRunner().invoke(cli, ["stats", "--json", "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == counted(store)
    edit(folder)
    build_catalogue([folder], store_path=store)
    assert stored_stats(store) == counted(store)
    kept = CliRunner().invoke(cli, ["stats", "--json", "--store", str(store)])
    assert json.loads(kept.output) == counted(store)


def test_figures_count_the_derived_graph_recomputed_after_a_commit(catalogue, tmp_path):
    # A store without a derived graph (an older pgraph's) gets it right after the next
    # staged commit: the figures must count it too.
    folder = tmp_path / "catalogue"
    shutil.copytree(catalogue, folder)
    store = tmp_path / "store"
    build_catalogue([folder], store_path=store)
    with open_store(store) as handle:
        handle.update("DROP GRAPH <https://w3id.org/pgraph/id/graph/derived>")
    edit(folder)
    build_catalogue([folder], store_path=store)
    assert stored_stats(store) == counted(store)
