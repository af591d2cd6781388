"""Communities: Louvain (networkx) or Leiden (leidenalg), with a fixed seed.

Louvain is networkx's ``louvain_communities``; Leiden is ``leidenalg``'s
``ModularityVertexPartition`` on an igraph copy of the network (both are
compiled, from the igraph project; install them with ``pip install
'pgraph[leiden]'``). Both optimise weighted modularity; Leiden also
guarantees connected communities (Traag, Waltman, van Eck 2019, Sci. Rep.
9:5233). The same graph and seed always give the same communities.

Example:
    >>> import networkx as nx
    >>> G = nx.barbell_graph(4, 0)
    >>> [sorted(c) for c in detect_communities(G)]
    [[0, 1, 2, 3], [4, 5, 6, 7]]
"""

# ruff: noqa: N803  (networkx's convention: G and H are graphs)

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pgraph.errors import NetworkError
from pgraph.lazy import lazy_module

nx = lazy_module("networkx")  # imported at first use: most commands never need it


class CommunityMethod(StrEnum):
    """How communities are found."""

    LOUVAIN = "louvain"
    LEIDEN = "leiden"


def detect_communities(
    G: nx.Graph, *, method: str | CommunityMethod = CommunityMethod.LOUVAIN, seed: int = 42
) -> list[set]:
    """Return the communities of ``G``, largest first (each node alone when there are no ties).

    Raises NetworkError for an unknown method, or Leiden without leidenalg.
    """
    try:
        method = CommunityMethod(str(method).lower())
    except ValueError:
        raise NetworkError(
            f"unknown community method {method!r}", hint="choose louvain or leiden"
        ) from None
    if G.number_of_edges() == 0:
        found: list[set] = [{node} for node in G]
    elif method is CommunityMethod.LEIDEN:
        found = _leiden(G, seed)
    else:
        found = nx.community.louvain_communities(G, weight="weight", seed=seed)
    return sorted(found, key=lambda c: (-len(c), _first(c)))


def _first(members) -> str:
    return min(str(node) for node in members)


def _leiden(G: nx.Graph, seed: int) -> list[set]:
    try:
        import igraph
        import leidenalg
    except ImportError:
        raise NetworkError(
            "Leiden communities need the leidenalg package",
            hint="pip install 'pgraph[leiden]', or use --communities louvain",
        ) from None
    nodes = list(G)
    position = {node: i for i, node in enumerate(nodes)}
    ties = [(position[u], position[v]) for u, v in G.edges() if u != v]
    weights = [_weight(d) for u, v, d in G.edges(data=True) if u != v]
    g = igraph.Graph(n=len(nodes), edges=ties)
    partition = leidenalg.find_partition(
        g, leidenalg.ModularityVertexPartition, weights=weights, seed=seed
    )
    return [{nodes[i] for i in members} for members in partition]


def _weight(data: dict[str, Any]) -> float:
    value = data.get("weight", 1)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 1.0
