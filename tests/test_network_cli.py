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
    assert lines[:6] == [
        "kind: co-partnership",
        "filters: -",
        "generic partners left out: 95",
        "nodes: 133",
        "edges: 402",
        "density: 0.0458",
    ]
    assert "betweenness: brokers on shortest paths" in result.output
    assert "  1  Uppsala Public Health Service" in result.output
    kept = run("stats", "co-partnership", "--top", "3", "--keep-generic")
    assert kept.exit_code == 0, kept.output
    assert kept.output.splitlines()[2:4] == ["generic partners left out: 0", "nodes: 228"]


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
    assert len(csv_result.output.splitlines()) == 174


def test_export_formats(run, tmp_path):
    result = run("export", "co-partnership", "--out", str(tmp_path / "co.graphml"))
    assert result.exit_code == 0, result.output
    assert f"Wrote {tmp_path / 'co.graphml'} (133 nodes, 402 edges)" in result.output
    assert nx.read_graphml(tmp_path / "co.graphml").number_of_edges() == 402
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
    assert "30 of 133 nodes" in (tmp_path / "co.html").read_text(encoding="utf-8")


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


def test_misspelt_kind_is_one_line_with_a_suggestion(run):
    result = run("stats", "co-partnershp")
    assert result.exit_code == 2
    assert result.output == (
        "Error: unknown network kind 'co-partnershp'; did you mean co-partnership? "
        "`pgraph network kinds` lists them\n"
    )
    assert run("draw", "legislaton", "-o", "x.png").output.startswith(
        "Error: unknown network kind 'legislaton'; did you mean legislation?"
    )


def test_help_lists_kinds_once_and_keeps_the_usage_line_short():
    group = CliRunner().invoke(cli, ["network", "--help"]).output
    for kind in (
        "practice-organisation",
        "co-partnership",
        "organisation-legislation",
        "practice-similarity",
        "practice-concept",
    ):
        assert group.count(kind) == 1 + (kind == "co-partnership")  # and in the example
    stats_help = CliRunner().invoke(cli, ["network", "stats", "--help"]).output
    assert stats_help.startswith("Usage: cli network stats [OPTIONS] KIND\n")
    export_help = CliRunner().invoke(cli, ["network", "export", "--help"]).output
    assert "GEXF (Gephi)" in export_help and "GEXF (Gephi, igraph)" not in export_help


def test_weights_backbone_and_new_formats(run, tmp_path):
    result = run(
        "export",
        "co-partnership",
        "--weight",
        "newman",
        "--backbone",
        "disparity",
        "--alpha",
        "0.2",
        "-o",
        str(tmp_path / "bb.net"),
    )
    assert result.exit_code == 0, result.output
    H = nx.read_pajek(tmp_path / "bb.net")
    assert 0 < H.number_of_edges() < 884
    text = (tmp_path / "bb.net").read_text(encoding="utf-8")
    assert "% weight: newman: Newman's collaboration weight" in text
    assert "% backbone: disparity filter" in text
    result = run("export", "bipartite", "--format", "statnet", "-o", str(tmp_path / "bip"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "bip-vertices.csv").read_text(encoding="utf-8").startswith("name,label,")
    result = run("export", "co-partnership", "--dynamic", "-o", str(tmp_path / "dyn.gexf"))
    assert result.exit_code == 0, result.output
    assert nx.read_gexf(tmp_path / "dyn.gexf", version="1.3").graph["mode"] == "dynamic"
    result = run("export", "co-partnership", "--dynamic", "-o", str(tmp_path / "dyn.graphml"))
    assert result.exit_code == 2 and "dynamic network is written as GEXF" in result.output


def test_stats_by_year_and_leiden(run, tmp_path):
    result = run(
        "stats",
        "co-partnership",
        "--by-year",
        "-o",
        str(tmp_path / "years.csv"),
        "--plot",
        str(tmp_path / "years.png"),
    )
    assert result.exit_code == 0, result.output
    lines = (tmp_path / "years.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "year,nodes,ties,density,components,largest_component_share,top_brokers"
    assert (tmp_path / "years.png").stat().st_size > 10_000
    assert run("stats", "co-partnership", "--plot", "x.png").exit_code == 2
    result = run("stats", "co-partnership", "--communities", "leiden", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["summary"]["community_method"] == "leiden"


def test_draw_for_a_paper(run, tmp_path):
    from PIL import Image

    result = run(
        "draw",
        "co-partnership",
        "--width",
        "3.5",
        "--height",
        "3",
        "--dpi",
        "300",
        "--label-by",
        "betweenness",
        "--colour",
        "type",
        "-o",
        str(tmp_path / "c.png"),
    )
    assert result.exit_code == 0, result.output
    assert Image.open(tmp_path / "c.png").size == (1050, 900)
    result = run("draw", "legislation", "-o", str(tmp_path / "l.pdf"))
    assert result.exit_code == 0 and (tmp_path / "l.pdf").read_bytes().startswith(b"%PDF")
