"""The build-stage commands, in process: build, validate, stats, export; exit codes and messages."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from pgraph.cli import cli
from tests.conftest import SEED_PAGE, SEED_URL


@pytest.fixture
def catalogue(tmp_path) -> Path:
    """A folder with the seed page and its sources.yaml."""
    folder = tmp_path / "catalogue"
    (folder / "pages").mkdir(parents=True)
    shutil.copy(SEED_PAGE, folder / "pages" / SEED_PAGE.name)
    (folder / "sources.yaml").write_text(f"pages/{SEED_PAGE.name}: {SEED_URL}\n")
    return folder


def run(*args: str):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_build_prints_a_summary_and_stats_count_it(catalogue, tmp_path):
    store = tmp_path / "store"
    result = run("build", catalogue, "--store", store)
    assert result.exit_code == 0, result.output
    # 9 organisations named, 3 generic partners; and the successor of "HM Courts Service".
    assert "1 practices, 10 organisations, 3 generic partners, 12 memberships" in result.output
    stats = json.loads(run("stats", "--store", store, "--json").output)
    assert stats["practices"] == 1
    assert stats["statutory_memberships"] == 5
    assert stats["practices_per_country"] == {"GB": 1}


def test_a_page_without_title_fails_the_build_but_others_land(catalogue, tmp_path):
    (catalogue / "pages" / "broken.txt").write_text(
        "Curricula - Knowledge - Navigation\n\n", encoding="utf-8"
    )
    store = tmp_path / "store"
    result = run("build", catalogue, "--store", store)
    assert result.exit_code == 2
    assert "Error: catalogue/pages/broken.txt" in result.output
    assert "1 practices" in result.output


def test_validate_passes_on_the_seed(catalogue, tmp_path):
    store = tmp_path / "store"
    run("build", catalogue, "--store", store)
    result = run("validate", "--store", store)
    assert result.exit_code == 0, result.output
    assert "The graph conforms: 0 violations" in result.output


def test_validate_fails_readably_on_a_record_breaking_a_shape(tmp_path):
    folder = tmp_path / "records"
    folder.mkdir()
    (folder / "bad.yaml").write_text(
        "slug: bad-links\ntitle: Bad links\nlanguage: en\nlinks: ['ftp://example.org/file']\n",
        encoding="utf-8",
    )
    store = tmp_path / "store"
    assert run("build", folder, "--store", store).exit_code == 0
    result = run("validate", "--store", store)
    assert result.exit_code == 1
    assert (
        'Violation: records/bad.yaml:2: practice "Bad links" '
        "<https://w3id.org/pgraph/id/practice/bad-links>: rdfs:seeAlso: "
        "a useful link must be an http(s) IRI (value: <ftp://example.org/file>)"
    ) in result.output


def test_validate_without_a_store_says_what_to_do(tmp_path):
    result = run("validate", "--store", tmp_path / "nowhere")
    assert result.exit_code == 2
    assert "run `pgraph build` first" in result.output


@pytest.mark.parametrize(
    ("fmt", "rdflib_format", "quads"),
    [
        ("turtle", "turtle", False), ("ntriples", "nt", False), ("rdfxml", "xml", False),
        ("jsonld", "json-ld", True), ("nquads", "nquads", True), ("trig", "trig", True),
    ],
)
def test_export_parses_back_to_the_same_graph(catalogue, tmp_path, fmt, rdflib_format, quads):
    store_path = tmp_path / "store"
    run("build", catalogue, "--store", store_path)
    out = tmp_path / f"export.{fmt}"
    result = run("export", "--store", store_path, "--format", fmt, "--out", out)
    assert result.exit_code == 0, result.output

    store = ox.Store.read_only(str(store_path))
    expected = Graph()
    for quad in store:
        expected.parse(data=f"{quad.subject} {quad.predicate} {quad.object} .", format="nt")
    if quads:
        dataset = Dataset()
        dataset.parse(out, format=rdflib_format)
        exported = Graph()
        for s, p, o, _ in dataset.quads():
            exported.add((s, p, o))
    else:
        exported = Graph().parse(out, format=rdflib_format)
    assert isomorphic(exported, expected)


def test_export_is_deterministic(catalogue, tmp_path):
    store = tmp_path / "store"
    run("build", catalogue, "--store", store)
    first = run("export", "--store", store, "--format", "turtle").stdout_bytes
    second = run("export", "--store", store, "--format", "turtle").stdout_bytes
    assert first == second and len(first) > 10_000
