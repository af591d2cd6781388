"""Centralities and brokerage on large networks, computed with numpy arrays.

networkx's pure-Python versions of these measures take minutes on the
co-partnership network of a 10,000-practice catalogue (about 5,000
organisations and 150,000 ties); these give the same values (the tests
compare them with networkx on small graphs) in seconds:

- :func:`shortest_path_measures`: betweenness and closeness from breadth-first
  searches (Brandes' algorithm), exact or from a sample of source nodes;
- :func:`eigenvector`: networkx's power iteration on ``A + I``;
- :func:`ego_measures`: local clustering, and Burt's constraint and effective
  size, from each node's ego network.

Shortest paths count hops: a tie is a tie whatever its weight. Weights enter
eigenvector centrality, constraint and effective size.

Example:
    >>> import networkx as nx
    >>> g = indexed(nx.path_graph(3))
    >>> shortest_path_measures(g).betweenness.tolist()
    [0.0, 1.0, 0.0]
"""

# ruff: noqa: N803  (networkx's convention: G and H are graphs)

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import numpy as np

from pgraph.errors import NetworkError
from pgraph.lazy import lazy_module

nx = lazy_module("networkx")  # imported at first use: most commands never need it


@dataclass
class IndexedGraph:
    """An undirected graph as compressed sparse rows: node ``i``'s neighbours and weights.

    ``indices[indptr[i]:indptr[i + 1]]`` are the (sorted) neighbours of node
    ``nodes[i]``, ``weights`` the weights of those ties, each tie stored in both
    directions. Self-loops are left out.
    """

    nodes: list
    indptr: np.ndarray
    indices: np.ndarray
    weights: np.ndarray

    @property
    def n(self) -> int:
        return len(self.nodes)

    @property
    def degree(self) -> np.ndarray:
        return np.diff(self.indptr)

    @property
    def rows(self) -> np.ndarray:
        """The row (source node) of every stored entry."""
        return np.repeat(np.arange(self.n), self.degree)


def indexed(G: nx.Graph, weight: str | None = "weight") -> IndexedGraph:
    """Return the graph as arrays (a missing or non-numeric weight counts as 1).

    Example:
        >>> indexed(nx.path_graph(3)).indices.tolist()
        [1, 0, 2, 1]
    """
    nodes = list(G)
    n = len(nodes)
    position = {node: i for i, node in enumerate(nodes)}
    ties = [
        (position[u], position[v], _weight(data, weight))
        for u, v, data in G.edges(data=True)
        if u != v
    ]
    if ties:
        u, v, w = (np.asarray(column) for column in zip(*ties, strict=True))
        rows = np.concatenate([u, v]).astype(np.int64)
        columns = np.concatenate([v, u]).astype(np.int64)
        weights = np.concatenate([w, w]).astype(np.float64)
        order = np.lexsort((columns, rows))
        rows, columns, weights = rows[order], columns[order], weights[order]
    else:
        rows = columns = np.zeros(0, dtype=np.int64)
        weights = np.zeros(0)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    return IndexedGraph(nodes, indptr, columns, weights)


def _weight(data: dict, key: str | None) -> float:
    value = data.get(key, 1) if key else 1
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 1.0


def _ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Return the concatenation of ``arange(start, start + count)`` for each pair."""
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(starts - (np.cumsum(counts) - counts), counts)
    return np.arange(total, dtype=np.int64) + offsets


# ---------------------------------------------------------------- shortest paths


@dataclass
class PathMeasures:
    """Betweenness and closeness, and how they were obtained."""

    betweenness: np.ndarray
    closeness: np.ndarray
    sources: int
    exact: bool


def shortest_path_measures(
    g: IndexedGraph, *, sample: int | None = None, seed: int = 42
) -> PathMeasures:
    """Return normalised betweenness and closeness centrality, exact or estimated.

    With ``sample`` = k < n, the breadth-first searches start from k source
    nodes only, drawn in each connected component in proportion to its size
    (a component too small to be sampled keeps all its nodes): betweenness sums
    the sources' dependencies scaled by component size over sources drawn there,
    and closeness averages the distances to the sources. Both are unbiased
    estimates; the benchmark measures their error. Normalisation follows
    networkx (``betweenness_centrality(normalized=True)``, and
    ``closeness_centrality`` with the Wasserman-Faust correction for
    disconnected graphs).

    Example:
        >>> m = shortest_path_measures(indexed(nx.star_graph(3)))
        >>> m.betweenness.tolist(), m.closeness.tolist()
        ([1.0, 0.0, 0.0, 0.0], [1.0, 0.6, 0.6, 0.6])
    """
    n = g.n
    components = _components(g)
    size = np.zeros(n)
    for members in components:
        size[members] = len(members)
    rng = random.Random(seed)
    betweenness = np.zeros(n)
    distance_sum = np.zeros(n)
    distance_count = np.zeros(n)
    closeness = np.zeros(n)
    exact = sample is None or sample >= n
    used = 0
    for members in components:
        if exact:
            sources, scale = members, 1.0
        else:
            wanted = min(len(members), math.ceil(sample * len(members) / n))  # type: ignore[operator]
            sources = sorted(rng.sample(members, wanted))
            scale = len(members) / wanted
        for s in sources:
            distance, delta = _brandes_single_source(g, s)
            delta[s] = 0.0
            betweenness += scale * delta
            reached = distance > 0
            if exact:
                total = distance[reached].sum()
                closeness[s] = (reached.sum() / total) if total else 0.0
            else:
                distance_sum[reached] += distance[reached]
                distance_count[reached] += 1
        used += len(sources)
    if not exact:
        estimated = distance_count > 0
        closeness[estimated] = distance_count[estimated] / distance_sum[estimated]
    if n > 1:
        closeness *= (size - 1) / (n - 1)  # Wasserman and Faust: share of the graph reached
    if n > 2:
        betweenness /= (n - 1) * (n - 2)
    return PathMeasures(betweenness, closeness, used, exact)


def _components(g: IndexedGraph) -> list[list[int]]:
    seen = np.zeros(g.n, dtype=bool)
    components = []
    for start in range(g.n):
        if seen[start]:
            continue
        members = [start]
        seen[start] = True
        frontier = np.array([start])
        while frontier.size:
            neighbours = g.indices[_ranges(g.indptr[frontier], g.degree[frontier])]
            fresh = np.unique(neighbours[~seen[neighbours]])
            seen[fresh] = True
            members += fresh.tolist()
            frontier = fresh
        components.append(sorted(members))
    return components


def _brandes_single_source(g: IndexedGraph, source: int) -> tuple[np.ndarray, np.ndarray]:
    """Return hop distances from ``source`` (-1 unreached) and its dependencies (Brandes 2001)."""
    n = g.n
    distance = np.full(n, -1, dtype=np.int64)
    distance[source] = 0
    sigma = np.zeros(n)
    sigma[source] = 1.0
    frontier = np.array([source])
    levels: list[tuple[np.ndarray, np.ndarray]] = []
    depth = 0
    while frontier.size:
        counts = g.degree[frontier]
        targets = g.indices[_ranges(g.indptr[frontier], counts)]
        origins = np.repeat(frontier, counts)
        fresh = targets[distance[targets] < 0]
        distance[fresh] = depth + 1
        on_path = distance[targets] == depth + 1
        origins, targets = origins[on_path], targets[on_path]
        sigma += np.bincount(targets, weights=sigma[origins], minlength=n)
        levels.append((origins, targets))
        frontier = np.unique(targets)
        depth += 1
    delta = np.zeros(n)
    for origins, targets in reversed(levels):
        share = sigma[origins] / sigma[targets] * (1.0 + delta[targets])
        delta += np.bincount(origins, weights=share, minlength=n)
    return distance, delta


# ---------------------------------------------------------------- eigenvector


def eigenvector(g: IndexedGraph, *, max_iter: int = 1000, tol: float = 1.0e-6) -> np.ndarray:
    """Return eigenvector centrality by networkx's power iteration (on ``A + I``, weighted).

    Example:
        >>> eigenvector(indexed(nx.path_graph(3))).round(3).tolist()
        [0.5, 0.707, 0.5]
    """
    n = g.n
    if n == 0:
        return np.zeros(0)
    rows = g.rows
    x = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        last = x
        x = last + np.bincount(g.indices, weights=g.weights * last[rows], minlength=n)
        norm = math.sqrt(float(x @ x)) or 1.0
        x = x / norm
        if float(np.abs(x - last).sum()) < n * tol:
            return x
    raise NetworkError(
        f"eigenvector centrality did not converge in {max_iter} iterations",
        hint="the network may be too irregular; the other measures are unaffected",
    )


def modularity(g: IndexedGraph, community: np.ndarray) -> float:
    """Return the (weighted) modularity of a partition, as ``nx.community.modularity``.

    ``community[i]`` is the community number of node ``i``.

    Example:
        >>> g = indexed(nx.barbell_graph(3, 0))
        >>> round(modularity(g, np.array([0, 0, 0, 1, 1, 1])), 4)
        0.3571
    """
    total = float(g.weights.sum())  # twice the total weight: each tie is stored twice
    if total == 0:
        return 0.0
    groups = int(community.max()) + 1
    inside = community[g.rows] == community[g.indices]
    internal = np.bincount(community[g.rows][inside], weights=g.weights[inside], minlength=groups)
    strength = np.bincount(g.rows, weights=g.weights, minlength=g.n)
    degree = np.bincount(community, weights=strength, minlength=groups)
    return float((internal / total - (degree / total) ** 2).sum())


# ---------------------------------------------------------------- ego networks


@dataclass
class EgoMeasures:
    """Local clustering, Burt's constraint and effective size (NaN for isolated nodes)."""

    clustering: np.ndarray
    constraint: np.ndarray
    effective_size: np.ndarray
    triangles: np.ndarray


def ego_measures(g: IndexedGraph) -> EgoMeasures:
    """Return clustering (unweighted), constraint and effective size (weighted, Burt 1992).

    For ego i with neighbours j, q: p_ij = w_ij / Σ_k w_ik, m_jq = w_jq / max_k w_jk;
    constraint c_i = Σ_j (p_ij + Σ_q p_iq p_qj)²; effective size
    Σ_j (1 - Σ_q p_iq m_jq). These are networkx's ``constraint`` and
    ``effective_size`` with ``weight="weight"``.

    Example:
        >>> e = ego_measures(indexed(nx.complete_graph(3)))
        >>> e.clustering.tolist(), e.constraint.round(3).tolist(), e.effective_size.tolist()
        ([1.0, 1.0, 1.0], [1.125, 1.125, 1.125], [1.0, 1.0, 1.0])
    """
    n = g.n
    degree = g.degree
    strength = np.bincount(g.rows, weights=g.weights, minlength=n)
    strongest = np.zeros(n)
    nonempty = degree > 0
    strongest[nonempty] = (
        np.maximum.reduceat(g.weights, g.indptr[:-1][nonempty]) if g.weights.size else 0
    )
    clustering = np.zeros(n)
    constraint = np.full(n, np.nan)
    effective = np.full(n, np.nan)
    triangles = np.zeros(n)
    keys = g.rows * n + g.indices  # sorted, since rows and their columns are
    for i in np.flatnonzero(nonempty):
        lo, hi = g.indptr[i], g.indptr[i + 1]
        ego = g.indices[lo:hi]
        p = g.weights[lo:hi] / strength[i]
        row, col, w = _ties_among(g, ego, keys)
        k = ego.size
        triangles[i] = row.size / 2
        if k > 1:
            clustering[i] = row.size / (k * (k - 1))
        # For each neighbour j: Σ_q p_iq p_qj, summing the ties (q, j) over the rows q.
        indirect = np.bincount(col, weights=p[row] * w / strength[ego[row]], minlength=k)
        constraint[i] = float(((p + indirect) ** 2).sum())
        # For each neighbour j: Σ_q p_iq m_jq, summing the ties (j, q) along the row j.
        redundancy = np.bincount(row, weights=p[col] * w / strongest[ego[row]], minlength=k)
        effective[i] = float(k - redundancy.sum())
    return EgoMeasures(clustering, constraint, effective, triangles)


def _ties_among(
    g: IndexedGraph, ego: np.ndarray, keys: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return the ties among the (sorted) nodes ``ego`` as positions in it, both directions.

    A neighbour with fewer ties than ``ego`` has its row scanned for members
    of ``ego``; a hub's row is searched for each member instead, so a hub
    costs ``len(ego)`` look-ups rather than its whole row.
    """
    k = ego.size
    degree = g.degree[ego]
    short = np.flatnonzero(degree <= k)
    entries = _ranges(g.indptr[ego[short]], degree[short])
    columns = g.indices[entries]
    where = np.minimum(np.searchsorted(ego, columns), k - 1)
    inside = ego[where] == columns
    row = np.repeat(short, degree[short])[inside]
    col = where[inside]
    weight = g.weights[entries][inside]
    hubs = np.flatnonzero(degree > k)
    if hubs.size:
        hub_row = np.repeat(hubs, k)
        hub_col = np.tile(np.arange(k), hubs.size)
        wanted = ego[hub_row] * g.n + ego[hub_col]
        found_at = np.minimum(np.searchsorted(keys, wanted), keys.size - 1)
        found = keys[found_at] == wanted
        row = np.concatenate([row, hub_row[found]])
        col = np.concatenate([col, hub_col[found]])
        weight = np.concatenate([weight, g.weights[found_at[found]]])
    return row, col, weight
