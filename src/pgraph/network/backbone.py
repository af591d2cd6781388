"""Backbones: the ties of a weighted network that stand out from each node's other ties.

:func:`disparity_filter` is the disparity filter of Serrano, Boguñá and
Vespignani (2009), "Extracting the multiscale backbone of complex weighted
networks", PNAS 106(16):6483–6488. For a node i with k ties and strength
s = Σ_j w_ij, a tie's share is p_ij = w_ij / s; under the null hypothesis
that i's strength is spread uniformly at random over its k ties, the
probability of a share at least p_ij is

    α_ij = (1 − p_ij)^(k − 1)

(the paper's equation 2, integrated). A tie is kept when α_ij < α for at
least one of its two ends.

Degree-one nodes: with k = 1 the formula gives α = 1 (0⁰), so a node's only
tie is never significant *from that node's side*; it is kept when it is
significant for the other end, as in the paper (its footnote on nodes with a
single connection). Nodes left with no tie are dropped from the backbone;
the graph's ``backbone_dropped_nodes`` says how many.

networkx and igraph have no disparity filter; the one PyPI package that
has (netbone 0.2.3) has had no release since mid-2024, so the formula is
implemented here, in a few lines of numpy, and the tests check it against a
hand-computed example and an independent per-node computation.

Example:
    >>> import networkx as nx
    >>> G = nx.Graph()
    >>> G.add_weighted_edges_from([("a", "b", 10), ("a", "c", 1), ("a", "d", 1), ("c", "d", 1)])
    >>> B = disparity_filter(G, alpha=0.2)
    >>> sorted(B.edges())
    [('a', 'b')]
"""

# ruff: noqa: N803, N806, RUF002, RUF003  (networkx's convention: G and H are graphs)

from __future__ import annotations

import numpy as np

from pgraph.errors import NetworkError
from pgraph.lazy import lazy_module
from pgraph.network.measures import indexed

nx = lazy_module("networkx")  # imported at first use: most commands never need it

DEFAULT_ALPHA = 0.05
"""Significance level of the disparity filter."""


def disparity_alphas(G: nx.Graph, *, weight: str = "weight") -> dict[tuple, float]:
    """Return each tie's disparity-filter p-value: the smaller of its two ends' α_ij.

    Example:
        >>> G = nx.Graph([("a", "b", {"weight": 3}), ("a", "c", {"weight": 1})])
        >>> {tuple(sorted(e)): round(a, 3) for e, a in disparity_alphas(G).items()}
        {('a', 'b'): 0.25, ('a', 'c'): 0.75}
    """
    g = indexed(G, weight)
    strength = np.bincount(g.rows, weights=g.weights, minlength=g.n)
    degree = g.degree.astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(strength[g.rows] > 0, g.weights / strength[g.rows], 0.0)
    # α from the side of row i; a node with one tie gives α = 1 (0 ** 0 == 1 in numpy).
    alpha = np.power(1.0 - share, degree[g.rows] - 1.0)
    best: dict[tuple[int, int], float] = {}
    for i, j, a in zip(g.rows.tolist(), g.indices.tolist(), alpha.tolist(), strict=True):
        key = (i, j) if i < j else (j, i)
        best[key] = min(best.get(key, 1.0), a)
    return {(g.nodes[i], g.nodes[j]): a for (i, j), a in best.items()}


def disparity_filter(G: nx.Graph, *, alpha: float = DEFAULT_ALPHA, weight: str = "weight"):
    """Return the backbone of ``G``: the ties significant at level ``alpha`` for an end.

    Each kept tie gets ``disparity_alpha`` (its p-value); nodes without a kept
    tie are left out. The graph records ``backbone``, ``backbone_alpha``,
    ``backbone_ties`` (kept of all) and ``backbone_dropped_nodes``.

    Raises NetworkError when ``alpha`` is not in (0, 1].
    """
    if not 0 < alpha <= 1:
        raise NetworkError(f"the backbone's alpha must be in (0, 1], not {alpha}")
    alphas = disparity_alphas(G, weight=weight)
    B = G.__class__()
    B.graph.update(G.graph)
    for (u, v), a in alphas.items():
        if a < alpha:
            B.add_node(u, **G.nodes[u])
            B.add_node(v, **G.nodes[v])
            B.add_edge(u, v, **G.edges[u, v], disparity_alpha=round(a, 8))
    B.graph.update(
        backbone="disparity filter (Serrano, Boguñá, Vespignani 2009)",
        backbone_alpha=alpha,
        backbone_ties=f"{B.number_of_edges()} of {G.number_of_edges()}",
        backbone_dropped_nodes=G.number_of_nodes() - B.number_of_nodes(),
    )
    if "name" in G.graph:
        B.graph["name"] = f"{G.graph['name']} (disparity backbone, alpha={alpha:g})"
    return B
