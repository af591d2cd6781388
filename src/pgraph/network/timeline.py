"""The network year by year: how it grew, as a table and a plot.

A tie exists from the start of the first practice behind it (its
``start_date``, set by :func:`pgraph.network.build`); a node from the start
of its first practice (an Act or a concept: of its first tie). The catalogue gives no end dates, so
nothing leaves the network. For each year from the first start to the last,
:func:`by_year` measures the network as it stood on 31 December: nodes,
ties, density, connected components, the largest component's share of the
nodes, and the top brokers (betweenness, exact up to 1,000 nodes, estimated
from 200 sources above, as in :func:`pgraph.network.stats`). Ties and nodes
without a known start are left out, and counted.

Example:
    >>> import networkx as nx
    >>> G = nx.Graph()
    >>> G.add_node("a", label="A", start_date="2010-03-01")
    >>> G.add_node("b", label="B", start_date="2010-03-01")
    >>> G.add_node("c", label="C", start_date="2012-06-01")
    >>> G.add_edge("a", "b", start_date="2010-03-01")
    >>> G.add_edge("b", "c", start_date="2012-06-01")
    >>> series = by_year(G)
    >>> [(r["year"], r["nodes"], r["ties"], r["components"]) for r in series.rows]
    [(2010, 2, 1, 1), (2011, 2, 1, 1), (2012, 3, 2, 1)]
    >>> series.rows[-1]["top_brokers"]
    'B'
"""

# ruff: noqa: N803, N806  (networkx's convention: G and H are graphs)

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pgraph.errors import NetworkError
from pgraph.lazy import lazy_module
from pgraph.network import measures
from pgraph.network.stats import DEFAULT_SAMPLE, EXACT_LIMIT

nx = lazy_module("networkx")  # imported at first use: most commands never need it

COLUMNS = (
    "year",
    "nodes",
    "ties",
    "density",
    "components",
    "largest_component_share",
    "top_brokers",
)


@dataclass
class YearlySeries:
    """One row per year, and what was left out for want of a date."""

    rows: list[dict[str, Any]]
    undated_nodes: int
    undated_ties: int
    name: str = "network"

    def to_csv(self) -> str:
        """Return the series as CSV (brokers ``;``-joined, best first)."""
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in self.rows:
            writer.writerow({k: f"{v:.6g}" if isinstance(v, float) else v for k, v in row.items()})
        return out.getvalue()

    def plot(self, path: Path | str, *, width: float = 8.0, height: float = 6.0, dpi: int = 150):
        """Draw the series (PNG, SVG or PDF by the suffix) and return the path."""
        from pgraph.network.paper import save_figure

        return save_figure(series_figure(self, width=width, height=height, dpi=dpi), path)


def _year(date: Any) -> int | None:
    text = str(date or "")
    return int(text[:4]) if len(text) >= 4 and text[:4].isdigit() else None


def by_year(
    G: nx.Graph, *, brokers: int = 3, sample: int | None = None, seed: int = 42
) -> YearlySeries:
    """Return the network's yearly series (see the module's description).

    Raises NetworkError when no tie or node has a start date.
    """
    node_year = {v: _year(d.get("start_date")) for v, d in G.nodes(data=True)}
    tie_year = {(u, v): _year(d.get("start_date")) for u, v, d in G.edges(data=True)}
    years = [y for y in (*node_year.values(), *tie_year.values()) if y is not None]
    if not years:
        raise NetworkError(
            "no practice in this network has a start date: there is no time series to make"
        )
    rows = []
    for year in range(min(years), max(years) + 1):
        H = nx.Graph()
        H.add_nodes_from(v for v, y in node_year.items() if y is not None and y <= year)
        H.add_edges_from(e for e, y in tie_year.items() if y is not None and y <= year)
        n = H.number_of_nodes()
        components = list(nx.connected_components(H)) if n else []
        row = {
            "year": year,
            "nodes": n,
            "ties": H.number_of_edges(),
            "density": nx.density(H) if n > 1 else 0.0,
            "components": len(components),
            "largest_component_share": max(map(len, components)) / n if n else 0.0,
            "top_brokers": _brokers(G, H, brokers, sample, seed),
        }
        rows.append(row)
    return YearlySeries(
        rows,
        undated_nodes=sum(1 for y in node_year.values() if y is None),
        undated_ties=sum(1 for y in tie_year.values() if y is None),
        name=str(G.graph.get("name", "network")),
    )


def _brokers(G: nx.Graph, H: nx.Graph, count: int, sample: int | None, seed: int) -> str:
    if H.number_of_edges() == 0 or count < 1:
        return ""
    g = measures.indexed(H)
    k = sample if sample is not None else (None if g.n <= EXACT_LIMIT else DEFAULT_SAMPLE)
    betweenness = measures.shortest_path_measures(g, sample=k, seed=seed).betweenness
    ranked = sorted(range(g.n), key=lambda i: (-betweenness[i], str(g.nodes[i])))
    return "; ".join(
        str(G.nodes[g.nodes[i]].get("label", g.nodes[i]))
        for i in ranked[:count]
        if betweenness[i] > 0
    )


def series_figure(series: YearlySeries, *, width: float, height: float, dpi: int):
    """Return a matplotlib figure of the series: size, density, and fragmentation by year."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    fig = Figure(figsize=(width, height), dpi=dpi, facecolor="white", layout="constrained")
    FigureCanvasAgg(fig)
    years = [r["year"] for r in series.rows]
    axes = fig.subplots(2, 2, sharex=True)
    panels = (
        (axes[0][0], "nodes and ties", (("nodes", "nodes"), ("ties", "ties"))),
        (axes[0][1], "density", (("density", "density"),)),
        (axes[1][0], "connected components", (("components", "components"),)),
        (
            axes[1][1],
            "largest component (share of nodes)",
            (("largest_component_share", "share"),),
        ),
    )
    for ax, title, lines in panels:
        for key, label in lines:
            ax.plot(years, [r[key] for r in series.rows], marker="o", markersize=3, label=label)
        ax.set_title(title, fontsize=10)
        ax.grid(alpha=0.3)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=6))
        ax.tick_params(labelsize=8)
        if len(lines) > 1:
            ax.legend(fontsize=8, frameon=False)
    axes[1][1].set_ylim(0, 1.05)
    axes[1][0].set_ylim(0, max(r["components"] for r in series.rows) + 1)
    axes[1][0].yaxis.set_major_locator(MaxNLocator(integer=True))
    axes[0][1].set_ylim(0, 1.05)
    left_out = []
    if series.undated_ties:
        left_out.append(f"{series.undated_ties} undated ties")
    if series.undated_nodes:
        left_out.append(f"{series.undated_nodes} undated nodes")
    fig.suptitle(
        f"{series.name} by year (end of year)"
        + (f" — left out: {', '.join(left_out)}" if left_out else ""),
        fontsize=11,
    )
    return fig
