"""Louvain and Leiden communities: known answers on small graphs, the same every time."""

# ruff: noqa: N806  (networkx's convention: G and H are graphs)

from __future__ import annotations

import networkx as nx
import pytest

from pgraph.errors import NetworkError
from pgraph.network.communities import detect_communities
from pgraph.network.stats import stats


def two_cliques_and_a_bridge() -> nx.Graph:
    G = nx.disjoint_union(nx.complete_graph(5), nx.complete_graph(5))
    G.add_edge(0, 5, weight=1)
    return G


@pytest.mark.parametrize("method", ["louvain", "leiden"])
def test_two_cliques_are_two_communities(method):
    found = detect_communities(two_cliques_and_a_bridge(), method=method, seed=7)
    assert sorted(sorted(c) for c in found) == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]


def test_leiden_is_the_same_with_the_same_seed_and_beats_nothing_by_chance():
    G = nx.les_miserables_graph()
    first = detect_communities(G, method="leiden", seed=3)
    assert first == detect_communities(G, method="leiden", seed=3)
    leiden = nx.community.modularity(G, first, weight="weight")
    louvain = nx.community.modularity(G, detect_communities(G, seed=3), weight="weight")
    assert leiden >= louvain - 0.01  # Leiden is at least as good here
    assert all(nx.is_connected(G.subgraph(c)) for c in first)  # Leiden's guarantee


def test_stats_reports_the_method():
    result = stats(two_cliques_and_a_bridge(), communities="leiden")
    assert result.summary["community_method"] == "leiden" and result.summary["communities"] == 2
    with pytest.raises(NetworkError, match="unknown community method 'infomap'"):
        detect_communities(nx.path_graph(3), method="infomap")
