"""The bad-input corpus (tests/bad_input/): every case gives the outcome cases.yaml says.

One catalogue folder is built twice into one store: first with a good page
and a *good* version of every case file, then with every case file replaced
by its bad content and a new good page added. For each case this checks the
outcome (error / skipped / warning / ok), the messages (file, line, field),
that the good pages land, and that what the store held before is not lost:
a file refused keeps its earlier graph unchanged.

``pytest tests/test_bad_input.py -q`` runs one test per case (the figures in
the README (Reliability and security); ``python tests/reliability_figures.py`` prints them).
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml
from click.testing import CliRunner

from pgraph.build import BuildReport, build_catalogue
from pgraph.cli import cli
from pgraph.errors import SourceError
from pgraph.mapping import Iris
from pgraph.store import open_store
from pgraph.vocab import PG

TESTS = Path(__file__).resolve().parent
BAD_INPUT = TESTS / "bad_input"
sys.path.insert(0, str(BAD_INPUT))
from make_cases import (  # noqa: E402 - the corpus maker lives beside the corpus
    CASES,
    GENERATED,
    committed_cases,
    generated_case,
    page,
)

MANIFEST = yaml.safe_load((BAD_INPUT / "cases.yaml").read_text(encoding="utf-8"))["cases"]
CASE_NAMES = [case["file"] for case in MANIFEST]
OUTCOMES = ("error", "skipped", "warning", "ok")
RDF_SUFFIXES = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES,
                ".nq": ox.RdfFormat.N_QUADS, ".trig": ox.RdfFormat.TRIG,
                ".rdf": ox.RdfFormat.RDF_XML, ".jsonld": ox.RdfFormat.JSON_LD}
FOLDER = "catalogue"  # the root folder's name prefixes every source name
_PREFIX = re.compile(r"^(?P<path>[^:]+?)(?::(?P<line>\d+))?: (?P<rest>.*)$", re.DOTALL)


@dataclass
class Message:
    """One error, warning or skip message about a file, with where it points."""

    kind: str
    path: str
    line: int | None
    field: str | None
    text: str  # the whole message as printed


@dataclass
class CorpusBuild:
    store: ox.Store
    report: BuildReport
    before: dict[str, set]  # graph IRI -> quads, after the good build
    after: dict[str, set]
    messages: dict[str, list[Message]] = field(default_factory=dict)  # source name -> messages


def good_version(name: str) -> bytes:
    """The content a case file had in the earlier, good build."""
    stem, suffix = Path(name).stem, Path(name).suffix
    if suffix == ".txt":
        return page(f"Before {stem}").encode("utf-8")
    if suffix in (".yaml", ".yml"):
        return f"title: Before {stem}\ncountry: France\n".encode()
    if suffix == ".json":
        return f'{{"title": "Before {stem}", "country": "France"}}'.encode()
    if suffix == ".csv":
        return f"title,country\nBefore {stem},France\n".encode()
    quad = ox.Quad(ox.NamedNode(f"https://example.org/before/{stem}"),
                   ox.NamedNode("http://purl.org/dc/terms/title"), ox.Literal("before"))
    return ox.serialize([quad.triple] if suffix not in (".nq", ".trig") else [quad],
                        format=RDF_SUFFIXES[suffix])


def bad_version(name: str) -> bytes:
    return generated_case(name) if name in GENERATED else (CASES / name).read_bytes()


def snapshot(store: ox.Store) -> dict[str, set]:
    graphs: dict[str, set] = {}
    for quad in store:
        if isinstance(quad.graph_name, ox.NamedNode):
            graphs.setdefault(quad.graph_name.value, set()).add(quad.triple)
    return graphs


def messages_of(report: BuildReport) -> dict[str, list[Message]]:
    found: dict[str, list[Message]] = {}
    for error in report.errors:
        found.setdefault(error.path or "", []).append(
            Message("error", error.path or "", error.line, error.field, str(error)))
    for warning in report.warnings:
        found.setdefault(warning.path or "", []).append(
            Message("warning", warning.path or "", warning.line, warning.field, str(warning)))
    for skipped in report.skipped:
        # "catalogue/x.txt:5: not a practice page …"
        match = _PREFIX.match(skipped)
        assert match, skipped
        line = int(match["line"]) if match["line"] else None
        found.setdefault(match["path"], []).append(
            Message("skipped", match["path"], line, None, skipped))
    return found


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> CorpusBuild:
    """Build the good versions, then the bad ones (and a new good page), into one store."""
    root = tmp_path_factory.mktemp("corpus")
    folder = root / FOLDER
    folder.mkdir()
    (folder / "good.txt").write_bytes(page("Good Practice").encode("utf-8"))
    for name in CASE_NAMES:
        (folder / name).write_bytes(good_version(name))
    store_path = root / "store"
    first = build_catalogue([folder], store_path=store_path)
    assert not first.errors, [str(e) for e in first.errors]
    before = snapshot(first.store)
    del first
    for name in CASE_NAMES:
        (folder / name).write_bytes(bad_version(name))
    (folder / "new_good.txt").write_bytes(page("New Good Practice").encode("utf-8"))
    report = build_catalogue([folder], store_path=store_path)
    return CorpusBuild(report.store, report, before, snapshot(report.store),
                       messages_of(report))


def source(name: str) -> str:
    return f"{FOLDER}/{name}"


def graph_of(name: str) -> str:
    return str(Iris().source_graph(source(name)))


def practices_in(triples: set) -> int:
    return sum(1 for t in triples
               if t.predicate.value.endswith("#type")
               and t.object == ox.NamedNode(str(PG.Practice)))


def statements_in(triples: set) -> int:
    # a graph's own bookkeeping (pg:sourceFile, pg:contentHash) is not the file's content
    return sum(1 for t in triples if not t.predicate.value.startswith(str(PG)))


# ---------------------------------------------------------------- one test per case


@pytest.mark.parametrize("case", MANIFEST, ids=CASE_NAMES)
def test_case_gives_its_outcome_and_loses_nothing(corpus: CorpusBuild, case: dict) -> None:
    name, outcome = case["file"], case["outcome"]
    assert outcome in OUTCOMES
    messages = corpus.messages.get(source(name), [])
    kinds = Counter(m.kind for m in messages)
    graph = graph_of(name)
    before, after = corpus.before.get(graph, set()), corpus.after.get(graph, set())
    assert before, f"{name}: its good version did not land in the first build"

    for expected in case.get("expect", []):
        matching = [
            m for m in messages
            if expected["says"] in m.text
            and ("line" not in expected or m.line == expected["line"])
            and ("field" not in expected or m.field == expected["field"])
        ]
        assert matching, (
            f"{name}: no message says {expected} — it gave:\n"
            + "\n".join(f"  {m.kind} line={m.line} field={m.field}: {m.text}" for m in messages)
        )
        # every message names the file it is about
        assert all(m.text.startswith(source(name)) for m in matching)

    if outcome == "error":
        assert kinds["error"] >= 1, messages
        assert after == before, f"{name}: a refused file must keep its earlier graph"
    elif outcome == "skipped":
        assert kinds["skipped"] == 1 and kinds["error"] == 0, messages
        assert practices_in(after) == 0
    else:
        assert kinds["error"] == 0 and kinds["skipped"] == 0, messages
        if Path(name).suffix in RDF_SUFFIXES:
            assert statements_in(after) == case.get("statements", 1)
        else:
            assert practices_in(after) == case.get("practices", 1)
        if outcome == "ok":
            assert kinds["warning"] == 0, [m.text for m in messages]
        else:
            assert kinds["warning"] >= len(case.get("expect", [])) > 0


def test_good_pages_land_beside_the_bad_ones(corpus: CorpusBuild) -> None:
    old, new = graph_of("good.txt"), graph_of("new_good.txt")
    assert corpus.after[old] == corpus.before[old]
    assert practices_in(corpus.after[new]) == 1
    assert not corpus.messages.get(source("good.txt")) and not corpus.messages.get(
        source("new_good.txt"))


def test_no_graph_outside_the_corpus_was_lost(corpus: CorpusBuild) -> None:
    lost = set(corpus.before) - set(corpus.after)
    assert not lost
    for graph in corpus.before:
        if graph.endswith(("/graph/vocabularies", "/graph/ontology")):
            assert corpus.after[graph] == corpus.before[graph]


def test_nothing_of_an_external_entity_or_a_bomb_reached_the_store(corpus: CorpusBuild) -> None:
    literals = [t.object.value for triples in corpus.after.values() for t in triples
                if isinstance(t.object, ox.Literal)]
    assert not any("root:" in value or "lollollol" in value for value in literals)


def test_html_in_a_page_is_kept_as_text(corpus: CorpusBuild) -> None:
    titles = {t.object.value for t in corpus.after[graph_of("html_in_text.txt")]
              if t.predicate.value == "http://purl.org/dc/terms/title"}
    assert titles == {"<b>Street</b> Watch <script>alert(1)</script>"}


def test_every_case_file_is_in_the_manifest_and_made_by_make_cases() -> None:
    committed = sorted(p.name for p in CASES.iterdir())
    assert sorted(committed_cases()) == committed
    assert sorted(committed + list(GENERATED)) == sorted(CASE_NAMES)
    for name, data in committed_cases().items():
        assert (CASES / name).read_bytes() == data, f"{name}: rerun tests/bad_input/make_cases.py"
    assert all(case.get("generated", False) == (case["file"] in GENERATED) for case in MANIFEST)


# ---------------------------------------------------------------- the command line


def test_the_cli_prints_one_line_per_problem_and_exits_2(tmp_path: Path) -> None:
    folder = tmp_path / FOLDER
    folder.mkdir()
    (folder / "good.txt").write_bytes(page("Good Practice").encode("utf-8"))
    for name in ["no_title.txt", "xxe.rdf", "yaml_python_tag.yaml", "impossible_date.txt"]:
        (folder / name).write_bytes(bad_version(name))
    result = CliRunner().invoke(cli, ["build", str(folder), "--store", str(tmp_path / "s")])
    assert result.exit_code == 2, result.output
    lines = result.output.splitlines()
    assert 'Error: catalogue/no_title.txt:3: title: no title: the first line of text is "• Royaume-Uni"; the title is the first line after the site chrome, before the country bullet' in lines  # noqa: E501
    assert any(line.startswith('Error: catalogue/xxe.rdf:3: DOCTYPE: XML external entity "xxe"')
               for line in lines)
    assert any(line.startswith("Error: catalogue/yaml_python_tag.yaml:2: YAML tag")
               for line in lines)
    assert any(line.startswith('Warning: catalogue/impossible_date.txt:6: start_date: "Date de')
               for line in lines)
    assert "2 practices" in lines[-1] and "3 errors" in lines[-1]
    assert "Traceback" not in result.output


def test_strict_stops_at_the_first_bad_file_and_changes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / FOLDER
    folder.mkdir()
    (folder / "good.txt").write_bytes(page("Good Practice").encode("utf-8"))
    store_path = tmp_path / "store"
    build_catalogue([folder], store_path=store_path)
    before = snapshot(open_store(store_path))
    (folder / "another.txt").write_bytes(page("Another Practice").encode("utf-8"))
    (folder / "empty.txt").write_bytes(b"")
    with pytest.raises(SourceError, match="the file is empty") as caught:
        build_catalogue([folder], store_path=store_path, strict=True)
    assert caught.value.path.endswith("empty.txt")  # its traceback holds a closed store
    assert snapshot(open_store(store_path)) == before


# ---------------------------------------------------------------- file names that meet


def test_two_files_whose_names_slug_alike_never_share_a_graph(tmp_path: Path) -> None:
    # "a b.txt" and "a-b.txt" would both be the graph …/source/catalogue-a-b-txt: merged,
    # and deleting one would have dropped the other. The second is refused, clearly.
    folder = tmp_path / FOLDER
    folder.mkdir()
    (folder / "a b.txt").write_bytes(page("First Of Two").encode("utf-8"))
    (folder / "a-b.txt").write_bytes(page("Second Of Two").encode("utf-8"))
    store_path = tmp_path / "store"
    report = build_catalogue([folder], store_path=store_path)
    assert report.practices == 1
    assert [str(e) for e in report.errors] == [
        "catalogue/a-b.txt: its graph <https://w3id.org/pgraph/id/graph/source/catalogue-a-b-txt>"
        ' is the graph of "catalogue/a b.txt" already (the names differ only in case, spaces or'
        " punctuation); not built; rename one of the two files"
    ]
    del report
    (folder / "a b.txt").unlink()
    report = build_catalogue([folder], store_path=store_path)
    assert report.practices == 1 and not report.errors, report.summary()


def test_a_renamed_file_keeps_its_practice(tmp_path: Path) -> None:
    folder = tmp_path / FOLDER
    folder.mkdir()
    (folder / "My Page.txt").write_bytes(page("Renamed Practice").encode("utf-8"))
    store_path = tmp_path / "store"
    build_catalogue([folder], store_path=store_path)
    (folder / "My Page.txt").rename(folder / "my-page.txt")
    report = build_catalogue([folder], store_path=store_path)
    assert report.practices == 1, report.summary()
