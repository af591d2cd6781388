"""Projection weights (count, Newman, Jaccard) against networkx's bipartite projections."""

# ruff: noqa: N806  (networkx's convention: G and H are graphs)

from __future__ import annotations

import random

import networkx as nx
import pytest

from pgraph.errors import NetworkError
from pgraph.network import build
from pgraph.network.build import WEIGHT_DEFINITIONS, ProjectionWeight, projection_ties
from pgraph.network.export import write_network
from tests.conftest import DATA


def random_two_mode(seed: int) -> dict[str, set[str]]:
    rng = random.Random(seed)
    organisations = [f"o{i:02d}" for i in range(25)]
    return {f"p{j:02d}": set(rng.sample(organisations, rng.randint(1, 7))) for j in range(30)}


def as_bipartite(partners: dict[str, set[str]]) -> nx.Graph:
    B = nx.Graph()
    B.add_nodes_from(partners, bipartite=0)
    for practice, members in partners.items():
        B.add_nodes_from(members, bipartite=1)
        B.add_edges_from((practice, o) for o in members)
    return B


def test_hand_computed_example():
    # p1 has three partners (a, b, c), p2 two (a, b), p3 two (b, d).
    ties = projection_ties({"p1": {"a", "b", "c"}, "p2": {"a", "b"}, "p3": {"b", "d"}})
    assert ties["a", "b"] == {
        "shared": 2,
        "newman": 1.5,  # 1/(3-1) + 1/(2-1)
        "jaccard": 2 / 3,  # a: {p1, p2}, b: {p1, p2, p3}
        "practices": ["p1", "p2"],
    }
    assert ties["a", "c"]["newman"] == 0.5 and ties["a", "c"]["jaccard"] == 0.5
    assert ties["b", "d"] == {"shared": 1, "newman": 1.0, "jaccard": 1 / 3, "practices": ["p3"]}
    assert ("a", "d") not in ties


@pytest.mark.parametrize("seed", range(3))
def test_weights_equal_networkx_projections(seed):
    partners = random_two_mode(seed)
    B = as_bipartite(partners)
    organisations = {o for members in partners.values() for o in members}
    ties = projection_ties(partners)
    count = nx.bipartite.weighted_projected_graph(B, organisations)
    newman = nx.bipartite.collaboration_weighted_projected_graph(B, organisations)
    jaccard = nx.bipartite.overlap_weighted_projected_graph(B, organisations, jaccard=True)
    assert {tuple(sorted(e)) for e in count.edges} == set(ties)
    for (a, b), tie in ties.items():
        assert tie["shared"] == count.edges[a, b]["weight"]
        assert tie["newman"] == pytest.approx(newman.edges[a, b]["weight"], abs=1e-6)
        assert tie["jaccard"] == pytest.approx(jaccard.edges[a, b]["weight"], abs=1e-6)


@pytest.fixture(scope="module")
def seed_store():
    from pgraph.build import build_catalogue

    return build_catalogue([DATA / "pages"], store_path=None).store


def test_build_chooses_the_weight_and_says_which(seed_store):
    # The seed page alone: 12 partners, 9 of them organisations (3 generic partners are left
    # out), so every co-partnership tie is one practice with n = 9.
    G = build("co-partnership", store=seed_store, weight="newman")
    assert {round(w, 6) for *_, w in G.edges(data="weight")} == {round(1 / 8, 6)}
    assert G.graph["weight"] == "newman"
    assert G.graph["weight_definition"] == WEIGHT_DEFINITIONS[ProjectionWeight.NEWMAN]
    J = build("co-partnership", store=seed_store, weight="jaccard")
    assert {w for *_, w in J.edges(data="weight")} == {1.0}
    with pytest.raises(NetworkError, match="the newman weight is for the co-partnership"):
        build("practice-organisation", store=seed_store, weight="newman")
    with pytest.raises(NetworkError, match="unknown weight 'cosine'"):
        build("co-partnership", store=seed_store, weight="cosine")


def test_the_weight_travels_with_every_file(seed_store, tmp_path):
    G = build("co-partnership", store=seed_store, weight="newman")
    definition = G.graph["weight_definition"]
    write_network(G, "graphml", tmp_path / "g.graphml")
    assert nx.read_graphml(tmp_path / "g.graphml").graph["weight_definition"] == definition
    write_network(G, "gexf", tmp_path / "g.gexf")
    assert f"weight: newman: {definition}" in (tmp_path / "g.gexf").read_text(encoding="utf-8")
    write_network(G, "pajek", tmp_path / "g.net")
    assert f"% weight: newman: {definition}" in (tmp_path / "g.net").read_text(encoding="utf-8")
    write_network(G, "statnet", tmp_path / "g.csv")
    graph_csv = (tmp_path / "g-graph.csv").read_text(encoding="utf-8")
    assert "weight,newman" in graph_csv and "weight_definition," in graph_csv
    write_network(G, "edgelist", tmp_path / "g.tsv")
    assert "# weight: newman:" in (tmp_path / "g.tsv").read_text(encoding="utf-8")
    write_network(G, "json", tmp_path / "g.json")
    assert (
        nx.node_link_graph(
            __import__("json").loads((tmp_path / "g.json").read_text()), edges="links"
        ).graph["weight"]
        == "newman"
    )
