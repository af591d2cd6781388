"""Incremental builds and validations give what a full rebuild and a full validation give."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import SH, Graph
from rdflib.namespace import PROV

import pgraph.store.transaction as writing
from pgraph.build import build_catalogue, stored_source_graphs
from pgraph.resources import ontology_dir
from pgraph.shacl.engine import run_plan
from pgraph.shacl.state import _add_pending, load_state, pending_path, state_path
from pgraph.store import open_store
from pgraph.synth import generate_catalogue
from pgraph.validate import compiled_plan, report_from_results, validate_store
from pgraph.vocab import DEFAULT_BASE


def quads(store: ox.Store) -> set[str]:
    """Every quad but those of the builds graph (which records when each build ran)."""
    return {str(q) for q in store if not str(q.graph_name).endswith("/graph/builds>")}


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("synthetic") / "catalogue"
    generate_catalogue(folder, practices=70, seed=11, malformed_share=0.1)
    return folder


def edit(folder: Path) -> None:
    """Change, add and remove pages, including a partner shared with other practices."""
    pages = sorted((folder / "pages").glob("*.txt"))
    first = pages[3].read_text(encoding="utf-8")
    pages[3].write_text(first.replace("•", "• Edited", 1), encoding="utf-8")
    second = pages[7].read_text(encoding="utf-8")
    pages[7].write_text(second.replace("\n", "\n\n", 3), encoding="utf-8")  # same content
    shutil.copy(pages[20], folder / "pages" / "zz_added_copy_of_20.txt")  # a duplicate slug
    shutil.copy(pages[21], folder / "pages" / "zz_added_copy_of_21.txt")
    (folder / "pages" / "zz_added_copy_of_21.txt").write_text(
        pages[21].read_text(encoding="utf-8").replace("•", "• Other partnership", 2),
        encoding="utf-8",
    )
    pages[30].unlink()
    pages[31].unlink()


@pytest.mark.parametrize("in_place_limit", [writing.IN_PLACE_LIMIT, 0])
def test_incremental_build_equals_a_full_rebuild(catalogue, tmp_path, monkeypatch, in_place_limit):
    monkeypatch.setattr(writing, "IN_PLACE_LIMIT", in_place_limit)
    folder = tmp_path / "catalogue"
    shutil.copytree(catalogue, folder)
    store_path = tmp_path / "store"
    build_catalogue([folder], store_path=store_path)
    edit(folder)
    report = build_catalogue([folder], store_path=store_path)
    assert len(report.read) <= 5 + len(report.errors) and len(report.removed) == 2
    incremental = quads(report.store)
    full = quads(build_catalogue([folder], store_path=tmp_path / "fresh").store)
    assert incremental == full


def test_a_copied_page_dropped_again_leaves_what_a_full_rebuild_gives(catalogue, tmp_path):
    # The copy describes the same practice, generic partners included; once it goes,
    # the organisations named by its graph are described again from the pages left,
    # and a generic partner ("prison and probation services") must not become one.
    folder = tmp_path / "catalogue"
    shutil.copytree(catalogue, folder)
    store_path = tmp_path / "store"
    build_catalogue([folder], store_path=store_path)
    page = sorted((folder / "pages").glob("*.txt"))[20]
    copy = folder / "pages" / "zz_copy_of_20.txt"
    shutil.copy(page, copy)
    copied = build_catalogue([folder], store_path=store_path).store
    assert copied.query("""ASK { GRAPH ?g {
        ?partner a <https://w3id.org/pgraph/ontology#GenericPartner> .
        ?g <https://w3id.org/pgraph/ontology#sourceFile> ?file
        FILTER(STRENDS(?file, "zz_copy_of_20.txt")) } }"""), "no generic partner to test with"
    copy.unlink()
    incremental = quads(build_catalogue([folder], store_path=store_path).store)
    assert incremental == quads(build_catalogue([folder], store_path=tmp_path / "fresh").store)


def test_a_rebuild_of_an_unchanged_catalogue_reads_nothing(catalogue, tmp_path):
    store_path = tmp_path / "store"
    first = build_catalogue([catalogue], store_path=store_path)
    before = quads(first.store)
    again = build_catalogue([catalogue], store_path=store_path)
    assert again.read == [] and again.removed == []
    assert quads(again.store) == before


def built_and_validated(catalogue, tmp_path):
    """Copy the catalogue, build it and validate it with a kept state; return (folder, store)."""
    folder = tmp_path / "catalogue"
    shutil.copytree(catalogue, folder)
    store_path = tmp_path / "store"
    build_catalogue([folder], store_path=store_path)
    validate_store(open_store(store_path, read_only=True), state=state_path(store_path))
    return folder, store_path


def test_incremental_validation_equals_a_full_validation(catalogue, tmp_path):
    folder, store_path = built_and_validated(catalogue, tmp_path)
    state = state_path(store_path)
    assert load_state(state) is not None

    # A practice whose partnership shares its name with another one, roles disagreeing:
    # a violation that only the union of both graphs shows, on nodes of another file.
    pages = sorted((folder / "pages").glob("*.txt"))
    edit(folder)
    text = pages[12].read_text(encoding="utf-8").replace("•", "• Renamed", 1)
    pages[12].write_text(text, encoding="utf-8")
    build_catalogue([folder], store_path=store_path)
    assert load_state(state)["dirty"], "the build notes the nodes to check again"

    store = open_store(store_path, read_only=True)
    incremental = validate_store(store, state=state)
    full = report_from_results(store, run_plan(compiled_plan(), store))
    assert incremental.findings == full.findings
    assert incremental.conforms == full.conforms
    assert load_state(state)["dirty"] == []
    # Nothing changed since: the kept results are the report.
    assert validate_store(store, state=state).findings == full.findings


def test_a_one_page_rebuild_sends_only_that_page_back_to_validation(catalogue, tmp_path):
    # The first build generated every graph; the rebuild's provenance takes one graph
    # from it. Nodes pointing at that build (every source graph) stay validated: no
    # shape reads provenance.
    shapes = Graph().parse(ontology_dir() / "shapes.ttl")
    assert not any(str(term).startswith(str(PROV)) for triple in shapes for term in triple)
    assert "prov:" not in "".join(str(o) for o in shapes.objects(None, SH.select))
    folder, store_path = built_and_validated(catalogue, tmp_path)
    validated = state_path(store_path).read_bytes()
    page = sorted((folder / "pages").glob("*.txt"))[5]
    page.write_text(page.read_text(encoding="utf-8").replace("•", "• Edited", 1), encoding="utf-8")
    build_catalogue([folder], store_path=store_path)
    # The build notes what to check again beside the state, and leaves the state as it was.
    assert state_path(store_path).read_bytes() == validated
    assert pending_path(state_path(store_path)).exists()
    dirty = load_state(state_path(store_path))["dirty"]
    graphs = [node for node in dirty if "/graph/source/" in node]
    assert len(graphs) == 1 and page.stem.replace("_", "-") in graphs[0]  # the page's own
    store = open_store(store_path, read_only=True)
    incremental = validate_store(store, state=state_path(store_path))
    full = report_from_results(store, run_plan(compiled_plan(), store))
    assert incremental.findings == full.findings
    assert not pending_path(state_path(store_path)).exists()
    assert load_state(state_path(store_path))["dirty"] == []


def validated_then_rebuilt(catalogue, tmp_path):
    """Build and validate a copy of the catalogue, edit one page and build again; return
    (store, validation state): the build left notes for the next validation."""
    folder, store_path = built_and_validated(catalogue, tmp_path)
    page = sorted((folder / "pages").glob("*.txt"))[5]
    page.write_text(page.read_text(encoding="utf-8").replace("•", "• Edited", 1), encoding="utf-8")
    build_catalogue([folder], store_path=store_path)
    return store_path, state_path(store_path)


def test_what_a_build_notes_while_a_validation_runs_is_kept_for_the_next(
    catalogue, tmp_path, monkeypatch
):
    store_path, state = validated_then_rebuilt(catalogue, tmp_path)
    noted_before = set(load_state(state)["dirty"])
    # A build that commits while the validation checks: it notes a node to check again.
    late = "<https://example.org/noted-while-validating>"

    def checking_while_a_build_commits(*args, **kwargs):
        _add_pending(state, dirty=[late])
        return run_plan(*args, **kwargs)

    monkeypatch.setattr("pgraph.shacl.state.run_plan", checking_while_a_build_commits)
    validate_store(open_store(store_path, read_only=True), state=state)
    assert load_state(state)["dirty"] == [late]  # kept; what was noted before is checked
    assert late not in noted_before
    assert sorted(p.name for p in store_path.parent.glob("*.taken")) == []


def test_notes_taken_by_a_validation_that_stopped_are_checked_by_the_next(
    catalogue, tmp_path, monkeypatch
):
    store_path, state = validated_then_rebuilt(catalogue, tmp_path)
    noted = load_state(state)["dirty"]

    def stopped(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("pgraph.shacl.state.run_plan", stopped)
    with pytest.raises(KeyboardInterrupt):
        validate_store(open_store(store_path, read_only=True), state=state)
    monkeypatch.undo()
    assert not pending_path(state).exists()  # taken aside, not lost
    assert load_state(state)["dirty"] == noted
    store = open_store(store_path, read_only=True)
    incremental = validate_store(store, state=state)
    full = report_from_results(store, run_plan(compiled_plan(), store))
    assert incremental.findings == full.findings
    assert load_state(state)["dirty"] == []
    assert sorted(p.name for p in store_path.parent.glob("*.taken")) == []


def test_a_validation_state_of_results_in_one_list_is_still_read(catalogue, tmp_path):
    # The state keeps its results by focus node; a state written before, with one sorted
    # list of results, is read as it was: the next validation stays incremental and equal.
    folder, store_path = built_and_validated(catalogue, tmp_path)
    state = state_path(store_path)
    saved = load_state(state)
    assert isinstance(saved["results"], dict) and saved["results"]
    saved["results"] = sorted((row for rows in saved["results"].values() for row in rows),
                              key=json.dumps)
    state.write_text(json.dumps(saved), encoding="utf-8")
    page = sorted((folder / "pages").glob("*.txt"))[5]
    page.write_text(page.read_text(encoding="utf-8").replace("•", "• Edited", 1), encoding="utf-8")
    build_catalogue([folder], store_path=store_path)
    store = open_store(store_path, read_only=True)
    incremental = validate_store(store, state=state)
    full = report_from_results(store, run_plan(compiled_plan(), store))
    assert incremental.findings == full.findings
    assert isinstance(load_state(state)["results"], dict)


def test_a_build_whose_notes_cannot_be_written_leaves_no_state_to_trust(catalogue, tmp_path):
    folder, store_path = built_and_validated(catalogue, tmp_path)
    state = state_path(store_path)
    pending_path(state).mkdir()  # the notes cannot be written there
    page = sorted((folder / "pages").glob("*.txt"))[5]
    page.write_text(page.read_text(encoding="utf-8").replace("•", "• Edited", 1), encoding="utf-8")
    build_catalogue([folder], store_path=store_path)
    assert load_state(state) is None  # the next validation checks everything


def _record(folder: Path, slug: str, *partners: str) -> None:
    listed = "\n".join(f"    - name: {name}" for name in partners)
    (folder / f"{slug}.yaml").write_text(
        f"slug: {slug}\ntitle: {slug.title()}\npartnership:\n  name: {slug} network\n"
        f"  partners:\n{listed}\n",
        encoding="utf-8",
    )


def _graph_triples(store: ox.Store, name: str) -> set[str]:
    """The triples of one of pgraph's own graphs (``organisations``, ``unresolved``)."""
    graph = ox.NamedNode(f"https://w3id.org/pgraph/id/graph/{name}")
    described = store.quads_for_pattern(None, None, None, graph)
    return {f"{q.subject} {q.predicate} {q.object}" for q in described}


def _organisations(store: ox.Store) -> set[str]:
    return _graph_triples(store, "organisations")


def test_an_organisation_is_described_once_from_every_name_it_is_given(tmp_path):
    folder = tmp_path / "records"
    folder.mkdir()
    _record(folder, "a", "police scotland", "Town NGO")
    _record(folder, "b", "Police Scotland")
    store_path = tmp_path / "store"
    store = build_catalogue([folder], store_path=store_path).store
    police = "<https://w3id.org/pgraph/id/organisation/police-scotland>"
    label = "<http://www.w3.org/2004/02/skos/core#prefLabel>"
    alt = "<http://www.w3.org/2004/02/skos/core#altLabel>"
    described = _organisations(store)
    assert {f'{police} {label} "Police Scotland"', f'{police} {alt} "police scotland"'} <= described
    assert sum(police in t and label in t for t in {str(q) for q in store}) == 1  # stated once

    (folder / "b.yaml").unlink()  # "police scotland" is now the only name
    _record(folder, "a", "police scotland")  # and Town NGO is named by no one
    incremental = build_catalogue([folder], store_path=store_path).store
    described = _organisations(incremental)
    assert f'{police} {label} "police scotland"' in described
    assert not any("town-ngo" in t for t in described)
    full = build_catalogue([folder], store_path=tmp_path / "fresh").store
    assert quads(incremental) == quads(full)


def test_the_hash_cache_skips_unchanged_files_and_sees_every_change(tmp_path, monkeypatch):
    import os

    import pgraph.build.reading as reading

    monkeypatch.setattr(reading.HashCache, "SETTLED", 0.0)  # the test's files are seconds old
    folder = tmp_path / "catalogue"
    generate_catalogue(folder, practices=6, seed=3, malformed_share=0.0)
    store_path = tmp_path / "store"
    first = build_catalogue([folder], store_path=store_path)
    cache = store_path.with_name("store.hash-cache.json")
    assert cache.exists()

    hashed: list[Path] = []
    real_hash_file = reading.hash_file
    monkeypatch.setattr(reading, "hash_file", lambda path, fp: hashed.append(path)
                        or real_hash_file(path, fp))
    again = build_catalogue([folder], store_path=store_path)
    assert hashed == [] and again.read == [] and len(again.unchanged) == len(first.read)

    # Same size, modification time set back: only the change time tells (as in git's index).
    page = sorted((folder / "pages").glob("*.txt"))[2]
    before = page.stat()
    text = page.read_text(encoding="utf-8")
    edited = text.replace("a", "e", 1)
    assert edited != text and len(edited.encode()) == len(text.encode())
    page.write_text(edited, encoding="utf-8")
    os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (page.stat().st_size, page.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    changed = build_catalogue([folder], store_path=store_path)
    assert hashed == [page] and changed.read == [f"catalogue/pages/{page.name}"]

    # A broken cache is only a slower build.
    cache.write_text("{not json", encoding="utf-8")
    hashed.clear()
    broken = build_catalogue([folder], store_path=store_path)
    assert broken.read == [] and len(hashed) == len(first.read)


def test_a_first_build_leaves_hashing_to_the_readers(tmp_path, monkeypatch):
    # Every file is read: hashing them first, one after the other, kept a core idle.
    import pgraph.build.reading as reading

    monkeypatch.setattr(reading.HashCache, "SETTLED", 0.0)  # the test's files are seconds old
    monkeypatch.setattr(reading, "PARALLEL_THRESHOLD", 1)  # read in worker processes
    folder = tmp_path / "catalogue"
    generate_catalogue(folder, practices=6, seed=3, malformed_share=0.0)
    planned: list[str] = []
    monkeypatch.setattr(reading.HashCache, "hash", lambda self, path: planned.append(path))
    store_path = tmp_path / "store"
    first = build_catalogue([folder], store_path=store_path, jobs=2)
    assert planned == []
    assert sorted(first.read) == sorted(name for _, _, name in reading.discover([folder]))
    fingerprint = reading.mapping_fingerprint(DEFAULT_BASE)
    stored = stored_source_graphs(first.store)
    first.store.close()
    for name in first.read:
        assert stored[name][1] == reading.hash_file(tmp_path / name, fingerprint), name
    # The readers' hashes are remembered as the planner's are: the next build hashes nothing.
    monkeypatch.undo()
    monkeypatch.setattr(reading.HashCache, "SETTLED", 0.0)
    hashed: list[Path] = []
    monkeypatch.setattr(reading, "hash_file", lambda path, fp: hashed.append(path))
    again = build_catalogue([folder], store_path=store_path)
    assert hashed == [] and again.read == [] and sorted(again.unchanged) == sorted(first.read)


def test_a_just_written_file_is_hashed_again_next_time(tmp_path, monkeypatch):
    import pgraph.build.reading as reading

    folder = tmp_path / "catalogue"
    generate_catalogue(folder, practices=3, seed=5, malformed_share=0.0)
    cache = reading.HashCache(tmp_path / "store", "fingerprint")
    page = sorted((folder / "pages").glob("*.txt"))[0]
    cache.hash(page)
    assert cache.kept == {}  # written less than HashCache.SETTLED seconds ago: racy, not kept
    monkeypatch.setattr(reading.HashCache, "SETTLED", 0.0)
    cache.hash(page)
    cache.save()
    assert reading.HashCache(tmp_path / "store", "fingerprint").entries.keys() == {str(page)}
    assert reading.HashCache(tmp_path / "store", "other fingerprint").entries == {}


def _unresolved(store: ox.Store) -> set[str]:
    return _graph_triples(store, "unresolved")


def test_an_unmapped_value_is_described_once_from_every_form_pages_write(tmp_path):
    folder = tmp_path / "records"
    folder.mkdir()
    for slug, form in [("a", "Shoplifting"), ("b", "Shoplifting"), ("c", "SHOPLIFTING")]:
        (folder / f"{slug}.yaml").write_text(
            f"slug: {slug}\ntitle: {slug.title()}\ndomains: [{form}]\n", encoding="utf-8"
        )
    store_path = tmp_path / "store"
    store = build_catalogue([folder], store_path=store_path).store
    concept = "<https://w3id.org/pgraph/id/concept/domain/shoplifting>"
    skos = "http://www.w3.org/2004/02/skos/core#"
    assert {f'{concept} <{skos}prefLabel> "Shoplifting"',
            f'{concept} <{skos}altLabel> "SHOPLIFTING"'} <= _unresolved(store)
    labels = store.query(f"SELECT ?l WHERE {{ {concept} <{skos}prefLabel> ?l }}",
                         use_default_graph_as_union=True)
    assert len(list(labels)) == 1, "described once, not once per page"

    (folder / "a.yaml").unlink()
    (folder / "b.yaml").unlink()
    store = build_catalogue([folder], store_path=store_path).store
    assert f'{concept} <{skos}prefLabel> "SHOPLIFTING"' in _unresolved(store)
    assert _unresolved(store) == _unresolved(
        build_catalogue([folder], store_path=tmp_path / "fresh").store
    )
    (folder / "c.yaml").write_text("slug: c\ntitle: C\n", encoding="utf-8")
    store = build_catalogue([folder], store_path=store_path).store
    assert not [triple for triple in _unresolved(store) if triple.startswith(concept)]
