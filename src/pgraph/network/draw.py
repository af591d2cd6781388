"""Pictures of a network: PNG and SVG with matplotlib, and an interactive HTML page.

Communities (Louvain, fixed seed) are coloured, node size follows weighted
degree, the most tied nodes are labelled, and each kind of node has its own
shape (practices ■, organisations ●, Acts ◆, concepts ▲). A network larger
than ``max_nodes`` is drawn as the sub-network of its ``max_nodes`` most tied
nodes, and the picture says so. Rendering uses matplotlib's Agg canvas
directly: no display, and no change to pyplot's global backend.

Example:
    >>> import tempfile
    >>> from pathlib import Path
    >>> G = nx.karate_club_graph()
    >>> out = draw(G, Path(tempfile.mkdtemp()) / "karate.png")
    >>> out.stat().st_size > 10_000
    True
"""

# ruff: noqa: N803, N806  (networkx's convention: G and H are graphs)

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from pgraph.errors import NetworkError
from pgraph.lazy import lazy_module

nx = lazy_module("networkx")  # imported at first use: most commands never need it

DEFAULT_MAX_NODES = 400
"""The most nodes a picture shows (networkx lays out up to 499 without scipy)."""

DEFAULT_LABELS = 12
"""How many of the most tied nodes are labelled."""

SHAPES = {"practice": "s", "organisation": "o", "legislation": "D", "concept": "^"}
"""matplotlib markers by node kind (anything else is a circle)."""

OTHER_COLOUR = "#b0b0b0"
"""Colour of the communities beyond the palette's twenty."""


@dataclass
class Picture:
    """What both renderers draw: the nodes shown, where, in which colour, and a caption."""

    graph: nx.Graph
    positions: dict[Any, tuple[float, float]]
    community: dict[Any, int]
    colours: dict[int, str]
    strength: dict[Any, float]
    labelled: list[Any]
    title: str
    caption: str


def prepare(
    G: nx.Graph,
    *,
    max_nodes: int = DEFAULT_MAX_NODES,
    labels: int = DEFAULT_LABELS,
    seed: int = 42,
    title: str | None = None,
) -> Picture:
    """Return the picture of a network: its most tied nodes laid out and coloured.

    Example:
        >>> p = prepare(nx.path_graph(5), max_nodes=3, labels=1)
        >>> sorted(p.graph), p.caption
        (['1', '2', '3'], '3 of 5 nodes (the most tied) · 2 of 4 ties · 2 communities')
    """
    if G.number_of_nodes() == 0:
        raise NetworkError("the network has no nodes: there is nothing to draw")
    if max_nodes < 1:
        raise NetworkError(f"max_nodes must be 1 or more, not {max_nodes}")
    strength = dict(G.degree(weight="weight"))
    kept = sorted(G, key=lambda v: (-strength[v], str(v)))[:max_nodes]
    H = nx.relabel_nodes(G.subgraph(kept), str, copy=True)
    strength = {str(v): float(strength[v]) for v in kept}
    communities = _communities(G, seed)
    community = {str(v): communities[v] for v in kept}
    palette = _palette()
    colours = {
        c: palette[c - 1] if c <= len(palette) else OTHER_COLOUR
        for c in sorted(set(community.values()))
    }
    kinds = sorted({str(d.get("kind", "node")) for _, d in H.nodes(data=True)})
    count = len(set(community.values()))
    parts = [
        f"{len(H)} of {len(G)} nodes (the most tied)" if len(H) < len(G) else f"{len(H)} nodes",
        f"{H.number_of_edges()} of {G.number_of_edges()} ties"
        if len(H) < len(G)
        else f"{H.number_of_edges()} ties",
        f"{count} communit{'y' if count == 1 else 'ies'}",
    ]
    if G.graph.get("filters"):
        parts.append(str(G.graph["filters"]))
    name = title or str(G.graph.get("name") or "network")
    if len(kinds) > 1:
        name += " (" + ", ".join(kinds) + ")"
    return Picture(
        graph=H,
        positions=_layout(H, seed),
        community=community,
        colours=colours,
        strength=strength,
        labelled=sorted(H, key=lambda v: (-strength[v], v))[:labels],
        title=name,
        caption=" · ".join(parts),
    )


def _communities(G: nx.Graph, seed: int) -> dict[Any, int]:
    """Return node → community number (1 = largest), from Louvain on the whole network."""
    if G.number_of_edges() == 0:
        return {v: 1 for v in G}
    found = nx.community.louvain_communities(G, weight="weight", seed=seed)
    found = sorted(found, key=lambda c: (-len(c), min(str(v) for v in c)))
    return {v: i for i, members in enumerate(found, start=1) for v in members}


def _palette() -> list[str]:
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    return [to_hex(c) for c in colormaps["tab20"].colors]  # type: ignore[attr-defined]


def _layout(H: nx.Graph, seed: int) -> dict[Any, tuple[float, float]]:
    if len(H) == 1:
        return {next(iter(H)): (0.0, 0.0)}
    try:
        positions = nx.spring_layout(H, seed=seed, weight=None, iterations=100)
    except ImportError:
        raise NetworkError(
            f"laying out {len(H)} nodes needs scipy (networkx uses it from 500 nodes)",
            hint="pip install scipy, or draw fewer nodes (--max-nodes 400)",
        ) from None
    return {v: (float(x), float(y)) for v, (x, y) in positions.items()}


def draw(
    G: nx.Graph,
    path: Path | str,
    *,
    max_nodes: int = DEFAULT_MAX_NODES,
    labels: int = DEFAULT_LABELS,
    seed: int = 42,
    title: str | None = None,
) -> Path:
    """Draw the network to ``path``: PNG or SVG by matplotlib, HTML as an interactive page.

    The format follows the suffix (``.png``, ``.svg``, ``.html``). Returns the path.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".png", ".svg", ".html", ".htm"):
        raise NetworkError(
            f"cannot draw to {path.name!r}",
            path=str(path),
            hint="end the file name with .png, .svg or .html",
        )
    picture = prepare(G, max_nodes=max_nodes, labels=labels, seed=seed, title=title)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if suffix in (".html", ".htm"):
            from pgraph.network.html import write_page

            write_page(picture, path)
        else:
            _render(picture, path, suffix[1:])
    except OSError as error:
        raise NetworkError(
            f"cannot write the picture: {error.strerror or error}",
            path=str(path),
            hint="choose another --out",
        ) from error
    return path


def _render(p: Picture, path: Path, fmt: str) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    fig = Figure(figsize=(12, 10), dpi=100, facecolor="white")
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.01, 0.04, 0.80, 0.88))
    ax.set_axis_off()
    H, pos = p.graph, p.positions
    top = max(p.strength.values()) or 1.0
    ties = list(H.edges(data="weight", default=1))
    if ties:
        heaviest = max(float(w) for *_, w in ties) or 1.0
        segments = np.array([(pos[u], pos[v]) for u, v, _ in ties])
        widths = [0.3 + 2.2 * math.log1p(float(w)) / math.log1p(heaviest) for *_, w in ties]
        from matplotlib.collections import LineCollection

        ax.add_collection(
            LineCollection(
                list(segments), linewidths=widths, colors="#8c8c8c", alpha=0.35, zorder=1
            )
        )
    for kind, marker in {**SHAPES, "": "o"}.items():
        members = [
            v
            for v in H
            if (H.nodes[v].get("kind") or "") == kind
            or (kind == "" and H.nodes[v].get("kind") not in SHAPES)
        ]
        if not members:
            continue
        xy = np.array([pos[v] for v in members])
        ax.scatter(
            xy[:, 0],
            xy[:, 1],
            marker=marker,
            zorder=2,
            linewidths=0.6,
            edgecolors="#333333",
            s=[25 + 500 * math.sqrt(p.strength[v] / top) for v in members],
            c=[p.colours[p.community[v]] for v in members],
        )
    ax.autoscale_view()
    ax.margins(0.06)
    _place_labels(fig, ax, [(pos[v], _short(str(H.nodes[v].get("label", v)))) for v in p.labelled])
    fig.suptitle(p.title, fontsize=15, x=0.02, ha="left", y=0.985)
    fig.text(0.02, 0.935, p.caption, fontsize=10, color="#444444")
    sizes = {c: sum(1 for v in p.community.values() if v == c) for c in p.colours}
    shown = sorted(sizes, key=lambda c: (-sizes[c], c))[:10]
    handles = [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markersize=9,
            markerfacecolor=p.colours[c],
            markeredgecolor="#333333",
            label=f"community {c} ({sizes[c]})",
        )
        for c in shown
    ]
    kinds = sorted({H.nodes[v].get("kind") for v in H} & set(SHAPES))
    if len(kinds) > 1:
        handles += [
            Line2D(
                [],
                [],
                marker=SHAPES[k],
                linestyle="",
                markersize=8,
                markerfacecolor="white",
                markeredgecolor="#333333",
                label=k,
            )
            for k in kinds
        ]
    ax.legend(
        handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False
    )
    fig.text(
        0.98,
        0.015,
        "size: weighted degree · colour: Louvain community · drawn by pgraph",
        fontsize=8,
        color="#666666",
        ha="right",
    )
    fig.savefig(path, format=fmt, facecolor="white")


_LABEL_SPOTS = (
    (0, 9, "center", "bottom"),
    (0, -9, "center", "top"),
    (9, 0, "left", "center"),
    (-9, 0, "right", "center"),
)


def _place_labels(fig, ax, labels: list[tuple[tuple[float, float], str]]) -> None:
    """Label the nodes in order of importance, each where it overlaps no earlier label."""
    renderer = fig.canvas.get_renderer()
    placed: list[Any] = []
    for xy, text in labels:
        for dx, dy, ha, va in _LABEL_SPOTS:
            note = ax.annotate(
                text,
                xy,
                xytext=(dx, dy),
                textcoords="offset points",
                ha=ha,
                va=va,
                fontsize=9,
                zorder=3,
                bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.8},
            )
            box = note.get_window_extent(renderer).expanded(1.05, 1.15)
            if not any(box.overlaps(other) for other in placed):
                placed.append(box)
                break
            note.remove()


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
