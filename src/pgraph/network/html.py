"""The interactive network page: one HTML file that works offline, from ``file://``.

The page inlines the bundled vis-network library (``static/``), the layout
computed in Python and the nodes' attributes; its Content-Security-Policy
forbids loading anything, so opening it makes no network request. It pans,
zooms, shows a node's details on hover or click and, on a tie, the
practices it stands for; finds a node by name; filters by country, domain
and community (``page.html#community=2,5`` opens with only those shown).
Labels keep a readable size on screen at every zoom; the most tied nodes
are labelled first, and a label that would overlap one already shown waits
until the user zooms in. ``<span id="node-count">`` holds the number of nodes drawn
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

# ruff: noqa: N803, N806  (networkx's convention: G and H are graphs)

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
                "color": picture.colour(v),
                "countries": _listed(data.get("country")),
                "domains": _listed(data.get("domain")),
                "labelled": v in labelled,
                "attributes": {
                    k: _plain(value)
                    for k, value in data.items()
                    if k not in HIDDEN_ATTRIBUTES and value not in (None, "", [])
                },
            }
        )
    heaviest = max((_weight(d) for *_, d in H.edges(data=True)), default=1.0) or 1.0
    edges = [
        {
            "source": u,
            "target": v,
            "width": round(0.5 + 3.5 * math.log1p(_weight(d)) / math.log1p(heaviest), 2),
            "statutory": bool(d.get("statutory")),
            "title": tie_text(H, u, v, d, picture.graph.graph.get("weight")),
        }
        for u, v, d in H.edges(data=True)
    ]
    return {
        "nodes": nodes,
        "edges": edges,
        "communities": _communities(picture),
        "kinds": sorted({n["kind"] for n in nodes}),
        "countries": sorted({c for n in nodes for c in n["countries"]}),
        "domains": sorted({d for n in nodes for d in n["domains"]}),
    }


def tie_text(H: Any, u: Any, v: Any, data: dict[str, Any], weight: Any = None) -> str:
    """Return a tie's tooltip: its ends, weight, and the practices it stands for.

    Example:
        >>> import networkx as nx
        >>> G = nx.Graph()
        >>> G.add_edge("a", "b", weight=2, practice_titles=["Safer streets", "Night watch"])
        >>> print(tie_text(G, "a", "b", G.edges["a", "b"]))
        a — b · weight 2
        2 practices: Safer streets; Night watch
    """
    name = f"{H.nodes[u].get('label', u)} — {H.nodes[v].get('label', v)}"
    named = f"{weight} " if weight and weight != "none" else ""
    lines = [f"{name} · {named}weight {_number(_weight(data))}"]
    titles = list(data.get("practice_titles") or [])
    if titles:
        shown = "; ".join(titles[:8]) + (f"; and {len(titles) - 8} more" if len(titles) > 8 else "")
        lines.append(f"{len(titles)} practice{'s' if len(titles) != 1 else ''}: {shown}")
    kinds = {H.nodes[u].get("kind"), H.nodes[v].get("kind")}
    if not titles and "practice" in kinds and kinds != {"practice"}:
        practice = u if H.nodes[u].get("kind") == "practice" else v
        lines.append(f"practice: {H.nodes[practice].get('label', practice)}")
    if data.get("shared") and not titles:
        lines.append("shared: " + "; ".join(map(str, data["shared"])))
    if data.get("statutory"):
        act = data.get("act")
        lines.append("statutory tie" + (f" ({act})" if act else ""))
    return "\n".join(lines)


def _weight(data: dict[str, Any]) -> float:
    value = data.get("weight", 1)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 1.0


def _listed(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, list | tuple | set):
        return sorted(str(v) for v in value)
    return [str(value)]


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
