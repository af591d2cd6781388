"""The interactive network page: one HTML file that works offline, from ``file://``.

The page inlines the bundled vis-network library (``static/``), the layout
computed in Python and the nodes' attributes; its Content-Security-Policy
forbids loading anything, so opening it makes no network request. It pans,
zooms, shows a node's details on hover or click, finds a node by name, and
shows or hides communities (``page.html#community=2,5`` opens with only
those shown). ``<span id="node-count">`` holds the number of nodes drawn
once the network is on screen (tests read it).

Example:
    >>> import tempfile
    >>> from pathlib import Path
    >>> import networkx as nx
    >>> from pgraph.network.draw import draw
    >>> page = draw(nx.karate_club_graph(), Path(tempfile.mkdtemp()) / "karate.html")
    >>> "http://" in page.read_text().split("<script>")[0]
    False
"""

# ruff: noqa: N806  (networkx's convention: G and H are graphs)

from __future__ import annotations

import html
import json
import math
import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from pgraph.network.draw import Picture

PIXELS_PER_UNIT = 40.0
"""Layout units (networkx's [-1, 1] box) to screen pixels, per √(number of nodes)."""

HIDDEN_ATTRIBUTES = {"label", "kind", "bipartite"}
"""Node attributes the details panel leaves out (shown otherwise, or internal)."""


def write_page(picture: Picture, path: Path) -> Path:
    """Write the interactive page of a prepared picture to ``path``."""
    path.write_text(render_page(picture), encoding="utf-8")
    return path


def render_page(picture: Picture) -> str:
    """Return the page's HTML: template, inlined library and data."""
    values = {
        "TITLE": html.escape(picture.title),
        "CAPTION": html.escape(picture.caption),
        "DATA": _script_safe(json.dumps(page_data(picture), ensure_ascii=False)),
        "LIBRARY": _library(),
    }
    # One pass, so that text inserted for one placeholder is never read as another.
    return re.sub(r"__PGRAPH_([A-Z]+)__", lambda m: values[m.group(1)], _template())


def page_data(picture: Picture) -> dict[str, Any]:
    """Return what the page draws: nodes with positions and colours, ties, communities."""
    H = picture.graph
    scale = PIXELS_PER_UNIT * math.sqrt(max(len(H), 1)) * 2
    top = max(picture.strength.values()) or 1.0
    labelled = set(picture.labelled)
    nodes = []
    for v, data in H.nodes(data=True):
        x, y = picture.positions[v]
        nodes.append(
            {
                "id": v,
                "label": str(data.get("label", v)),
                "kind": str(data.get("kind") or "node"),
                "x": round(x * scale, 1),
                "y": round(-y * scale, 1),
                "size": round(8 + 28 * math.sqrt(picture.strength[v] / top), 1),
                "strength": _number(picture.strength[v]),
                "community": picture.community[v],
                "color": picture.colours[picture.community[v]],
                "labelled": v in labelled,
                "attributes": {
                    k: _plain(value)
                    for k, value in data.items()
                    if k not in HIDDEN_ATTRIBUTES and value not in (None, "", [])
                },
            }
        )
    heaviest = max((float(w) for *_, w in H.edges(data="weight", default=1)), default=1.0) or 1.0
    edges = [
        {
            "source": u,
            "target": v,
            "width": round(0.5 + 3.5 * math.log1p(float(w)) / math.log1p(heaviest), 2),
            "title": f"{H.nodes[u].get('label', u)} — {H.nodes[v].get('label', v)}: "
            f"weight {_number(w)}",
        }
        for u, v, w in H.edges(data="weight", default=1)
    ]
    return {
        "nodes": nodes,
        "edges": edges,
        "communities": _communities(picture),
        "kinds": sorted({n["kind"] for n in nodes}),
    }


def _communities(picture: Picture, shown: int = 4) -> list[dict[str, Any]]:
    members: dict[int, list[str]] = {}
    for v in sorted(picture.graph, key=lambda v: (-picture.strength[v], v)):
        members.setdefault(picture.community[v], []).append(
            str(picture.graph.nodes[v].get("label", v))
        )
    return [
        {"community": c, "size": len(names), "color": picture.colours[c], "members": names[:shown]}
        for c, names in sorted(members.items())
    ]


def _number(value: Any) -> int | float:
    number = float(value)
    return int(number) if number.is_integer() else round(number, 4)


def _plain(value: Any) -> Any:
    if isinstance(value, list | tuple | set):
        return [str(v) for v in value]
    if isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _script_safe(text: str) -> str:
    """Return JSON that cannot end its <script> element or open a comment in it."""
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@cache
def _template() -> str:
    return (resources.files("pgraph.network") / "static" / "network.html").read_text(
        encoding="utf-8"
    )


@cache
def _library() -> str:
    return (resources.files("pgraph.network") / "static" / "vis-network.min.js").read_text(
        encoding="utf-8"
    )
