"""Files for analysts' tools: GEXF 1.3 (static or dynamic), Pajek ``.net``, statnet/UCINET CSVs.

Called through :func:`pgraph.network.export.write_network`. Each file
carries the network's description: its kind, filters, and the weight's name
and definition (see :func:`describe`).

Example:
    >>> import tempfile
    >>> from pathlib import Path
    >>> G = nx.Graph(name="demo", weight="count", weight_definition="shared practices")
    >>> G.add_edge("a", "b", weight=2)
    >>> path = write_pajek(G, Path(tempfile.mkdtemp()) / "demo.net")
    >>> print(path.read_text())
    % pgraph demo
    % weight: count: shared practices
    *Network demo
    *Vertices 2
    1 "a"
    2 "b"
    *Edges
    1 2 2
    <BLANKLINE>
"""

# ruff: noqa: N803, N806  (networkx's convention: G and H are graphs)

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from pgraph.lazy import lazy_module
from pgraph.network.export import LIST_SEPARATOR, _defaults, flat_graph

nx = lazy_module("networkx")  # imported at first use: most commands never need it

DESCRIBED = ("kind", "filters", "practices", "threshold", "backbone", "backbone_alpha")
"""Graph attributes a file's description lists, besides the weight."""


def describe(G: nx.Graph) -> list[str]:
    """Return the lines that describe a network in a file's header or metadata.

    Example:
        >>> describe(nx.Graph(name="x", weight="newman", weight_definition="Σ 1/(n-1)"))
        ['pgraph x', 'weight: newman: Σ 1/(n-1)']
    """
    lines = [f"pgraph {G.graph.get('name', 'network')}"]
    if G.graph.get("weight_definition"):
        lines.append(f"weight: {G.graph.get('weight', 'weight')}: {G.graph['weight_definition']}")
    lines += [f"{key}: {G.graph[key]}" for key in DESCRIBED if G.graph.get(key) not in (None, "")]
    return lines


# ---------------------------------------------------------------- GEXF 1.3


def write_gexf(G: nx.Graph, path: Path, *, dynamic: bool = False) -> Path:
    """Write GEXF 1.3; ``dynamic``: nodes and ties get ``start`` from their ``start_date``.

    A node or tie without a start date has no ``start``: Gephi shows it from
    the beginning. The catalogue gives no end dates, so nothing ends.
    """
    H = flat_graph(G)
    H.graph = {}  # the description goes to <meta>, where Gephi shows it
    if dynamic:
        H.graph["mode"] = "dynamic"
        for _, data in [*H.nodes(data=True), *((None, d) for *_, d in H.edges(data=True))]:
            if data.get("start_date"):
                data["start"] = str(data["start_date"])
            if data.get("end_date"):
                data["end"] = str(data["end_date"])
    text = "\n".join(nx.generate_gexf(H, version="1.3"))
    description = escape(" · ".join(describe(G)))
    text = re.sub(
        r"(<meta[^>]*>)",
        lambda m: f"{m.group(1)}\n    <description>{description}</description>",
        text,
        count=1,
    )
    path.write_text(text + "\n", encoding="utf-8")
    return path


# ---------------------------------------------------------------- Pajek


def pajek_order(G: nx.Graph) -> list:
    """Return the nodes in the order a Pajek file numbers them: mode 0 first if two-mode."""
    return sorted(G, key=lambda v: G.nodes[v].get("bipartite", 0)) if _two_mode(G) else list(G)


def _two_mode(G: nx.Graph) -> bool:
    return any("bipartite" in data for _, data in G.nodes(data=True))


def write_pajek(G: nx.Graph, path: Path) -> Path:
    """Write a Pajek ``.net`` file: ``*Vertices`` with quoted unique labels, ``*Edges i j w``.

    Pajek's two-mode header (``*Vertices n n1``) is not used, since networkx's
    reader cannot read it; a comment says how many first-mode nodes come first.
    """
    order = pajek_order(G)
    number = {v: i for i, v in enumerate(order, start=1)}
    lines = [f"% {line}" for line in describe(G)]
    if _two_mode(G):
        first = sum(1 for v in G if G.nodes[v].get("bipartite", 0) == 0)
        lines.append(f"% two-mode: vertices 1-{first} are practices, the rest their partners")
    lines.append(
        f"*Network {_pajek_text(str(G.graph.get('kind') or G.graph.get('name', 'network')))}"
    )
    lines.append(f"*Vertices {len(order)}")
    seen: dict[str, int] = {}
    for v in order:
        label = _pajek_text(str(G.nodes[v].get("label", v)))
        seen[label] = seen.get(label, 0) + 1
        if seen[label] > 1:  # networkx keys nodes by label: keep them apart
            label = f"{label} [{seen[label]}]"
        lines.append(f'{number[v]} "{label}"')
    lines.append("*Edges")
    for u, v, w in G.edges(data="weight", default=1):
        lines.append(f"{number[u]} {number[v]} {_number(w)}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _pajek_text(text: str) -> str:
    """Return text safe inside Pajek's double quotes (and shlex's, which networkx uses)."""
    return re.sub(r"\s+", " ", text.replace('"', "'").replace("\\", "/")).strip() or "?"


def _number(value: Any) -> str:
    number = float(value) if isinstance(value, int | float) else 1.0
    return str(int(number)) if number.is_integer() else f"{number:.6g}"


# ---------------------------------------------------------------- statnet / UCINET


def write_statnet(G: nx.Graph, path: Path) -> list[Path]:
    """Write ``STEM-edges.csv``, ``STEM-vertices.csv`` and ``STEM-graph.csv`` for R's network.

    Vertices are named by IRI (unique), first column ``name``; for a two-mode
    network the practices come first and ``is_actor`` is TRUE for them, as
    ``network(..., bipartite = n)`` expects. Booleans are TRUE/FALSE; lists
    are ``;``-joined.
    """
    stem = path.name[: -len(path.suffix)] if path.suffix else path.name
    edges_path = path.with_name(f"{stem}-edges.csv")
    vertices_path = path.with_name(f"{stem}-vertices.csv")
    graph_path = path.with_name(f"{stem}-graph.csv")
    order = pajek_order(G)
    two_mode = _two_mode(G)
    node_keys = _keys(data for _, data in G.nodes(data=True)) - {"bipartite"}
    columns = ["label", *sorted(node_keys - {"label"})]
    node_defaults = _defaults(data for _, data in G.nodes(data=True))
    edge_defaults = _defaults(data for *_, data in G.edges(data=True))
    with vertices_path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["name", *columns, *(["is_actor"] if two_mode else [])])
        for v in order:
            data = G.nodes[v]
            row = [str(v), *(_r_cell(data.get(k, node_defaults.get(k))) for k in columns)]
            if two_mode:
                row.append(_r_cell(data.get("bipartite", 0) == 0))
            writer.writerow(row)
    edge_keys = sorted(_keys(d for *_, d in G.edges(data=True)) - {"weight"})
    rank = {v: i for i, v in enumerate(order)}
    with edges_path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["from", "to", "weight", *edge_keys])
        for u, v, data in G.edges(data=True):
            a, b = (u, v) if rank[u] <= rank[v] else (v, u)  # two-mode: actor first
            writer.writerow(
                [
                    a,
                    b,
                    _r_cell(data.get("weight", 1)),
                    *(_r_cell(data.get(k, edge_defaults.get(k))) for k in edge_keys),
                ]
            )
    with graph_path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["key", "value"])
        for key, value in G.graph.items():
            writer.writerow([key, _r_cell(value)])
        writer.writerow(["directed", "FALSE"])
        if two_mode:
            actors = sum(1 for v in G if G.nodes[v].get("bipartite", 0) == 0)
            writer.writerow(["bipartite", actors])
    return [edges_path, vertices_path, graph_path]


def _keys(records) -> set[str]:
    keys: set[str] = set()
    for data in records:
        keys.update(data)
    return keys


def _r_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value) if isinstance(value, set | frozenset) else value
        return LIST_SEPARATOR.join(str(item) for item in items)
    return value
