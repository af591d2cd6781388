"""Static figures for a paper: PNG, SVG and PDF of a prepared picture, with matplotlib.

Sizes are in inches and fonts in points, so a figure made at ``--width 3.5``
fits a journal column. Labels are placed by :func:`place_labels`: each
label, most important first, goes to the nearest spot around its node where
its box overlaps no node, no earlier label, and stays inside the plotting
area (so nothing is clipped); a label moved away from its node gets a thin
leader line; a label with no such spot is left out and the figure says how
many were. Rendering uses matplotlib's Agg canvas directly: no display, and
no change to pyplot's global backend.

Example:
    >>> import networkx as nx
    >>> from pgraph.network.draw import prepare
    >>> drawn = render(prepare(nx.karate_club_graph(), labels=5), width=4, height=3, dpi=100)
    >>> drawn.figure.get_size_inches().tolist(), len(drawn.label_boxes)
    ([4.0, 3.0], 5)
"""

# ruff: noqa: N806, RUF002  (networkx's convention: G and H are graphs)

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from pgraph.errors import NetworkError
from pgraph.network.draw import OTHER_COLOUR, SHAPES, Picture, _short

STATUTORY_COLOUR = "#b2182b"
TIE_COLOUR = "#8c8c8c"


@dataclass
class Box:
    """A rectangle in display pixels (origin bottom left)."""

    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: Box, gap: float = 0.0) -> bool:
        return not (
            self.x1 + gap <= other.x0
            or other.x1 + gap <= self.x0
            or self.y1 + gap <= other.y0
            or other.y1 + gap <= self.y0
        )

    def inside(self, other: Box) -> bool:
        return (
            self.x0 >= other.x0
            and self.y0 >= other.y0
            and self.x1 <= other.x1
            and self.y1 <= other.y1
        )


@dataclass
class Rendered:
    """A drawn figure and where its parts ended up (display pixels), for checking."""

    figure: Any
    label_boxes: list[Box]
    nodes: np.ndarray  # rows of (x, y, radius)
    canvas: Box
    legend: Box | None
    left_out: list[str] = field(default_factory=list)


def _fonts(width: float, height: float) -> dict[str, float]:
    scale = math.sqrt(min(width / 12.0, height / 10.0))
    return {
        "title": max(8.0, 15.0 * scale),
        "caption": max(6.0, 10.0 * scale),
        "label": max(6.0, 9.0 * scale),
        "legend": max(5.5, 8.0 * scale),
        "note": max(5.5, 7.5 * scale),
    }


def render(p: Picture, *, width: float = 12.0, height: float = 10.0, dpi: int = 100) -> Rendered:
    """Return the figure of a picture, laid out for ``width`` × ``height`` inches at ``dpi``."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    fonts = _fonts(width, height)
    fig = Figure(figsize=(width, height), dpi=dpi, facecolor="white")
    FigureCanvasAgg(fig)
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    H, pos = p.graph, p.positions

    header = (fonts["title"] + fonts["caption"]) * 1.7 / 72 + 0.1
    footer = fonts["note"] * 2.6 / 72 + 0.05
    legend = _fit_legend(fig, renderer, p, Line2D, fonts["legend"], header, footer)
    legend_width = legend.get_window_extent(renderer).width / dpi if legend is not None else 0.0
    left, right = 0.08, width - legend_width - 0.1
    ax = fig.add_axes(
        (left / width, footer / height, (right - left) / width, (height - header - footer) / height)
    )
    _frame(ax, pos)
    _draw_ties(ax, H, pos)
    nodes = _draw_nodes(ax, p, width, height, dpi)
    _draw_heading(fig, p, fonts, left / width, height)
    # Labels may go anywhere between the caption and the note, except over the legend.
    label_area = Box(0.0, footer * dpi, width * dpi, (height - header) * dpi)
    obstacles = [_box(legend.get_window_extent(renderer))] if legend is not None else []
    placed, left_out = place_labels(
        fig,
        renderer,
        [
            (ax.transData.transform(pos[v]), _short(str(H.nodes[v].get("label", v))), i)
            for i, v in enumerate(p.labelled)
        ],
        nodes,
        label_area,
        fontsize=fonts["label"],
        obstacles=obstacles,
    )
    _draw_note(fig, p, fonts, left / width, height, left_out)
    fig.canvas.draw()
    boxes = [_box(t.get_bbox_patch().get_window_extent(renderer)) for t in placed]
    canvas = Box(0.0, 0.0, width * dpi, height * dpi)
    legend_box = _box(legend.get_window_extent(renderer)) if legend is not None else None
    return Rendered(fig, boxes, nodes, canvas, legend_box, left_out)


def _frame(ax: Any, pos: dict[Any, Any]) -> None:
    """Hide the axes and fit their limits to the positions, with a 6 % margin."""
    ax.set_axis_off()
    xs = np.array([xy[0] for xy in pos.values()])
    ys = np.array([xy[1] for xy in pos.values()])
    span_x, span_y = float(np.ptp(xs)) or 1.0, float(np.ptp(ys)) or 1.0
    ax.set_xlim(xs.min() - 0.06 * span_x, xs.max() + 0.06 * span_x)
    ax.set_ylim(ys.min() - 0.06 * span_y, ys.max() + 0.06 * span_y)


def _draw_ties(ax: Any, H: Any, pos: dict[Any, Any]) -> None:  # noqa: N803
    """Draw the ties, width by weight (log scale), statutory ones red over the grey others."""
    from matplotlib.collections import LineCollection

    ties = list(H.edges(data=True))
    if not ties:
        return
    heaviest = max(_weight(d) for *_, d in ties) or 1.0
    lightest = min(_weight(d) for *_, d in ties)
    fade = min(1.0, math.sqrt(150 / len(ties)))  # many ties: fainter
    for statutory, colour, alpha in (
        (False, TIE_COLOUR, 0.25 + 0.25 * fade),
        (True, STATUTORY_COLOUR, 0.3 + 0.35 * fade),
    ):
        chosen = [(u, v, d) for u, v, d in ties if bool(d.get("statutory")) == statutory]
        if chosen:
            ax.add_collection(
                LineCollection(
                    [(pos[u], pos[v]) for u, v, _ in chosen],
                    linewidths=[
                        0.3 + 2.0 * math.log1p(_weight(d)) / math.log1p(heaviest)
                        if heaviest > lightest
                        else 0.7
                        for *_, d in chosen
                    ],
                    colors=colour,
                    alpha=alpha,
                    zorder=1,
                )
            )


def _draw_nodes(ax: Any, p: Picture, width: float, height: float, dpi: int) -> np.ndarray:
    """Draw the nodes, area by strength and shape by kind; return their discs in pixels."""
    H, pos = p.graph, p.positions
    top = max(p.strength.values()) or 1.0
    area = min(width / 12.0, height / 10.0) * min(1.0, math.sqrt(80 / len(H)))
    size = {v: (20 + 480 * math.sqrt(p.strength[v] / top)) * area for v in H}
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
            linewidths=0.5,
            edgecolors="#333333",
            s=[size[v] for v in members],
            c=[p.colour(v) for v in members],
        )
    discs = []
    for v in H:
        x, y = ax.transData.transform(pos[v])
        discs.append((x, y, math.sqrt(size[v]) / 2 * 1.2 * dpi / 72))
    return np.array(discs)


def _draw_heading(fig: Any, p: Picture, fonts: dict[str, float], x: float, height: float) -> None:
    """Write the title and, under it, the caption, from the left margin ``x`` (a fraction)."""
    fig.text(x, 1 - 0.06 / height, p.title, fontsize=fonts["title"], va="top", ha="left")
    fig.text(
        x,
        1 - (0.06 + fonts["title"] * 1.45 / 72) / height,
        p.caption,
        fontsize=fonts["caption"],
        color="#444444",
        va="top",
        ha="left",
        wrap=True,
    )


def _draw_note(
    fig: Any, p: Picture, fonts: dict[str, float], x: float, height: float, left_out: list[Any]
) -> None:
    """Write the note at the foot: what size, colour and layout mean, and labels left out."""
    note = {
        "community": f"colour: {_method(p)} community",
        "type": "colour: organisation type",
        "country": "colour: country",
    }[p.colour_by]
    parts = ["size: weighted degree", note, f"layout: {p.layout}"]
    if left_out:
        parts.append(f"{len(left_out)} label(s) left out for want of room")
    fig.text(
        x,
        0.05 / height,
        " · ".join(parts) + " · drawn by pgraph",
        fontsize=fonts["note"],
        color="#666666",
        ha="left",
        va="bottom",
    )


def _method(p: Picture) -> str:
    return {"leiden": "Leiden"}.get(p.community_method, "Louvain")


def _weight(data: dict[str, Any]) -> float:
    value = data.get("weight", 1)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 1.0


def _box(extent: Any) -> Box:
    return Box(float(extent.x0), float(extent.y0), float(extent.x1), float(extent.y1))


def _fit_legend(
    fig: Any, renderer: Any, p: Picture, line: Any, fontsize: float, header: float, footer: float
) -> Any:
    """Return the legend at the top right, its font and names cut until it fits the figure.

    It may take at most 45 % of the width and the height between caption and note.
    """
    width, height = fig.get_size_inches()
    limit = 40
    for _ in range(8):
        handles = _legend_handles(p, line, limit)
        if not handles:
            return None
        legend = fig.legend(
            handles=handles,
            loc="upper right",
            bbox_to_anchor=(1 - 0.05 / width, 1 - header / height),
            fontsize=fontsize,
            frameon=False,
            borderaxespad=0.0,
            handletextpad=0.4,
        )
        box = legend.get_window_extent(renderer)
        if (
            box.width <= 0.45 * width * fig.dpi
            and box.height <= (height - header - footer) * fig.dpi
        ):
            return legend
        legend.remove()
        fontsize, limit = max(4.5, fontsize * 0.9), max(12, int(limit * 0.8))
    return fig.legend(
        handles=_legend_handles(p, line, 12),
        loc="upper right",
        bbox_to_anchor=(1 - 0.05 / width, 1 - header / height),
        fontsize=fontsize,
        frameon=False,
        borderaxespad=0.0,
    )


def _legend_handles(p: Picture, line: Any, limit: int = 40) -> list[Any]:
    handles = [
        line(
            [],
            [],
            marker="o",
            linestyle="",
            markersize=8,
            markerfacecolor=colour,
            markeredgecolor="#333333",
            label=_short(name, limit),
        )
        for name, colour in p.legend
    ]
    H = p.graph
    kinds = sorted({H.nodes[v].get("kind") for v in H} & set(SHAPES))
    if len(kinds) > 1:
        handles += [
            line(
                [],
                [],
                marker=SHAPES[k],
                linestyle="",
                markersize=7,
                markerfacecolor="white",
                markeredgecolor="#333333",
                label=k,
            )
            for k in kinds
        ]
    if any(d.get("statutory") for *_, d in H.edges(data=True)):
        handles.append(line([], [], color=STATUTORY_COLOUR, linewidth=2, label="statutory tie"))
        if not all(d.get("statutory") for *_, d in H.edges(data=True)):
            handles.append(line([], [], color=TIE_COLOUR, linewidth=2, label="other tie"))
    return handles


_DIRECTIONS = [
    (math.cos(math.radians(a)), math.sin(math.radians(a)))
    for a in (90, 270, 0, 180, 45, 135, 315, 225, 30, 150, 330, 210, 60, 120, 300, 240, 15, 75)
]
_DISTANCES = (2, 8, 16, 28, 44, 64, 90, 120, 160, 210, 270, 340)
"""How far (pixels at 100 dpi) from its node's edge a label may go, nearest first."""


def place_labels(
    fig: Any,
    renderer: Any,
    labels: list[tuple[Any, str, int]],
    nodes: np.ndarray,
    area: Box,
    *,
    fontsize: float,
    obstacles: list[Box] | None = None,
) -> tuple[list[Any], list[str]]:
    """Place labels (display position, text, rank) where they overlap nothing; return the texts.

    Returns the matplotlib Text artists placed and the labels left out.
    Each box keeps 2 px from other boxes and from every node (``nodes``:
    rows of x, y, radius in pixels) and from the ``obstacles`` (the legend),
    and stays inside ``area``.
    """
    from matplotlib.lines import Line2D

    scale = fig.dpi / 100.0
    inner = Box(area.x0 + 2, area.y0 + 2, area.x1 - 2, area.y1 - 2)
    placed_boxes: list[Box] = list(obstacles or [])
    placed: list[Any] = []
    left_out: list[str] = []
    pad = 0.2 * fontsize * fig.dpi / 72
    width_px, height_px = fig.bbox.width, fig.bbox.height
    for (cx, cy), text, _rank in labels:
        artist = fig.text(
            0,
            0,
            text,
            fontsize=fontsize,
            ha="center",
            va="center",
            zorder=5,
            bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.85},
        )
        extent = artist.get_window_extent(renderer)
        w, h = extent.width + 2 * pad + 2, extent.height + 2 * pad + 2
        radius = _radius_at(nodes, cx, cy)
        spot = None
        for distance in _DISTANCES:
            for ux, uy in _DIRECTIONS:
                reach = radius + distance * scale
                bx = cx + ux * (reach + w / 2)
                by = cy + uy * (reach + h / 2)
                box = Box(bx - w / 2, by - h / 2, bx + w / 2, by + h / 2)
                if not box.inside(inner):
                    continue
                if any(box.overlaps(other, gap=2) for other in placed_boxes):
                    continue
                if _hits_nodes(box, nodes, gap=2):
                    continue
                spot = (bx, by, box, distance)
                break
            if spot:
                break
        if spot is None:
            artist.remove()
            left_out.append(text)
            continue
        bx, by, box, distance = spot
        artist.set_position((bx / width_px, by / height_px))
        placed_boxes.append(box)
        placed.append(artist)
        if distance > 8:
            ex, ey = min(max(cx, box.x0), box.x1), min(max(cy, box.y0), box.y1)
            fig.add_artist(
                Line2D(
                    [cx / width_px, ex / width_px],
                    [cy / height_px, ey / height_px],
                    transform=fig.transFigure,
                    color="#555555",
                    linewidth=0.5,
                    zorder=4,
                )
            )
    return placed, left_out


def _radius_at(nodes: np.ndarray, x: float, y: float) -> float:
    if nodes.size == 0:
        return 0.0
    i = int(np.argmin((nodes[:, 0] - x) ** 2 + (nodes[:, 1] - y) ** 2))
    return float(nodes[i, 2])


def _hits_nodes(box: Box, nodes: np.ndarray, gap: float) -> bool:
    if nodes.size == 0:
        return False
    nearest_x = np.clip(nodes[:, 0], box.x0, box.x1)
    nearest_y = np.clip(nodes[:, 1], box.y0, box.y1)
    distance = np.hypot(nodes[:, 0] - nearest_x, nodes[:, 1] - nearest_y)
    return bool((distance < nodes[:, 2] + gap).any())


def save_figure(figure: Any, path: Path | str) -> Path:
    """Save a matplotlib figure as PNG, SVG or PDF (by the suffix) at its own size and DPI."""
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("png", "svg", "pdf"):
        raise NetworkError(
            f"cannot save a figure as {path.name!r}", hint="end the name with .png, .svg or .pdf"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    metadata = {"Software": "pgraph"} if fmt == "png" else {"Creator": "pgraph"}
    figure.savefig(path, format=fmt, dpi=figure.dpi, facecolor="white", metadata=metadata)
    return path


__all__ = ["OTHER_COLOUR", "Box", "Rendered", "place_labels", "render", "save_figure"]
