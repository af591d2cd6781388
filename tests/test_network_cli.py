"""``pgraph network``: each command calls the library and says what it wrote; errors: one line."""

# ruff: noqa: N806  (networkx's convention: G and H are graphs)

from __future__ import annotations

import json

import networkx as nx
import pytest
from click.testing import CliRunner

from pgraph.cli import cli


@pytest.fixture(scope="module")
def run(built_store_path):
    def invoke(*args: str):
        return CliRunner().invoke(cli, ["network", *args, "--store", str(built_store_path)])

    return invoke


def test_stats_table(run):
    result = run("stats", "co-partnership", "--top", "3")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[:5] == [
        "kind: co-partnership",
        "filters: -",
        "nodes: 143",
        "edges: 884",
        "density: 0.08707",
    ]
    assert "betweenness: brokers on shortest paths" in result.output
    assert "  1  Residents' representatives" in result.output


def test_stats_json_and_csv(run, tmp_path):
    out = tmp_path / "stats.json"
    result = run(
        "stats", "legislation", "--country", "GB", "--format", "json", "--output", str(out)
    )
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["summary"]["filters"] == 'country="GB"'
    assert {row["label"] for row in data["nodes"]} >= {"Crime and Disorder Act 1998"}
    csv_result = run("stats", "bipartite", "--format", "csv")
    assert csv_result.output.startswith("node,label,kind,degree,weighted_degree,betweenness")
    assert len(csv_result.output.splitlines()) == 184


def test_export_formats(run, tmp_path):
    result = run("export", "co-partnership", "--out", str(tmp_path / "co.graphml"))
    assert result.exit_code == 0, result.output
    assert f"Wrote {tmp_path / 'co.graphml'} (143 nodes, 884 edges)" in result.output
    assert nx.read_graphml(tmp_path / "co.graphml").number_of_edges() == 884
    result = run("export", "similarity", "--format", "csv", "--out", str(tmp_path / "sim"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "sim-nodes.csv").exists() and (tmp_path / "sim-edges.csv").exists()
    result = run("export", "co-partnership", "--measures", "--out", str(tmp_path / "co.gexf"))
    H = nx.read_gexf(tmp_path / "co.gexf")
    assert {"betweenness", "community", "constraint"} <= set(next(iter(H.nodes.values())))


def test_export_needs_a_format_it_can_tell(run, tmp_path):
    result = run("export", "co-partnership", "--out", str(tmp_path / "co.dat"))
    assert result.exit_code == 2
    assert "give --format" in result.output


def test_draw(run, tmp_path):
    result = run("draw", "legislation", "--out", str(tmp_path / "leg.png"), "--labels", "3")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "leg.png").stat().st_size > 20_000
    result = run("draw", "co-partnership", "--max-nodes", "30", "--out", str(tmp_path / "co.html"))
    assert result.exit_code == 0, result.output
    assert "30 of 143 nodes" in (tmp_path / "co.html").read_text(encoding="utf-8")


def test_errors_are_one_line(run, tmp_path):
    result = run("stats", "co-partnership", "--country", "Atlantis")
    assert result.exit_code == 2
    assert result.output.startswith('Error: no practice matches country="Atlantis"')
    assert len(result.output.strip().splitlines()) == 1
    result = run("draw", "co-partnership", "--out", str(tmp_path / "co.jpg"))
    assert result.exit_code == 2
    assert "end the file name with .png, .svg, .pdf or .html" in result.output
    result = CliRunner().invoke(
        cli, ["network", "stats", "co-partnership", "--store", str(tmp_path / "nowhere")]
    )
    assert result.exit_code == 2 and "no store here yet" in result.output


def test_kinds_and_aliases(run):
    result = CliRunner().invoke(cli, ["network", "kinds"])
    assert result.exit_code == 0
    assert "co-partnership (also: copartnership, organisations)" in result.output
    assert run("stats", "ego").exit_code == 2
