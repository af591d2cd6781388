"""The fast build path: N-Quads from workers, bulk loads, all-or-nothing commits, folder swaps."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef

import pgraph.build.reading as reading
import pgraph.store.transaction as writing
from pgraph.build import build_catalogue
from pgraph.errors import SourceError
from pgraph.store import nquads, open_store, recover_store_folder
from pgraph.synth import generate_catalogue
from tests.conftest import SEED_PAGE


def quads(store: ox.Store, *, without_builds: bool = True) -> set[str]:
    """The store's quads as N-Quads lines (the builds graph left out: it records when)."""
    return {
        str(q)
        for q in store
        if not (without_builds and str(q.graph_name).endswith("/graph/builds>"))
    }


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory) -> Path:
    """A synthetic catalogue large enough for the worker processes (PARALLEL_THRESHOLD)."""
    folder = tmp_path_factory.mktemp("synthetic") / "catalogue"
    generate_catalogue(folder, practices=80, seed=3, malformed_share=0.1)
    return folder


@pytest.fixture(scope="module")
def reference(catalogue, tmp_path_factory) -> set[str]:
    """The catalogue built in one process, into memory."""
    return quads(build_catalogue([catalogue], store_path=None, jobs=1).store)


def test_nquads_escape_what_n_quads_needs_and_oxigraph_reads_them_back():
    text = 'a "quoted"\\ line\nnext\r\tend \u0001 é'
    triples = [
        (URIRef("https://example.org/s"), URIRef("https://example.org/p"), Literal(text, lang="FR"))
    ]
    store = ox.Store()
    store.load(nquads(triples, "https://example.org/g"), format=ox.RdfFormat.N_QUADS)
    [quad] = list(store)
    assert quad.object.value == text and quad.object.language == "fr"


def test_nquads_refuse_an_iri_oxigraph_refuses():
    with pytest.raises(ValueError):
        nquads(
            [(URIRef("https://example.org/a b"), URIRef("https://example.org/p"), Literal("x"))],
            "https://example.org/g",
        )


def test_parallel_on_disk_build_equals_a_serial_in_memory_build(catalogue, reference, tmp_path):
    report = build_catalogue([catalogue], store_path=tmp_path / "store", jobs=2)
    assert len(report.read) == 80 - len(report.errors)
    assert quads(report.store) == reference


def test_workers_yield_results_in_file_order_with_few_batches_in_flight(catalogue, monkeypatch):
    monkeypatch.setattr(reading, "BATCH_FILES", 3)
    files = reading.discover([catalogue])
    jobs = [reading.ReadJob(*f, content_hash="h", graph="https://example.org/g") for f in files]
    names = [r.name for r in reading.read_files(jobs, base="https://example.org/", workers=2)]
    assert names == [name for _, _, name in files]


@pytest.mark.parametrize("in_place_limit", [0, 1000])
def test_a_rebuild_after_a_failed_write_keeps_the_previous_state(
    catalogue, tmp_path, monkeypatch, in_place_limit
):
    """A build that dies while writing (in place or beside) leaves the store as it was."""
    folder = tmp_path / "catalogue"
    shutil.copytree(catalogue, folder)
    store_path = tmp_path / "store"
    before = quads(build_catalogue([folder], store_path=store_path, jobs=1).store)
    page = sorted((folder / "pages").glob("*.txt"))[10]
    page.write_text(page.read_text(encoding="utf-8").replace("•", "• changed", 1), encoding="utf-8")
    monkeypatch.setattr(writing, "IN_PLACE_LIMIT", in_place_limit)

    def dying(results, *args, **kwargs):
        yield next(iter(results)).nquads.encode()
        raise KeyboardInterrupt  # the process is killed half-way through the load

    import pgraph.build as build_module

    monkeypatch.setattr(build_module, "_chunks", dying)
    with pytest.raises(KeyboardInterrupt):
        build_catalogue([folder], store_path=store_path, jobs=1)
    assert quads(open_store(store_path)) == before


def test_strict_stops_at_the_first_bad_file_and_the_store_is_unchanged(tmp_path):
    folder = tmp_path / "catalogue"
    (folder / "pages").mkdir(parents=True)
    shutil.copy(SEED_PAGE, folder / "pages" / SEED_PAGE.name)
    store_path = tmp_path / "store"
    before = quads(build_catalogue([folder], store_path=store_path).store)
    (folder / "pages" / "broken.txt").write_text("Curricula - Knowledge - Navigation\n\n")
    with pytest.raises(SourceError):
        build_catalogue([folder], store_path=store_path, strict=True)
    assert quads(open_store(store_path)) == before


def test_a_bad_edit_keeps_the_previous_graph(catalogue, tmp_path):
    folder = tmp_path / "catalogue"
    shutil.copytree(catalogue, folder)
    store_path = tmp_path / "store"
    before = quads(build_catalogue([folder], store_path=store_path).store)
    page = sorted((folder / "pages").glob("*.txt"))[5]
    page.write_bytes(b"")
    report = build_catalogue([folder], store_path=store_path)
    assert any(e.path.endswith(page.name) for e in report.errors)
    assert quads(report.store) == before


@pytest.mark.parametrize(
    ("leftovers", "survivor"),
    [
        ({".new"}, "old"),  # killed while loading: the unfinished store goes
        ({".new", ".new.complete"}, "new"),  # killed after the commit marker: the swap finishes
        ({".new", ".new.complete", "-moved"}, "new"),  # killed between the two renames
        ({".old"}, "old"),  # killed before the old folder was removed
    ],
)
def test_an_interrupted_folder_swap_is_finished_or_undone(tmp_path, leftovers, survivor):
    path = tmp_path / "store"
    old = ox.Store(str(path))
    old.add(
        ox.Quad(
            ox.NamedNode("https://e.org/old"),
            ox.NamedNode("https://e.org/p"),
            ox.Literal("old"),
            ox.NamedNode("https://e.org/g"),
        )
    )
    del old
    if ".new" in leftovers:
        new = ox.Store(str(tmp_path / "store.new"))
        new.add(
            ox.Quad(
                ox.NamedNode("https://e.org/new"),
                ox.NamedNode("https://e.org/p"),
                ox.Literal("new"),
                ox.NamedNode("https://e.org/g"),
            )
        )
        del new
    if ".new.complete" in leftovers:
        (tmp_path / "store.new.complete").touch()
    if "-moved" in leftovers:
        path.rename(tmp_path / "store.old")
    if ".old" in leftovers:
        shutil.copytree(path, tmp_path / "store.old")
    recover_store_folder(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store"]
    assert [q.object.value for q in ox.Store(str(path))] == [survivor]
