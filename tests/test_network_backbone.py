"""The disparity filter: a hand-computed example, an independent per-node computation, leaves."""

# ruff: noqa: N803, N806, RUF002, RUF003  (networkx's convention: G and H are graphs)

from __future__ import annotations

import random

import networkx as nx
import pytest

from pgraph.errors import NetworkError
from pgraph.network.backbone import disparity_alphas, disparity_filter


def star_with_a_strong_tie() -> nx.Graph:
    """Hub h: ties of weight 8, 1, 1, 1, 1 (to a, b, c, d, e); a–b weight 1."""
    G = nx.Graph()
    G.add_edge("h", "a", weight=8)
    for leaf in "bcde":
        G.add_edge("h", leaf, weight=1)
    G.add_edge("a", "b", weight=1)
    return G


def test_hand_computed_example():
    G = star_with_a_strong_tie()
    alphas = {tuple(sorted(e)): a for e, a in disparity_alphas(G).items()}
    # h: k = 5, s = 12. h–a: p = 8/12, α = (1 - 2/3)^4 = 1/81; h–b: p = 1/12, α = (11/12)^4.
    # a: k = 2, s = 9. a–h: p = 8/9, α = 1/9; a–b: p = 1/9, α = 8/9.
    # b: k = 2, s = 2. b–h and b–a: p = 1/2, α = 1/2.
    # c, d, e: k = 1: α = 1 from their side, so h's side decides: (11/12)^4.
    assert alphas["a", "h"] == pytest.approx(1 / 81)
    assert alphas["a", "b"] == pytest.approx(1 / 2)
    assert alphas["b", "h"] == pytest.approx(1 / 2)
    assert alphas["c", "h"] == pytest.approx((11 / 12) ** 4)
    B = disparity_filter(G, alpha=0.05)
    assert sorted(tuple(sorted(e)) for e in B.edges) == [("a", "h")]
    assert B.graph["backbone_dropped_nodes"] == 4 and B.graph["backbone_ties"] == "1 of 6"
    assert B.edges["a", "h"]["disparity_alpha"] == pytest.approx(1 / 81)
    assert B.edges["a", "h"]["weight"] == 8  # attributes kept
    wider = disparity_filter(G, alpha=0.6)
    assert {tuple(sorted(e)) for e in wider.edges} == {("a", "h"), ("a", "b"), ("b", "h")}


def test_a_degree_one_node_keeps_its_tie_only_when_the_other_end_finds_it_significant():
    G = nx.Graph()
    G.add_edge("hub", "leaf", weight=50)
    for i in range(9):
        G.add_edge("hub", f"x{i}", weight=1)
    B = disparity_filter(G, alpha=0.05)
    # hub: k = 10, s = 59; hub–leaf: (1 - 50/59)^9 ≈ 2e-8: kept; hub–x: (58/59)^9 ≈ 0.86: dropped.
    assert set(B.edges) == {("hub", "leaf")}
    assert "leaf" in B and "x0" not in B


def independent_alpha(G: nx.Graph, u, v) -> float:
    """The paper's integral, evaluated numerically: α = 1 - (k - 1) ∫_0^p (1 - x)^(k-2) dx."""
    best = 1.0
    for node, other in ((u, v), (v, u)):
        k = G.degree(node)
        if k < 2:
            continue
        p = G.edges[node, other]["weight"] / G.degree(node, weight="weight")
        steps = 20_000
        integral = sum((1 - (i + 0.5) * p / steps) ** (k - 2) for i in range(steps)) * p / steps
        best = min(best, 1 - (k - 1) * integral)
    return best


def test_alphas_equal_the_papers_integral_on_a_random_graph():
    rng = random.Random(3)
    G = nx.gnm_random_graph(25, 70, seed=3)
    for u, v in G.edges:
        G.edges[u, v]["weight"] = rng.choice([1, 1, 2, 3, 10])
    alphas = disparity_alphas(G)
    for (u, v), alpha in alphas.items():
        assert alpha == pytest.approx(independent_alpha(G, u, v), abs=1e-6)


def test_alpha_must_be_a_probability():
    with pytest.raises(NetworkError, match="alpha must be in"):
        disparity_filter(star_with_a_strong_tie(), alpha=0)
