"""Files for analysts' tools, read back by the tools: networkx, igraph, R-style CSV readers."""

# ruff: noqa: N806  (networkx's convention: G and H are graphs)

from __future__ import annotations

import csv

import igraph
import networkx as nx
import pytest

from pgraph.errors import NetworkError
from pgraph.network.export import write_network


@pytest.fixture
def two_mode() -> nx.Graph:
    """Two practices, three partners; two partners share a label; odd characters in labels."""
    G = nx.Graph(
        name="practice-organisation network",
        kind="practice-organisation",
        weight="none",
        weight_definition="every tie weighs 1",
    )
    G.add_node(
        "p1",
        label='Practice "one" \\ first',
        kind="practice",
        bipartite=0,
        start_date="2014-01-01",
        country="GB",
        statutory=True,
    )
    G.add_node(
        "p2",
        label="Practice two",
        kind="practice",
        bipartite=0,
        start_date="2016-05-01",
        country="FR",
        statutory=False,
    )
    G.add_node(
        "o1",
        label="Residents' representatives",
        kind="organisation",
        bipartite=1,
        type="Community",
        country=["GB"],
        statutory=False,
        practices=1,
        start_date="2014-01-01",
    )
    G.add_node(
        "o2",
        label="Police",
        kind="organisation",
        bipartite=1,
        type="Police",
        country=["FR", "GB"],
        statutory=True,
        practices=2,
        start_date="2014-01-01",
    )
    G.add_node(
        "o3",
        label="Police",
        kind="organisation",
        bipartite=1,
        type="Police",
        country=["FR"],
        statutory=False,
        practices=1,
        start_date="2016-05-01",
    )
    G.add_edge("p1", "o1", weight=1, statutory=False, start_date="2014-01-01")
    G.add_edge(
        "p1",
        "o2",
        weight=1,
        statutory=True,
        act="Crime and Disorder Act 1998",
        start_date="2014-01-01",
    )
    G.add_edge("p2", "o2", weight=1, statutory=False, start_date="2016-05-01")
    G.add_edge("p2", "o3", weight=1, statutory=False, start_date="2016-05-01")
    return G


def test_pajek_reads_back_in_networkx_and_igraph(two_mode, tmp_path):
    path = write_network(two_mode, "pajek", tmp_path / "g.net")[0]
    H = nx.Graph(nx.read_pajek(path))
    assert sorted(H) == sorted(
        [
            "Practice 'one' / first",
            "Practice two",
            "Residents' representatives",
            "Police",
            "Police [2]",
        ]
    )
    assert H.number_of_edges() == 4
    assert H.edges["Practice two", "Police [2]"]["weight"] == 1.0
    g = igraph.Graph.Read_Pajek(str(path))
    assert (g.vcount(), g.ecount()) == (5, 4)
    assert g.es["weight"] == [1.0] * 4
    # The practices come first: a two-mode reader can split the vertices at 2.
    assert "% two-mode: vertices 1-2 are practices" in path.read_text(encoding="utf-8")


def test_weighted_pajek_keeps_fractional_weights(tmp_path):
    G = nx.Graph(name="w")
    G.add_edge("a", "b", weight=0.333333333)
    G.add_edge("b", "c", weight=2)
    H = nx.read_pajek(write_network(G, "pajek", tmp_path / "w.net")[0])
    assert sorted(d["weight"] for *_, d in H.edges(data=True)) == [0.333333, 2.0]


def test_dynamic_gexf_13_reads_back_with_its_spells(two_mode, tmp_path):
    path = write_network(two_mode, "gexf", tmp_path / "g.gexf", dynamic=True)[0]
    text = path.read_text(encoding="utf-8")
    assert 'xmlns="http://gexf.net/1.3"' in text and 'version="1.3"' in text
    assert 'mode="dynamic"' in text and 'timeformat="date"' in text
    assert "<description>pgraph practice-organisation network" in text
    H = nx.read_gexf(path, version="1.3")
    assert H.graph["mode"] == "dynamic"
    assert H.nodes["o3"]["start"] == "2016-05-01" and H.nodes["p1"]["start"] == "2014-01-01"
    assert {H.edges[e]["start"] for e in H.edges} == {"2014-01-01", "2016-05-01"}
    assert H.nodes["o2"]["country"] == "FR;GB" and H.nodes["o2"]["statutory"] is True
    static = write_network(two_mode, "gexf", tmp_path / "s.gexf")[0].read_text(encoding="utf-8")
    assert 'mode="static"' in static and " start=" not in static


def test_only_gexf_is_dynamic(two_mode, tmp_path):
    with pytest.raises(NetworkError, match="dynamic network is written as GEXF"):
        write_network(two_mode, "graphml", tmp_path / "g.graphml", dynamic=True)


def test_graphml_reads_back_in_igraph(two_mode, tmp_path):
    path = write_network(two_mode, "graphml", tmp_path / "g.graphml")[0]
    g = igraph.Graph.Read_GraphML(str(path))
    assert (g.vcount(), g.ecount()) == (5, 4)
    assert set(g.vs["label"]) == {
        'Practice "one" \\ first',
        "Practice two",
        "Residents' representatives",
        "Police",
    }
    assert sorted(g.vs["type"]) == ["", "", "Community", "Police", "Police"]


def test_statnet_pair_has_attributes_and_the_bipartite_split(two_mode, tmp_path):
    edges, vertices, graph = write_network(two_mode, "statnet", tmp_path / "g.csv")
    assert [p.name for p in (edges, vertices, graph)] == [
        "g-edges.csv",
        "g-vertices.csv",
        "g-graph.csv",
    ]
    rows = list(csv.DictReader(vertices.open(encoding="utf-8")))
    assert [r["name"] for r in rows][:2] == ["p1", "p2"]  # actors first, as network() expects
    assert [r["is_actor"] for r in rows] == ["TRUE", "TRUE", "FALSE", "FALSE", "FALSE"]
    o2 = next(r for r in rows if r["name"] == "o2")
    assert (o2["label"], o2["type"], o2["country"], o2["statutory"], o2["practices"]) == (
        "Police",
        "Police",
        "FR;GB",
        "TRUE",
        "2",
    )
    ties = list(csv.DictReader(edges.open(encoding="utf-8")))
    assert list(ties[0])[:3] == ["from", "to", "weight"]
    assert all(t["from"] in ("p1", "p2") for t in ties)  # actor end first
    statutory = next(t for t in ties if t["to"] == "o2" and t["from"] == "p1")
    assert (statutory["statutory"], statutory["act"]) == ("TRUE", "Crime and Disorder Act 1998")
    meta = dict(csv.reader(graph.open(encoding="utf-8")))
    assert meta["bipartite"] == "2" and meta["directed"] == "FALSE"
    # Read back as a graph, as R's network(edges, vertices = vertices) would.
    H = nx.Graph()
    H.add_nodes_from((r["name"], r) for r in rows)
    H.add_edges_from((t["from"], t["to"]) for t in ties)
    assert nx.is_isomorphic(H, nx.Graph(two_mode.edges))
