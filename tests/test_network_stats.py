"""Network statistics: the fast measures equal networkx's, and stats() reads right.

Small graphs whose answers are known by hand (a star, a path, K12), random
graphs compared with networkx's reference implementations, the seed
practice's network, and the communities of the bundled data for the fixed seed.
"""

# ruff: noqa: N806  (networkx's convention: G and H are graphs)

from __future__ import annotations

import json
import math
import random

import networkx as nx
import numpy as np
import pytest

from pgraph.build import build_catalogue
from pgraph.errors import NetworkError
from pgraph.network import annotate, build, stats
from pgraph.network import measures as m
from pgraph.store import open_store
from tests.conftest import DATA


def random_weighted_graph(seed: int) -> nx.Graph:
    G = nx.gnp_random_graph(50, 0.1, seed=seed)
    G.add_nodes_from([100, 101])  # isolated nodes
    G.add_edge(102, 103)  # a second component
    rng = random.Random(seed)
    for u, v in G.edges:
        G[u][v]["weight"] = rng.randint(1, 6)
    return G


def by_node(g: m.IndexedGraph, values: dict) -> list[float]:
    return [values[v] for v in g.nodes]


@pytest.mark.parametrize("seed", range(4))
def test_measures_equal_networkx(seed):
    G = random_weighted_graph(seed)
    g = m.indexed(G)
    paths = m.shortest_path_measures(g)
    assert paths.exact and paths.sources == len(G)
    assert np.allclose(paths.betweenness, by_node(g, nx.betweenness_centrality(G)))
    assert np.allclose(paths.closeness, by_node(g, nx.closeness_centrality(G)))
    assert np.allclose(
        m.eigenvector(g),
        by_node(g, nx.eigenvector_centrality(G, weight="weight", max_iter=1000)),
        atol=1e-4,
    )
    ego = m.ego_measures(g)
    assert np.allclose(ego.clustering, by_node(g, nx.clustering(G)))
    assert np.allclose(ego.triangles, by_node(g, nx.triangles(G)))
    assert np.allclose(
        ego.constraint, by_node(g, nx.constraint(G, weight="weight")), equal_nan=True
    )
    assert np.allclose(
        ego.effective_size, by_node(g, nx.effective_size(G, weight="weight")), equal_nan=True
    )


@pytest.mark.parametrize("seed", range(3))
def test_modularity_equals_networkx(seed):
    G = random_weighted_graph(seed)
    communities = nx.community.louvain_communities(G, weight="weight", seed=seed)
    g = m.indexed(G)
    label = {v: i for i, members in enumerate(communities) for v in members}
    assert m.modularity(g, np.array([label[v] for v in g.nodes])) == pytest.approx(
        nx.community.modularity(G, communities, weight="weight")
    )


def test_unweighted_effective_size_is_borgatti():
    G = nx.les_miserables_graph()
    for u, v in G.edges:
        G[u][v]["weight"] = 1
    ego = m.ego_measures(m.indexed(G))
    assert np.allclose(ego.effective_size, by_node(m.indexed(G), nx.effective_size(G)))


def test_hubs_are_searched_not_scanned():
    # A hub with more ties than the ego takes the look-up path of _ties_among.
    G = nx.star_graph(30)
    G.add_edges_from([(1, 2), (2, 3), (31, 1)])
    g = m.indexed(G)
    ego = m.ego_measures(g)
    assert np.allclose(ego.constraint, by_node(g, nx.constraint(G)), equal_nan=True)
    assert np.allclose(ego.clustering, by_node(g, nx.clustering(G)))


def test_sampled_paths_are_close_and_reproducible():
    G = nx.connected_watts_strogatz_graph(400, 8, 0.1, seed=3)
    g = m.indexed(G)
    exact = m.shortest_path_measures(g)
    first = m.shortest_path_measures(g, sample=100, seed=7)
    again = m.shortest_path_measures(g, sample=100, seed=7)
    assert not first.exact and first.sources == 100
    assert np.array_equal(first.betweenness, again.betweenness)
    assert np.abs(first.betweenness - exact.betweenness).max() < 0.02
    assert np.abs(first.closeness / exact.closeness - 1).max() < 0.1
    assert np.corrcoef(first.betweenness, exact.betweenness)[0, 1] > 0.9


def test_star_by_hand():
    result = stats(nx.star_graph(4), top=3)
    centre = result.nodes[0]
    assert centre["node"] == 0
    assert (centre["degree"], centre["betweenness"], centre["closeness"]) == (4, 1.0, 1.0)
    assert centre["constraint"] == pytest.approx(0.25)  # four ties of 1/4, no indirect paths
    assert centre["effective_size"] == 4.0
    leaf = result.nodes[1]
    assert leaf["constraint"] == 1.0 and leaf["effective_size"] == 1.0
    assert result.top["constraint"][0]["node"] == 0  # least constrained first
    assert result.summary["components"] == 1


def test_isolated_nodes_and_components():
    G = nx.Graph([(1, 2)])
    G.add_node(3)
    result = stats(G)
    rows = {r["node"]: r for r in result.nodes}
    assert math.isnan(rows[3]["constraint"]) and rows[3]["closeness"] == 0.0
    assert result.summary["components"] == 2 and result.summary["largest_component"] == 2
    assert json.loads(result.to_json())["nodes"][-1]["constraint"] is None
    assert result.to_csv().splitlines()[-1].split(",")[9] == ""


def test_a_graph_without_ties():
    G = nx.Graph()
    G.add_nodes_from("abc")
    result = stats(G)
    assert result.summary["modularity"] == 0.0 and result.summary["communities"] == 3
    assert "constraint" in result.to_table()


def test_an_empty_graph_is_a_clear_error():
    with pytest.raises(NetworkError, match="the network has no nodes"):
        stats(nx.Graph())


def test_seed_k9():
    store = build_catalogue([DATA / "pages"], store_path=None).store
    result = stats(build("co-partnership", store=store))
    # 12 partners, 3 of them generic (left out): K9.
    assert result.summary["nodes"] == 9 and result.summary["edges"] == 36
    assert result.summary["generic_partners_left_out"] == 3
    assert result.summary["density"] == 1.0 and result.summary["communities"] == 1
    for row in result.nodes:
        assert (row["degree"], row["weighted_degree"], row["betweenness"]) == (8, 8, 0.0)
        assert row["clustering"] == 1.0 and row["closeness"] == 1.0
        # Burt: in a clique of n, c = (n-1) * (1/(n-1) + (n-2)/(n-1)^2)^2
        assert row["constraint"] == pytest.approx(8 * (1 / 8 + 7 / 64) ** 2)
        assert row["effective_size"] == pytest.approx(1.0)


def test_bundled_communities_are_stable_for_the_fixed_seed(built_store_path):
    store = open_store(built_store_path, read_only=True)
    G = build("co-partnership", store=store)
    first, second = stats(G, seed=42), stats(G, seed=42)
    assert [r["community"] for r in first.nodes] == [r["community"] for r in second.nodes]
    assert first.summary["communities"] == 18
    assert first.summary["modularity"] == pytest.approx(0.8434, abs=1e-4)
    top = [r["label"] for r in first.top["betweenness"][:3]]
    # Real organisations: the generic partners that used to top this list are left out.
    assert top == [
        "Uppsala Public Health Service",
        "Nikšić Fire and Rescue Service",
        "Bern City Council",
    ]
    # The same graph built again (same query order) gives the same partition.
    again = stats(build("co-partnership", store=store), seed=42)
    assert [r["community"] for r in again.nodes] == [r["community"] for r in first.nodes]


def test_outputs_put_the_top_lists_first(built_store_path):
    result = stats(
        build("practice-organisation", store=open_store(built_store_path, read_only=True)), top=3
    )
    data = json.loads(result.to_json())
    assert list(data) == ["summary", "top", "communities", "nodes"]
    assert all(len(rows) == 3 for rows in data["top"].values())
    assert result.to_csv().splitlines()[0].startswith("node,label,kind,degree,weighted_degree")
    table = result.to_table()
    assert table.index("weighted degree: most ties") < table.index("communities\n")
    weights = [r["weighted_degree"] for r in result.nodes]
    assert weights == sorted(weights, reverse=True)


def test_annotate_adds_measures_as_attributes():
    G = nx.path_graph(4)
    H = annotate(G, stats(G))
    assert H.nodes[1]["betweenness"] == pytest.approx(2 / 3)
    assert "betweenness" not in G.nodes[1]


def test_arguments_are_checked():
    with pytest.raises(NetworkError, match="top must be 1 or more"):
        stats(nx.path_graph(3), top=0)
    with pytest.raises(NetworkError, match="betweenness_sample must be 1 or more"):
        stats(nx.path_graph(3), betweenness_sample=0)
