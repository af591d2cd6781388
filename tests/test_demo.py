"""The quick-start demo: every step runs on the bundled data and the CLI prints them."""

from __future__ import annotations

import networkx as nx
from click.testing import CliRunner

from pgraph.cli import cli
from pgraph.demo import run_demo


def test_demo_builds_validates_queries_and_exports(tmp_path):
    report = run_demo(store_path=tmp_path / "store", out_dir=tmp_path / "out")
    assert report.build.practices == 40 and not report.build.errors
    assert report.validation.conforms
    domains = {row["label"]: row["practices"] for row in report.query.rows}
    assert domains["Violent extremism"] >= 1 and domains["Organised crime"] >= 1
    graph = nx.read_graphml(report.network_file)
    # Every organisation but HM Courts & Tribunals Service, in the graph only as the
    # successor of a partner (HM Courts Service), is in the co-partnership network.
    assert graph.number_of_nodes() == report.build.organisations - 1


def test_demo_command_prints_each_step(tmp_path):
    result = CliRunner().invoke(
        cli, ["demo", "--store", str(tmp_path / "store"), "--out", str(tmp_path / "out")]
    )
    assert result.exit_code == 0, result.output
    for step in ("1. pgraph build", "2. pgraph validate", "3. pgraph query", "4. pgraph network"):
        assert step in result.output
