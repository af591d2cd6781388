"""Network statistics: centralities, communities, brokerage, and the top-N lists.

:func:`stats` computes, for every node: degree and weighted degree,
betweenness, closeness and eigenvector centrality, local clustering, its
connected component, its Louvain community (fixed seed), and Burt's
constraint and effective size. :class:`NetworkStats` holds them with a
summary and the top-N lists an analyst reads first, and writes them as a
terminal table, CSV or JSON.

Shortest paths (betweenness, closeness) count hops. On networks of more
than :data:`EXACT_LIMIT` nodes they are estimated from
:data:`DEFAULT_SAMPLE` source nodes (see
:func:`pgraph.network.measures.shortest_path_measures`); pass
``betweenness_sample`` to choose, ``betweenness_sample=len(G)`` for exact.

Example:
    >>> import networkx as nx
    >>> G = nx.star_graph(4)
    >>> result = stats(G, top=2)
    >>> [(row["node"], row["value"]) for row in result.top["betweenness"]]
    [(0, 1.0), (1, 0.0)]
"""

# ruff: noqa: N803, N806  (networkx's convention: G and H are graphs)

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from pgraph.errors import NetworkError
from pgraph.lazy import lazy_module
from pgraph.network import measures
from pgraph.network.communities import detect_communities

nx = lazy_module("networkx")  # imported at first use: most commands never need it

EXACT_LIMIT = 1000
"""Up to this many nodes, betweenness and closeness are exact by default."""

DEFAULT_SAMPLE = 200
"""Source nodes sampled for betweenness and closeness above :data:`EXACT_LIMIT`."""

MEASURES = (
    "degree",
    "weighted_degree",
    "betweenness",
    "closeness",
    "eigenvector",
    "clustering",
    "constraint",
    "effective_size",
)
"""Per-node measures, in the order of the CSV columns."""

TOP_MEASURES = {
    "weighted_degree": "most ties (weighted)",
    "degree": "most partners",
    "betweenness": "brokers on shortest paths",
    "eigenvector": "tied to the well-tied",
    "closeness": "closest to everyone",
    "effective_size": "largest non-redundant networks",
    "constraint": "least constrained (structural holes)",
}
"""The top-N lists, in the order they are shown; constraint lists the lowest first."""

NODE_COLUMNS = ("node", "label", "kind", *MEASURES, "component", "community")


@dataclass
class NetworkStats:
    """What :func:`stats` found: a summary, the top-N lists, communities, and every node."""

    summary: dict[str, Any]
    top: dict[str, list[dict[str, Any]]]
    communities: list[dict[str, Any]]
    nodes: list[dict[str, Any]] = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        """Return everything as plain data, top-N lists first (NaN becomes None)."""
        return _clean(
            {
                "summary": self.summary,
                "top": self.top,
                "communities": self.communities,
                "nodes": self.nodes,
            }
        )

    def to_json(self, *, indent: int | None = 2) -> str:
        """Return the statistics as JSON."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def to_csv(self) -> str:
        """Return one CSV row per node, the highest weighted degree first."""
        out = io.StringIO()
        writer = csv.DictWriter(
            out, fieldnames=NODE_COLUMNS, extrasaction="ignore", lineterminator="\n"
        )
        writer.writeheader()
        for row in self.nodes:
            writer.writerow({k: _csv_value(v) for k, v in row.items()})
        return out.getvalue()

    def to_table(self) -> str:
        """Return the summary, the top-N lists and the communities as text for a terminal."""
        lines = [f"{key.replace('_', ' ')}: {_show(value)}" for key, value in self.summary.items()]
        for measure, rows in self.top.items():
            lines += ["", f"{measure.replace('_', ' ')}: {TOP_MEASURES[measure]}"]
            lines += _columns(
                [(str(r["rank"]), r["label"], r["kind"], _show(r["value"])) for r in rows]
            )
        lines += ["", "communities"]
        lines += _columns(
            [
                (str(c["community"]), str(c["size"]), "; ".join(c["members"]))
                for c in self.communities
            ]
        )
        return "\n".join(lines) + "\n"


def stats(
    G: nx.Graph,
    *,
    top: int = 10,
    betweenness_sample: int | None = None,
    seed: int = 42,
    communities: str = "louvain",
) -> NetworkStats:
    """Return the statistics of a network (weights from the edges' ``weight``).

    ``betweenness_sample`` is how many source nodes betweenness and closeness
    start from: None for exact up to :data:`EXACT_LIMIT` nodes and
    :data:`DEFAULT_SAMPLE` above. ``seed`` fixes that sample and the Louvain
    communities, so the same graph always gives the same result.
    ``communities`` is ``louvain`` (networkx) or ``leiden`` (leidenalg).

    Raises NetworkError for an empty network.

    Example:
        >>> result = stats(nx.complete_graph(4))
        >>> result.summary["edges"], result.summary["modularity"]
        (6, 0.0)
    """
    n = G.number_of_nodes()
    sample = _sample_size(n, top, betweenness_sample)
    g = measures.indexed(G)
    paths = measures.shortest_path_measures(g, sample=sample, seed=seed)
    ego = measures.ego_measures(g)
    eigen = measures.eigenvector(g)
    strength = np.bincount(g.rows, weights=g.weights, minlength=g.n)
    components = sorted(nx.connected_components(G), key=lambda c: (-len(c), _first(c)))
    found = detect_communities(G, method=communities, seed=seed)
    component_of = {node: i for i, members in enumerate(components, start=1) for node in members}
    community_of = {node: i for i, members in enumerate(found, start=1) for node in members}
    modularity = measures.modularity(g, np.array([community_of[v] - 1 for v in g.nodes]))
    rows = []
    for i, node in enumerate(g.nodes):
        data = G.nodes[node]
        rows.append(
            {
                "node": node,
                "label": str(data.get("label", node)),
                "kind": str(data.get("kind", "")),
                "degree": int(g.degree[i]),
                "weighted_degree": _number(strength[i]),
                "betweenness": float(paths.betweenness[i]),
                "closeness": float(paths.closeness[i]),
                "eigenvector": float(eigen[i]),
                "clustering": float(ego.clustering[i]),
                "constraint": float(ego.constraint[i]),
                "effective_size": float(ego.effective_size[i]),
                "component": component_of[node],
                "community": community_of[node],
            }
        )
    rows.sort(key=lambda r: (-r["weighted_degree"], -r["degree"], r["label"], str(r["node"])))
    summary = _summary(G, components, found, communities, modularity, ego, paths, seed)
    return NetworkStats(summary, _top_lists(rows, top), _community_table(found, rows), rows)


def _sample_size(n: int, top: int, betweenness_sample: int | None) -> int | None:
    """How many sources betweenness and closeness start from (None: all), once the options fit."""
    if n == 0:
        raise NetworkError("the network has no nodes: there is nothing to measure")
    if top < 1:
        raise NetworkError(f"top must be 1 or more, not {top}")
    if betweenness_sample is not None and betweenness_sample < 1:
        raise NetworkError(f"betweenness_sample must be 1 or more, not {betweenness_sample}")
    return (
        betweenness_sample
        if betweenness_sample is not None
        else (None if n <= EXACT_LIMIT else DEFAULT_SAMPLE)
    )


def _summary(
    G: nx.Graph,
    components: list[set[Any]],
    found: list[Any],
    communities: str,
    modularity: float,
    ego: Any,
    paths: Any,
    seed: int,
) -> dict[str, Any]:
    """The network's figures as a whole: size, density, components, communities, backbone."""
    summary = {
        "kind": G.graph.get("kind", ""),
        "filters": G.graph.get("filters", ""),
        "generic_partners_left_out": G.graph.get("generic_partners_left_out", 0),
        "nodes": G.number_of_nodes(),
        "edges": G.number_of_edges(),
        "density": nx.density(G),
        "components": len(components),
        "largest_component": len(components[0]),
        "communities": len(found),
        "community_method": str(communities).lower(),
        "modularity": modularity,
        "average_clustering": float(ego.clustering.mean()),
        "shortest_paths": "exact" if paths.exact else f"estimated from {paths.sources} sources",
        "seed": seed,
    }
    if G.graph.get("weight"):
        summary["weight"] = str(G.graph["weight"])
    if G.graph.get("backbone"):
        summary["backbone"] = (
            f"{G.graph['backbone']}, alpha={G.graph.get('backbone_alpha')}: "
            f"{G.graph.get('backbone_ties')} ties kept, "
            f"{G.graph.get('backbone_dropped_nodes')} nodes left without a tie dropped"
        )
    return summary


def _first(members) -> str:
    return min(str(node) for node in members)


def _top_lists(rows: list[dict[str, Any]], top: int) -> dict[str, list[dict[str, Any]]]:
    lists = {}
    for measure in TOP_MEASURES:
        ranked = [r for r in rows if not _is_nan(r[measure])]
        sign = 1.0 if measure == "constraint" else -1.0  # constraint: the lowest first

        def order(row: dict[str, Any], m: str = measure, s: float = sign) -> tuple[float, str]:
            return (s * row[m], row["label"])

        ranked.sort(key=order)
        lists[measure] = [
            {
                "rank": rank,
                "node": r["node"],
                "label": r["label"],
                "kind": r["kind"],
                "value": r[measure],
            }
            for rank, r in enumerate(ranked[:top], start=1)
        ]
    return lists


def _community_table(
    communities: list[set], rows: list[dict[str, Any]], shown: int = 5
) -> list[dict[str, Any]]:
    """Return each community's size and its most tied members (rows are in that order)."""
    by_community: dict[int, list[str]] = {}
    for row in rows:
        by_community.setdefault(row["community"], []).append(row["label"])
    return [
        {"community": i, "size": len(members), "members": by_community[i][:shown]}
        for i, members in enumerate(communities, start=1)
    ]


def annotate(G: nx.Graph, result: NetworkStats) -> nx.Graph:
    """Return a copy of ``G`` with each node's measures, component and community as attributes.

    Example:
        >>> H = annotate(nx.path_graph(3), stats(nx.path_graph(3)))
        >>> H.nodes[1]["betweenness"], H.nodes[1]["community"]
        (1.0, 1)
    """
    H = G.copy()
    for row in result.nodes:
        H.nodes[row["node"]].update(
            {k: row[k] for k in (*MEASURES, "component", "community") if not _is_nan(row[k])}
        )
    return H


# ---------------------------------------------------------------- formatting


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else float(value)


def _is_nan(value: Any) -> bool:
    return isinstance(value, float) and math.isnan(value)


def _clean(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if _is_nan(value):
        return None
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def _csv_value(value: Any) -> Any:
    if _is_nan(value):
        return ""
    if isinstance(value, float):
        return f"{value:.6g}"
    return value


def _show(value: Any) -> str:
    if _is_nan(value):
        return "-"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value) if value != "" else "-"


def _columns(rows: list[tuple[str, ...]], limit: int = 60) -> list[str]:
    """Return rows as left-aligned columns, long cells cut at ``limit`` characters."""
    if not rows:
        return ["  (none)"]
    cut = [tuple(c if len(c) <= limit else c[: limit - 1] + "…" for c in row) for row in rows]
    widths = [max(len(row[i]) for row in cut) for i in range(len(cut[0]))]
    return [
        "  " + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
        for row in cut
    ]
