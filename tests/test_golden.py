"""Golden graphs: every fixture page and record file, read and mapped as a build does.

``tests/golden/fixtures/<kind>/<file>.ttl`` is the reviewed graph the build
stores for ``tests/fixtures/<kind>/<file>`` (compared by graph isomorphism);
a file that cannot be built has ``<file>.error.txt`` instead, the error the
build reports. ``pytest tests/test_golden.py --update-golden`` rewrites them
from the current output: review the diff before committing.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from pgraph.build.reading import ReadJob, read_file
from pgraph.store import from_oxigraph
from pgraph.vocab import PG_NAMESPACE, PGV
from tests.conftest import TESTS

FIXTURES = TESTS / "fixtures"
GOLDEN = TESTS / "golden" / "fixtures"
GRAPH = "https://w3id.org/pgraph/id/graph/source/golden"
CASES = sorted(
    path.relative_to(FIXTURES)
    for kind in ("pages", "records", "html")
    for path in (FIXTURES / kind).iterdir()
    if path.is_file()
)


def built(case: Path) -> Graph | str:
    """Return the graph a build stores for the fixture, or the error it reports."""
    path = FIXTURES / case
    result = read_file(
        ReadJob(path, FIXTURES, f"fixtures/{case.as_posix()}", "golden", GRAPH),
        base="https://w3id.org/pgraph/id/",
    )
    if result.error is not None:
        return f"{result.error}\n"
    if result.skipped is not None:
        return f"skipped: {result.skipped}\n"
    graph = Graph()
    graph.bind("pg", PG_NAMESPACE)
    graph.bind("pgv", PGV)
    for quad in ox.parse(result.nquads.encode(), format=ox.RdfFormat.N_QUADS):
        graph.add((from_oxigraph(quad.subject), from_oxigraph(quad.predicate),
                   from_oxigraph(quad.object)))
    return graph


def test_every_fixture_has_a_case():
    assert len([c for c in CASES if c.parts[0] == "pages"]) >= 24
    assert len([c for c in CASES if c.parts[0] == "records"]) >= 8


@pytest.mark.parametrize("case", CASES, ids=[c.as_posix() for c in CASES])
def test_a_fixture_gives_its_reviewed_golden_graph(case: Path, request):
    got = built(case)
    graph_file = GOLDEN / f"{case}.ttl"
    error_file = GOLDEN / f"{case}.error.txt"
    if request.config.getoption("--update-golden"):
        graph_file.parent.mkdir(parents=True, exist_ok=True)
        graph_file.unlink(missing_ok=True)
        error_file.unlink(missing_ok=True)
        if isinstance(got, str):
            error_file.write_text(got, encoding="utf-8")
        else:
            got.serialize(graph_file, format="turtle")
    if isinstance(got, str):
        assert error_file.is_file(), f"{case} now fails: {got}"
        assert got == error_file.read_text(encoding="utf-8")
        return
    assert graph_file.is_file(), f"{case} now builds; it had {error_file.name}"
    expected = Graph().parse(graph_file)
    if not isomorphic(got, expected):
        _, only_built, only_golden = graph_diff(to_isomorphic(got), to_isomorphic(expected))
        pytest.fail(
            f"{case}'s graph differs from {graph_file.relative_to(TESTS)} "
            "(rerun with --update-golden after review):\n"
            f"only built:\n{only_built.serialize(format='nt')}\n"
            f"only golden:\n{only_golden.serialize(format='nt')}"
        )
