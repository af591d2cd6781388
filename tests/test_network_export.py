"""Network files: GraphML and GEXF read back by networkx and igraph, JSON, CSV, edge lists."""

# ruff: noqa: N806  (networkx's convention: G and H are graphs)

from __future__ import annotations

import csv
import json
import math

import networkx as nx
import pytest

from pgraph.errors import NetworkError
from pgraph.network import build
from pgraph.network.export import export_format, flat_graph, write_network
from pgraph.store import open_store

igraph = pytest.importorskip("igraph", reason="python-igraph is in the test extra")

KINDS = [
    "practice-organisation",
    "co-partnership",
    "organisation-legislation",
    "practice-similarity",
    "practice-concept",
]


@pytest.fixture(scope="module")
def networks(built_store_path):
    store = open_store(built_store_path, read_only=True)
    return {kind: build(kind, store=store) for kind in KINDS}


def same_value(read, written) -> bool:
    if isinstance(written, bool):
        return bool(read) == written
    if isinstance(written, int | float):
        return float(read) == pytest.approx(float(written))
    return str(read) == str(written)


@pytest.mark.parametrize("kind", KINDS)
def test_graphml_round_trip_networkx(networks, kind, tmp_path):
    G = networks[kind]
    (path,) = write_network(G, "graphml", tmp_path / f"{kind}.graphml")
    H = nx.read_graphml(path)
    flat = flat_graph(G)
    assert set(H) == set(G)
    assert {frozenset(e) for e in H.edges} == {frozenset(e) for e in G.edges}
    for node, data in flat.nodes(data=True):
        assert H.nodes[node] == data
    for u, v, data in flat.edges(data=True):
        assert all(same_value(H.edges[u, v][k], x) for k, x in data.items())
    assert H.graph["kind"] == kind


@pytest.mark.parametrize("kind", KINDS)
def test_graphml_round_trip_igraph(networks, kind, tmp_path):
    G = networks[kind]
    (path,) = write_network(G, "graphml", tmp_path / f"{kind}.graphml")
    g = igraph.Graph.Read_GraphML(str(path))
    assert (g.vcount(), g.ecount()) == (G.number_of_nodes(), G.number_of_edges())
    assert not g.is_directed()
    flat = flat_graph(G)
    by_id = {v["id"]: v for v in g.vs}
    assert set(by_id) == set(G)
    for node, data in flat.nodes(data=True):
        vertex = by_id[node].attributes()
        for key, value in data.items():
            assert same_value(vertex[key], value), (node, key)
    edges = {frozenset((g.vs[e.source]["id"], g.vs[e.target]["id"])): e.attributes() for e in g.es}
    for u, v, data in flat.edges(data=True):
        assert all(same_value(edges[frozenset((u, v))][k], x) for k, x in data.items())
    assert g["kind"] == kind


@pytest.mark.parametrize("kind", KINDS)
def test_gexf_round_trip(networks, kind, tmp_path):
    G = networks[kind]
    (path,) = write_network(G, "gexf", tmp_path / f"{kind}.gexf")
    H = nx.read_gexf(path)
    flat = flat_graph(G)
    assert set(H) == set(G)
    assert {frozenset(e) for e in H.edges} == {frozenset(e) for e in G.edges}
    for node, data in flat.nodes(data=True):
        assert all(same_value(H.nodes[node][k], x) for k, x in data.items()), node
    for u, v, data in flat.edges(data=True):
        assert H.edges[u, v]["weight"] == pytest.approx(float(data["weight"]))
    # python-igraph has no GEXF reader; its GraphML one is tested above.


def test_gexf_has_labels_and_weights_for_gephi(networks, tmp_path):
    (path,) = write_network(networks["co-partnership"], "gexf", tmp_path / "co.gexf")
    text = path.read_text(encoding="utf-8")
    assert 'label="City of London Police"' in text
    assert 'weight="10' in text  # the heaviest tie between real organisations
    assert "<attribute " in text and 'title="practices"' in text


def test_node_link_json_keeps_lists(networks, tmp_path):
    G = networks["co-partnership"]
    (path,) = write_network(G, "json", tmp_path / "co.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["graph"]["kind"] == "co-partnership"
    assert len(data["nodes"]) == 133 and len(data["links"]) == 402
    link = data["links"][0]
    assert isinstance(link["practices"], list) and link["weight"] == len(link["practices"])
    H = nx.node_link_graph(data, edges="links")
    assert nx.utils.graphs_equal(G, H)


def test_csv_pair_for_gephi(networks, tmp_path):
    G = networks["practice-organisation"]
    nodes_path, edges_path = write_network(G, "csv", tmp_path / "bip.csv")
    assert (nodes_path.name, edges_path.name) == ("bip-nodes.csv", "bip-edges.csv")
    with nodes_path.open(encoding="utf-8") as f:
        nodes = list(csv.DictReader(f))
    with edges_path.open(encoding="utf-8") as f:
        edges = list(csv.DictReader(f))
    assert len(nodes) == 173 and len(edges) == 223
    assert list(nodes[0])[:3] == ["Id", "Label", "iri"]
    assert list(edges[0])[:4] == ["Source", "Target", "Type", "Weight"]
    seed = next(n for n in nodes if n["Label"] == "Z Community Policing in the UK")
    assert seed["domain"] == "Organised crime;Violent extremism" and seed["statutory"] == "true"


def test_edgelist(networks, tmp_path):
    G = networks["co-partnership"]
    (path,) = write_network(G, "edgelist", tmp_path / "co.tsv")
    H = nx.read_weighted_edgelist(path, delimiter="\t")
    assert H.number_of_edges() == G.number_of_edges()
    u, v, w = next(iter(G.edges(data="weight")))
    assert H.edges[u, v]["weight"] == w


def test_flat_graph_fills_and_joins():
    G = nx.Graph(kind="demo", filters=None)
    G.add_node("a", domain=["x", "y"], practices=3)
    G.add_node("b", statutory=True)
    G.add_edge("a", "b", weight=2.5, shared={"q", "p"})
    H = flat_graph(G)
    assert H.nodes["a"] == {"domain": "x;y", "practices": 3, "statutory": False}
    assert H.nodes["b"] == {"statutory": True, "domain": ""}
    assert H.edges["a", "b"] == {"weight": 2.5, "shared": "p;q"}
    assert H.graph == {"kind": "demo"}
    assert not math.isnan(H.edges["a", "b"]["weight"])


def test_bad_format_and_unwritable_path(tmp_path):
    with pytest.raises(NetworkError, match="unknown network format 'dot'"):
        export_format("dot")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(NetworkError, match="cannot write the network"):
        write_network(nx.path_graph(2), "graphml", blocker / "inside.graphml")
