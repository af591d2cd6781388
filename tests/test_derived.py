"""The derived graph: equal to a fresh recomputation after every kind of build, and the queries
that read it answer what the same questions asked of the raw triples answer."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

import pgraph.derived as derived
from pgraph.build import build_catalogue
from pgraph.derived import derived_graph, derived_summary, rebuild_derived
from pgraph.publish.dumps import write_dump
from pgraph.query import run_query
from pgraph.store import replace_graphs, writing
from pgraph.synth import generate_catalogue

BASE = "https://w3id.org/pgraph/id/"
DERIVED = ox.NamedNode(derived_graph(BASE))
RAW_QUERIES = Path(__file__).parent / "fixtures" / "raw_queries"
READING_DERIVED = sorted(path.stem for path in RAW_QUERIES.glob("*.rq"))


def derived_quads(store) -> set[str]:
    return {str(q) for q in store.quads_for_pattern(None, None, None, DERIVED)}


def recomputed(store) -> set[str]:
    """The derived graph computed afresh from a copy of the store's other graphs."""
    copy = ox.Store()
    copy.extend(q for q in store if q.graph_name != DERIVED)
    rebuild_derived(copy, BASE)
    return derived_quads(copy)


def sorted_rows(name_or_path, store) -> list[tuple]:
    rows = run_query(name_or_path, store=store).rows
    return sorted(tuple(sorted((k, str(v)) for k, v in row.items())) for row in rows)


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("derived") / "catalogue"
    # Malformed pages lack ratings, partners, dates: the quality facts are not empty.
    generate_catalogue(folder, practices=60, seed=5, malformed_share=0.3)
    return folder


@pytest.fixture(scope="module")
def built(catalogue, tmp_path_factory) -> ox.Store:
    return build_catalogue([catalogue], store_path=tmp_path_factory.mktemp("store") / "s").store


def test_a_build_computes_the_derived_graph(built):
    summary = derived_summary(built)
    assert summary["facts"] > 0 and summary["cells"] > 0 and summary["acts"] > 0, summary
    assert derived_quads(built) == recomputed(built)


@pytest.mark.parametrize("name", READING_DERIVED)
def test_each_query_reading_derived_data_answers_as_over_the_raw_triples(built, name):
    """The oracle: the query as it was before the derived graph, over the pages' triples."""
    found = sorted_rows(name, built)
    assert found, f"{name}: the catalogue should give rows"
    assert found == sorted_rows(RAW_QUERIES / f"{name}.rq", built)


def _spy_full_rebuilds(monkeypatch) -> list:
    """The folders of the stores whose derived graph is recomputed from everything."""
    calls: list = []
    original = derived._derived_lines

    def spy(store, base):
        calls.append(getattr(store, "path", None))
        return original(store, base)

    monkeypatch.setattr(derived, "_derived_lines", spy)
    return calls


def test_incremental_builds_keep_the_derived_graph_equal_to_a_recomputation(
    catalogue, tmp_path, monkeypatch
):
    folder = tmp_path / "catalogue"
    shutil.copytree(catalogue, folder)
    store_path = tmp_path / "store"
    previous = derived_quads(build_catalogue([folder], store_path=store_path).store)
    moved = []
    full_rebuilds = _spy_full_rebuilds(monkeypatch)
    pages = sorted((folder / "pages").glob("*.txt"))
    steps = {
        "add a page": lambda: shutil.copy(pages[4], folder / "pages" / "zz_copy.txt"),
        "replace a page": lambda: pages[5].write_text(
            "\n".join(line for line in pages[5].read_text(encoding="utf-8").splitlines()
                      if not line.startswith(("•", "Impact", "Pertinence", "Relevance"))),
            encoding="utf-8"),
        "drop a page": lambda: pages[6].unlink(),
        "drop the added page": lambda: (folder / "pages" / "zz_copy.txt").unlink(),
    }
    for step, change in steps.items():
        change()
        report = build_catalogue([folder], store_path=store_path)
        assert report.changed_graphs, step
        assert derived_quads(report.store) == recomputed(report.store), step
        fresh = build_catalogue([folder], store_path=tmp_path / f"fresh-{len(step)}").store
        assert derived_quads(report.store) == derived_quads(fresh), step
        moved += [step] if derived_quads(fresh) != previous else []
        previous = derived_quads(fresh)
    assert len(moved) == len(steps), f"each step changes the derived data: only {moved}"
    assert full_rebuilds, "the fresh builds recompute it"
    assert store_path not in full_rebuilds, "incremental builds update it, not recompute it"


def test_a_store_without_a_derived_graph_gets_one_at_the_next_build(catalogue, tmp_path):
    store_path = tmp_path / "store"
    expected = derived_quads(build_catalogue([catalogue], store_path=store_path).store)
    with writing(store_path) as store:  # a store built before the derived graph existed
        store.update(f"DROP GRAPH {DERIVED}")
    again = build_catalogue([catalogue], store_path=store_path)
    assert again.read == [] and derived_quads(again.store) == expected


def test_only_builds_write_a_derived_graph():
    """``replace_graphs`` (scripts, tests) writes the graphs it is given and nothing else."""
    store = ox.Store()
    replace_graphs(store, {f"{BASE}graph/a": []})
    assert len(store) == 0 and not derived_quads(store)


def test_dumps_carry_the_derived_graph_and_queries_work_where_they_are_loaded(built, tmp_path):
    """The rule: the derived graph is part of the dataset, dumped and published with it."""
    written = write_dump(built, tmp_path / "all.nq", "nquads")
    assert str(DERIVED.value) in written.graphs
    loaded = ox.Store()
    loaded.load(path=str(tmp_path / "all.nq"), format=ox.RdfFormat.N_QUADS)
    assert derived_quads(loaded) == derived_quads(built)
    for name in READING_DERIVED:
        assert sorted_rows(name, loaded) == sorted_rows(name, built), name
