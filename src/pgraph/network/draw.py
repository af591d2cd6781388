"""Pictures of a network: figures for a paper (PNG, SVG, PDF) and an interactive HTML page.

:func:`prepare` chooses what is drawn: the ``max_nodes`` most tied nodes,
laid out by a layout suited to the kind of network (:data:`LAYOUTS`:
``spring``; ``bipartite`` for two-mode networks, practices left and their
partners right; ``hubs`` for legislation, each Act a hub with its
organisations around it), coloured by community, organisation type or
country, the top ``labels`` nodes by a measure labelled. :func:`draw`
renders it (:mod:`pgraph.network.paper` for the static figures,
:mod:`pgraph.network.html` for the page).

Example:
    >>> import tempfile
    >>> from pathlib import Path
    >>> G = nx.karate_club_graph()
    >>> out = draw(G, Path(tempfile.mkdtemp()) / "karate.png")
    >>> out.stat().st_size > 10_000
    True
"""

# ruff: noqa: N803, N806, RUF001, RUF002  (networkx's convention: G and H are graphs)

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pgraph.errors import NetworkError
from pgraph.lazy import lazy_module
from pgraph.network import measures
from pgraph.network.communities import detect_communities

nx = lazy_module("networkx")  # imported at first use: most commands never need it

DEFAULT_MAX_NODES = 400
"""The most nodes a picture shows (networkx lays out up to 499 without scipy)."""

DEFAULT_LABELS = 12
"""How many of the top nodes are labelled."""

SHAPES = {"practice": "s", "organisation": "o", "legislation": "D", "concept": "^"}
"""matplotlib markers by node kind (anything else is a circle)."""

OTHER_COLOUR = "#b0b0b0"
"""Colour of the groups folded into "other"."""

LEGEND_GROUPS = 12
"""The most groups (communities, types, countries) a legend names; the rest are "other"."""

COLOUR_BY = ("community", "type", "country")
"""What node colour can stand for."""

LABEL_BY = ("weighted_degree", "degree", "betweenness", "eigenvector")
"""Measures the labelled nodes can be chosen by."""

LAYOUTS = ("auto", "spring", "bipartite", "hubs")
"""Layouts: ``auto`` picks bipartite for two-mode networks, hubs for legislation."""

PICTURE_SUFFIXES = (".png", ".svg", ".pdf", ".html", ".htm")


@dataclass
class Picture:
    """What the renderers draw: the nodes shown, where, in which colour, and a caption."""

    graph: nx.Graph
    positions: dict[Any, tuple[float, float]]
    community: dict[Any, int]
    colours: dict[int, str]
    strength: dict[Any, float]
    labelled: list[Any]
    title: str
    caption: str
    group: dict[Any, str] = field(default_factory=dict)
    legend: list[tuple[str, str]] = field(default_factory=list)
    colour_by: str = "community"
    layout: str = "spring"
    community_method: str = "louvain"

    def colour(self, v: Any) -> str:
        """Return the fill colour of node ``v``."""
        if self.colour_by == "community":
            return self.colours[self.community[v]]
        return dict(self.legend).get(self.group[v], OTHER_COLOUR)


def prepare(
    G: nx.Graph,
    *,
    max_nodes: int = DEFAULT_MAX_NODES,
    labels: int = DEFAULT_LABELS,
    seed: int = 42,
    title: str | None = None,
    colour_by: str = "community",
    label_by: str = "weighted_degree",
    layout: str = "auto",
    communities: str = "louvain",
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
    for name, value, allowed in (
        ("colour", colour_by, COLOUR_BY),
        ("label measure", label_by, LABEL_BY),
        ("layout", layout, LAYOUTS),
    ):
        if value not in allowed:
            raise NetworkError(f"unknown {name} {value!r}", hint="choose " + ", ".join(allowed))
    strength = dict(G.degree(weight="weight"))
    kept = sorted(G, key=lambda v: (-strength[v], str(v)))[:max_nodes]
    H = nx.relabel_nodes(G.subgraph(kept), str, copy=True)
    strength = {str(v): float(strength[v]) for v in kept}
    found = detect_communities(G, method=communities, seed=seed)
    number = {v: i for i, members in enumerate(found, start=1) for v in members}
    community = {str(v): number[v] for v in kept}
    groups, legend, colours = _colouring(H, community, colour_by)
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
    if G.graph.get("backbone_alpha"):
        parts.append(f"disparity backbone, α = {G.graph['backbone_alpha']:g}")
    name = str(G.graph.get("name") or "network") if title is None else title
    if len(kinds) > 1 and title is None:
        name += " (" + ", ".join(kinds) + ")"
    chosen = _choose_layout(H, layout)
    score = _scores(H, label_by, strength)
    return Picture(
        graph=H,
        positions=_layout(H, chosen, seed),
        community=community,
        colours=colours,
        strength=strength,
        # Legislation drawn as hubs: the Acts are named first.
        labelled=sorted(
            H,
            key=lambda v: (
                chosen == "hubs" and H.nodes[v].get("kind") != "legislation",
                -score[v],
                v,
            ),
        )[:labels],
        title=name,
        caption=" · ".join(parts),
        group=groups,
        legend=legend,
        colour_by=colour_by,
        layout=chosen,
        community_method=str(communities).lower(),
    )


# ---------------------------------------------------------------- colour and legend


def _palette() -> list[str]:
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    colours = [to_hex(c) for c in colormaps["tab20"].colors]  # type: ignore[attr-defined]
    return colours[::2] + colours[1::2]  # the ten strong colours first, then their light pairs


def _colouring(
    H: nx.Graph, community: dict[Any, int], colour_by: str
) -> tuple[dict[Any, str], list[tuple[str, str]], dict[int, str]]:
    """Return each node's group, the legend (group name, colour), and community colours.

    The :data:`LEGEND_GROUPS` largest groups of two or more nodes get a colour
    and a legend line each; the others share grey and one "other" line.
    Communities are named by their two most tied members.
    """
    palette = _palette()
    strength = dict(H.degree(weight="weight"))
    if colour_by == "community":
        members: dict[int, list[Any]] = {}
        for v in sorted(H, key=lambda v: (-strength[v], v)):
            members.setdefault(community[v], []).append(v)
        ranked = sorted(members, key=lambda c: (-len(members[c]), c))
        named = [c for c in ranked if len(members[c]) > 1][:LEGEND_GROUPS]
        colours = {c: palette[i % len(palette)] for i, c in enumerate(named)}
        colours.update({c: OTHER_COLOUR for c in ranked if c not in colours})
        legend = []
        for c in named:
            top = [_short(str(H.nodes[v].get("label", v)), 22) for v in members[c][:2]]
            rest = len(members[c]) - len(top)
            legend.append((f"{', '.join(top)}{f' +{rest}' if rest else ''}", colours[c]))
        group = {
            v: legend[named.index(community[v])][0] if community[v] in named else "" for v in H
        }
        others = [c for c in ranked if c not in named]
        if others:
            n = sum(len(members[c]) for c in others)
            label = f"other ({len(others)} communities, {n} nodes)"
            legend.append((label, OTHER_COLOUR))
            group = {v: g or label for v, g in group.items()}
        return group, legend, colours
    group = {v: _group_of(H.nodes[v], colour_by) for v in H}
    sizes: dict[str, int] = {}
    for g in group.values():
        sizes[g] = sizes.get(g, 0) + 1
    ranked_groups = sorted(sizes, key=lambda g: (-sizes[g], g))
    named_groups = [g for g in ranked_groups if g != "unknown"][:LEGEND_GROUPS]
    legend = [(g, palette[i % len(palette)]) for i, g in enumerate(named_groups)]
    leftover = [g for g in ranked_groups if g not in named_groups]
    if leftover:
        label = "other / unknown" if leftover != ["unknown"] else "unknown"
        legend.append((label, OTHER_COLOUR))
        group = {v: g if g in named_groups else label for v, g in group.items()}
    colours = {c: OTHER_COLOUR for c in set(community.values())}
    return group, legend, colours


def _group_of(data: dict[str, Any], colour_by: str) -> str:
    if colour_by == "type":
        kind = str(data.get("kind") or "")
        if kind == "organisation":
            return str(data.get("type") or "unknown")
        return {"practice": "practice", "legislation": "Act", "concept": "concept"}.get(
            kind, "unknown"
        )
    value = data.get("country")
    if isinstance(value, list | tuple | set):
        values = sorted(value)
        return values[0] if len(values) == 1 else ("several countries" if values else "unknown")
    return str(value or "unknown")


# ---------------------------------------------------------------- labels


def _scores(H: nx.Graph, label_by: str, strength: dict[Any, float]) -> dict[Any, float]:
    if label_by == "weighted_degree":
        return strength
    if label_by == "degree":
        return {v: float(d) for v, d in H.degree()}
    g = measures.indexed(H)
    if label_by == "betweenness":
        values = measures.shortest_path_measures(g).betweenness
    else:
        values = measures.eigenvector(g)
    return {v: float(values[i]) for i, v in enumerate(g.nodes)}


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---------------------------------------------------------------- layouts


def _two_mode(H: nx.Graph) -> bool:
    return any("bipartite" in d for _, d in H.nodes(data=True))


def _choose_layout(H: nx.Graph, layout: str) -> str:
    if layout != "auto":
        return layout
    if _two_mode(H):
        return "bipartite"
    if any(d.get("kind") == "legislation" for _, d in H.nodes(data=True)):
        return "hubs"
    return "spring"


def _layout(H: nx.Graph, layout: str, seed: int) -> dict[Any, tuple[float, float]]:
    if len(H) == 1:
        return {next(iter(H)): (0.0, 0.0)}
    try:
        if layout == "bipartite":
            positions = _bipartite_layout(H)
        elif layout == "hubs":
            positions = _hub_layout(H, seed)
        else:
            positions = _packed_spring_layout(H, seed)
    except ImportError:
        raise NetworkError(
            f"laying out {len(H)} nodes needs scipy (networkx uses it from 500 nodes)",
            hint="pip install scipy, or draw fewer nodes (--max-nodes 400)",
        ) from None
    return {v: (float(x), float(y)) for v, (x, y) in positions.items()}


def _packed_spring_layout(H: nx.Graph, seed: int) -> dict[Any, tuple[float, float]]:
    """Return a spring layout of each connected component, packed in rows, largest first.

    One spring layout of a network with many small components pushes the
    giant one into a blob in the middle; each component laid out alone, in
    a square whose side grows with the square root of its size, keeps it
    legible.
    """
    components = sorted(nx.connected_components(H), key=lambda c: (-len(c), min(map(str, c))))
    if len(components) == 1:
        return nx.spring_layout(H, seed=seed, weight=None, iterations=100)
    sides = [math.sqrt(len(c)) for c in components]
    row_width = max(sides[0], math.sqrt(sum(side * side for side in sides)) * 1.2)
    positions: dict[Any, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for members, side in zip(components, sides, strict=True):
        if x > 0 and x + side > row_width:
            x, y, row_height = 0.0, y - row_height * 1.15, 0.0
        part = H.subgraph(members)
        if len(members) == 1:
            local = {next(iter(members)): (0.0, 0.0)}
        else:
            local = nx.spring_layout(part, seed=seed, weight=None, iterations=100)
        for v, (px, py) in local.items():  # spring_layout spans [-1, 1]
            positions[v] = (x + side * (0.5 + 0.45 * px), y - side * (0.5 - 0.45 * py))
        x += side * 1.15
        row_height = max(row_height, side)
    return positions


def _bipartite_layout(H: nx.Graph, sweeps: int = 8) -> dict[Any, tuple[float, float]]:
    """Return a two-column layout: mode 0 (practices) left, mode 1 right, crossings reduced.

    Each column is ordered by the barycentre of its nodes' neighbours in the
    other column, alternately (Sugiyama's heuristic); a long column is folded
    into a few sub-columns so that its nodes keep apart.
    """
    left = sorted(v for v in H if H.nodes[v].get("bipartite", 0) == 0)
    right = sorted(v for v in H if H.nodes[v].get("bipartite", 0) != 0)
    if not left or not right:  # not really two-mode: fall back
        return nx.spring_layout(H, seed=42, weight=None)
    rank = {v: i / max(len(left) - 1, 1) for i, v in enumerate(left)}
    rank.update({v: i / max(len(right) - 1, 1) for i, v in enumerate(right)})
    for sweep in range(sweeps):
        column = right if sweep % 2 == 0 else left
        centre = {
            v: sum(rank[u] for u in H[v]) / len(H[v]) if len(H[v]) else rank[v] for v in column
        }
        column.sort(key=lambda v: (centre[v], v))
        rank.update({v: i / max(len(column) - 1, 1) for i, v in enumerate(column)})
    positions = {}
    for x, column in ((-1.0, left), (1.0, right)):
        folds = max(1, math.ceil(len(column) / 35))
        for i, v in enumerate(column):
            offset = (i % folds) * 0.15  # sub-columns step outwards
            positions[v] = (x + math.copysign(offset, x), 1.0 - 2.0 * rank[v])
    return positions


def _hub_layout(H: nx.Graph, seed: int) -> dict[Any, tuple[float, float]]:
    """Return Acts on a circle (one Act: the centre), each organisation drawn to its Acts."""
    acts = sorted(
        (v for v in H if H.nodes[v].get("kind") == "legislation"), key=lambda v: (-H.degree(v), v)
    )
    if not acts:
        return nx.spring_layout(H, seed=seed, weight=None)
    if len(acts) == 1:
        hubs = {acts[0]: (0.0, 0.0)}
    else:
        hubs = {
            a: (math.cos(2 * math.pi * i / len(acts)), math.sin(2 * math.pi * i / len(acts)))
            for i, a in enumerate(acts)
        }
    rng = random.Random(seed)
    start: dict[Any, tuple[float, float]] = dict(hubs)
    for v in H:
        if v in hubs:
            continue
        mine = [hubs[a] for a in H[v] if a in hubs] or [(0.0, 0.0)]
        x = sum(p[0] for p in mine) / len(mine)
        y = sum(p[1] for p in mine) / len(mine)
        angle = rng.uniform(0, 2 * math.pi)
        start[v] = (x + 0.3 * math.cos(angle), y + 0.3 * math.sin(angle))
    spread = 0.6 / math.sqrt(max(len(H) / max(len(acts), 1), 1))
    return nx.spring_layout(
        H, pos=start, fixed=list(hubs), seed=seed, weight=None, k=spread, iterations=80
    )


# ---------------------------------------------------------------- drawing


def draw(
    G: nx.Graph,
    path: Path | str,
    *,
    max_nodes: int = DEFAULT_MAX_NODES,
    labels: int = DEFAULT_LABELS,
    seed: int = 42,
    title: str | None = None,
    width: float = 12.0,
    height: float = 10.0,
    dpi: int = 100,
    colour_by: str = "community",
    label_by: str = "weighted_degree",
    layout: str = "auto",
    communities: str = "louvain",
) -> Path:
    """Draw the network to ``path``: PNG, SVG or PDF for a paper, HTML for an interactive page.

    The format follows the suffix. ``width`` and ``height`` are in inches,
    ``dpi`` dots per inch (PNG: ``width × dpi`` by ``height × dpi`` pixels).
    Returns the path.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in PICTURE_SUFFIXES:
        raise NetworkError(
            f"cannot draw to {path.name!r}",
            path=str(path),
            hint="end the file name with .png, .svg, .pdf or .html",
        )
    if width <= 0 or height <= 0 or dpi <= 0:
        raise NetworkError("width, height and dpi must be positive")
    picture = prepare(
        G,
        max_nodes=max_nodes,
        labels=labels,
        seed=seed,
        title=title,
        colour_by=colour_by,
        label_by=label_by,
        layout=layout,
        communities=communities,
    )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if suffix in (".html", ".htm"):
            from pgraph.network.html import write_page

            write_page(picture, path)
        else:
            from pgraph.network.paper import render, save_figure

            save_figure(render(picture, width=width, height=height, dpi=dpi).figure, path)
    except OSError as error:
        raise NetworkError(
            f"cannot write the picture: {error.strerror or error}",
            path=str(path),
            hint="choose another --output",
        ) from error
    return path
