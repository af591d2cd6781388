"""Validation tells the truth about data quality; the build report is kept; rebuilds are stable."""

from __future__ import annotations

import re
import shutil

import pytest
from click.testing import CliRunner

from pgraph.build import build_catalogue
from pgraph.cli import cli
from pgraph.errors import SourceError
from pgraph.publish import write_dump
from pgraph.store import open_store
from pgraph.validate import validate_graph, validate_store
from tests.conftest import DATA

SEED = next((DATA / "pages").glob("*.txt"))


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def faulty(tmp_path):
    """The seed page with an impossible start date, an unknown country, an unknown Act,
    an unmapped rating and no partners in a second page."""
    folder = tmp_path / "catalogue"
    folder.mkdir()
    text = SEED.read_text(encoding="utf-8")
    text = text.replace("Royaume-Uni", "Atlantis").replace(
        "Date de début: 1st January 2014", "Date de début: 31st February 2014"
    )
    text = text.replace("Crime and Disorder Act (1998)", "Safer Streets Act (2003)")
    text = text.replace("  • Effective\n", "  • Quite effective\n")
    (folder / "seed.txt").write_text(text, encoding="utf-8")
    (folder / "lonely.yaml").write_text(
        "slug: lonely\ntitle: Lonely Practice\nlanguage: en\ncountry: France\n"
        "assessments:\n  impact: {text: No rating given.}\n",
        encoding="utf-8",
    )
    return folder


def test_every_build_warning_visible_in_the_graph_is_a_shacl_warning(faulty, tmp_path):
    built = build_catalogue([faulty], store_path=None)
    report = validate_store(built.store)
    assert report.conforms
    found = {(f.practice_title, f.field, f.message.split(";")[0], f.value) for f in report.warnings}
    seed, lonely = "Z Community Policing in the UK", "Lonely Practice"
    itself = "<https://w3id.org/pgraph/id/practice/lonely>"  # sh:value is the focus node
    expected = {
        (seed, "pg:country", "the value is not in its vocabulary", '"Atlantis"'),
        (seed, "pg:startDateAsWritten", "the start date the source gives is not a date",
         '"31st February 2014"'),
        (seed, "pg:statutoryBasis",
         "the Act a statutory partner answers to is not a known Act", '"Safer Streets Act 2003"'),
        (seed, "pg:rating", "the rating is not on its criterion's scale", '"Quite effective"'),
        (lonely, None, "the practice has no start date (and the page does not say it is not "
         "reported)", itself),
        (lonely, None, "the practice names no partner", itself),
        (lonely, None, "the practice is evaluated but has no rating", itself),
    }
    assert expected <= found, found - expected
    # Readable: the practice, the field, the value and the source file and line.
    (country,) = [f for f in report.warnings if f.field == "pg:country"]
    assert str(country).startswith(
        'Warning: catalogue/seed.txt:3: practice "Z Community Policing in the UK" <'
    )
    assert str(country).endswith('(value: "Atlantis")')
    # The same report as pySHACL's on the whole graph.
    from pgraph.validate import store_graph

    assert validate_graph(store_graph(built.store)).findings == report.findings


def test_validate_prints_warnings_and_strict_fails_on_them(faulty, tmp_path):
    store = tmp_path / "store"
    assert run("build", faulty, "--store", store).exit_code == 0
    result = run("validate", "--store", store)
    assert result.exit_code == 0
    assert "The graph conforms: 0 violations, 8 warnings." in result.output
    assert '(value: "31st February 2014")' in result.output
    strict = run("validate", "--strict", "--store", store)
    assert strict.exit_code == 1
    assert "8 warnings" in strict.output
    clean = tmp_path / "clean"
    run("build", DATA / "pages", "--store", clean)
    assert run("validate", "--strict", "--store", clean).exit_code == 0


def test_the_build_report_is_kept_and_shown_again(faulty, tmp_path):
    store = tmp_path / "store"
    first = run("build", faulty, "--store", store)
    assert "Atlantis" in first.output
    second = run("build", faulty, "--store", store)
    assert "0 warnings" in second.output  # nothing was read again
    shown = run("report", "--store", store)
    assert shown.exit_code == 0
    assert 'Warning: catalogue/seed.txt:5: country: "Atlantis" is not an ISO 3166' in shown.output
    assert "The stored catalogue: 2 source files" in shown.output
    assert "Last build (" in shown.output and "0 files read, 2 unchanged" in shown.output
    # Where the last build's time went: each phase, wall time then CPU.
    assert re.search(r"Its time: hashing files [\d.]+ s \(CPU [\d.]+ s\); reading and loading "
                     r"[\d.]+ s .*; shared graphs .*; commit [\d.]+ s", shown.output)
    # Fixing a file drops its warnings; the other file's stay.
    (faulty / "seed.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    run("build", faulty, "--store", store)
    shown = run("report", "--store", store)
    assert "Atlantis" not in shown.output
    assert "Lonely" not in shown.output or "lonely.yaml" in shown.output
    assert "1 files read, 1 unchanged" in shown.output  # this build's summary, not the last
    # A build that changes no source's messages keeps its summary apart: the same report.
    run("build", faulty, "--store", store)
    again = run("report", "--store", store)
    assert "0 files read, 2 unchanged" in again.output
    # All but the last build's summary, its time and the totals.
    assert again.output.splitlines()[:-3] == shown.output.splitlines()[:-3]
    nothing = run("report", "--store", tmp_path / "none")
    assert nothing.exit_code == 2 and "no build report kept here" in nothing.output


# ---------------------------------------------------------------- stable rebuilds


def _dump(store_path, path):
    write_dump(open_store(store_path, read_only=True), path, "nquads")
    return sorted(path.read_bytes().splitlines())


def test_a_build_that_changes_nothing_leaves_the_store_the_same(tmp_path):
    folder = tmp_path / "catalogue"
    shutil.copytree(DATA / "pages", folder / "pages")
    store = tmp_path / "store"
    build_catalogue([folder], store_path=store)
    first = _dump(store, tmp_path / "1.nq")
    build_catalogue([folder], store_path=store)
    build_catalogue([folder], store_path=store)
    assert _dump(store, tmp_path / "2.nq") == first


def test_the_builds_graph_keeps_the_last_build_of_each_source(tmp_path):
    folder = tmp_path / "catalogue"
    shutil.copytree(DATA / "pages", folder / "pages")
    (folder / "other.yaml").write_text("slug: other\ntitle: Other\n", encoding="utf-8")
    store = tmp_path / "store"
    for title in ("Other", "Other again", "Other once more"):
        (folder / "other.yaml").write_text(f"slug: other\ntitle: {title}\n", encoding="utf-8")
        build_catalogue([folder], store_path=store)
    source = open_store(store, read_only=True)
    rows = list(source.query(
        """PREFIX prov: <http://www.w3.org/ns/prov#>
        PREFIX pg: <https://w3id.org/pgraph/ontology#>
        SELECT ?build ?name WHERE { ?build a pg:Build . OPTIONAL { ?build prov:generated ?g .
          ?g pg:sourceFile ?name } }""",
        use_default_graph_as_union=True,
    ))
    # Two activities: the first build (which last made the seed page's graph) and the
    # last one (which made other.yaml's); the middle build superseded entirely.
    by_build: dict[str, set[str]] = {}
    for row in rows:
        by_build.setdefault(row["build"].value, set()).add(row["name"].value)
    assert sorted(by_build.values(), key=sorted) == [
        {"catalogue/other.yaml"},
        {"catalogue/pages/000_370808593d96a53c.txt"},
    ]


def test_a_folder_without_pages_or_records_is_an_error(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(SourceError, match="no catalogue pages or records found"):
        build_catalogue([empty], store_path=None)
    result = run("build", empty, "--store", tmp_path / "store")
    assert result.exit_code == 2
    assert "Error:" in result.output and "no catalogue pages or records found" in result.output
    # A folder whose pages were all deleted is not a mistake: its graphs go.
    shutil.copy(SEED, empty / "seed.txt")
    assert run("build", empty, "--store", tmp_path / "store").exit_code == 0
    (empty / "seed.txt").unlink()
    emptied = run("build", empty, "--store", tmp_path / "store")
    assert emptied.exit_code == 0 and "0 practices" in emptied.output
    assert "1 removed" in emptied.output
