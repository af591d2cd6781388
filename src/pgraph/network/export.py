"""Network files: GraphML (igraph, Gephi), GEXF 1.3 (Gephi), Pajek, CSV pairs, JSON, edge lists.

- GraphML: networkx, igraph (``Graph.Read_GraphML``), Gephi, Cytoscape;
- GEXF 1.3: Gephi; with ``dynamic=True`` every node and tie has a ``start``
  (the start of the first practice behind it) and Gephi's timeline plays it;
- Pajek ``.net``: networkx's ``read_pajek``, igraph's ``Graph.Read_Pajek``,
  statnet's ``read.paj``; vertices are numbered from 1, labels made unique;
  two-mode networks list the practices first (the file notes how many);
- statnet/UCINET CSV pair: ``STEM-edges.csv`` (``from``, ``to``, ``weight``,
  …) and ``STEM-vertices.csv`` (``name`` first, then the attributes, and
  ``is_actor`` for two-mode networks), plus ``STEM-graph.csv`` (key, value):
  ``network::network(edges, vertices = vertices, bipartite = n)`` in R;
- Gephi CSV pair (``Id``, ``Label`` … and ``Source``, ``Target``, ``Type``,
  ``Weight`` …), node-link JSON, tab-separated edge lists.

The weight's name and definition travel with the file: graph attributes in
GraphML and JSON, the ``<description>`` in GEXF, ``%`` comments in Pajek,
``STEM-graph.csv`` with the CSV pairs, the header comment of edge lists.

GraphML and GEXF keep one type per attribute: list attributes (facets,
countries, shared practices) are written as ``;``-joined text, and a node
that lacks an attribute other nodes have gets ``""`` (text) or ``false``.
Node-link JSON keeps lists as lists. The CSV pair follows Gephi's
spreadsheet import (``Id``, ``Label`` … and ``Source``, ``Target``,
``Type``, ``Weight`` …).

Example:
    >>> import tempfile
    >>> from pathlib import Path
    >>> G = nx.Graph(kind="demo")
    >>> G.add_edge("a", "b", weight=2, practices=["p1", "p2"])
    >>> paths = write_network(G, "csv", Path(tempfile.mkdtemp()) / "demo.csv")
    >>> [p.name for p in paths]
    ['demo-nodes.csv', 'demo-edges.csv']
    >>> paths[1].read_text().splitlines()
    ['Source,Target,Type,Weight,practices', 'a,b,Undirected,2,p1;p2']
"""

# ruff: noqa: N803, N806  (networkx's convention: G and H are graphs)

from __future__ import annotations

import csv
import json
from enum import StrEnum
from pathlib import Path
from typing import Any

from pgraph.errors import NetworkError
from pgraph.lazy import lazy_module

nx = lazy_module("networkx")  # imported at first use: most commands never need it

LIST_SEPARATOR = ";"
"""Joins list values in GraphML, GEXF and CSV."""


class ExportFormat(StrEnum):
    """The files ``pgraph network export --format`` writes."""

    GRAPHML = "graphml"
    GEXF = "gexf"
    JSON = "json"
    CSV = "csv"
    EDGELIST = "edgelist"
    PAJEK = "pajek"
    STATNET = "statnet"


EXPORT_FORMATS = tuple(f.value for f in ExportFormat)


def export_format(value: str | ExportFormat) -> ExportFormat:
    """Return the format a name stands for (``edges`` and ``tsv`` mean ``edgelist``)."""
    if isinstance(value, ExportFormat):
        return value
    name = str(value).strip().lower().lstrip(".")
    name = {
        "edges": "edgelist",
        "tsv": "edgelist",
        "node-link": "json",
        "net": "pajek",
        "ucinet": "statnet",
    }.get(name, name)
    try:
        return ExportFormat(name)
    except ValueError:
        raise NetworkError(
            f"unknown network format {value!r}", hint="choose one of " + ", ".join(EXPORT_FORMATS)
        ) from None


def write_network(
    G: nx.Graph, fmt: str | ExportFormat, path: Path | str, *, dynamic: bool = False
) -> list[Path]:
    """Write the network to ``path`` in a format and return the files written.

    CSV writes two files beside ``path``: ``STEM-nodes.csv`` and
    ``STEM-edges.csv``; statnet three: ``STEM-edges.csv``,
    ``STEM-vertices.csv`` and ``STEM-graph.csv``. ``dynamic`` (GEXF only)
    writes a dynamic graph whose nodes and ties start with their first practice.
    """
    fmt, path = export_format(fmt), Path(path)
    if dynamic and fmt is not ExportFormat.GEXF:
        raise NetworkError(
            f"a dynamic network is written as GEXF, not {fmt.value}", hint="use --format gexf"
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if fmt is ExportFormat.GRAPHML:
            nx.write_graphml(flat_graph(G), path, infer_numeric_types=True)
        elif fmt is ExportFormat.GEXF:
            from pgraph.network.formats import write_gexf

            write_gexf(G, path, dynamic=dynamic)
        elif fmt is ExportFormat.PAJEK:
            from pgraph.network.formats import write_pajek

            write_pajek(G, path)
        elif fmt is ExportFormat.STATNET:
            from pgraph.network.formats import write_statnet

            return write_statnet(G, path)
        elif fmt is ExportFormat.JSON:
            data = nx.node_link_data(G, edges="links")
            path.write_text(
                json.dumps(data, indent=1, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
            )
        elif fmt is ExportFormat.CSV:
            return _write_csv(G, path)
        else:
            _write_edgelist(G, path)
    except OSError as error:
        raise NetworkError(
            f"cannot write the network: {error.strerror or error}",
            path=str(path),
            hint="choose another --out",
        ) from error
    return [path]


def flat_graph(G: nx.Graph) -> nx.Graph:
    """Return a copy whose attributes are all text, numbers or booleans, the same on every node.

    Example:
        >>> G = nx.Graph(); G.add_node("a", domain=["x", "y"]); G.add_node("b", statutory=True)
        >>> dict(flat_graph(G).nodes(data=True))
        {'a': {'domain': 'x;y', 'statutory': False}, 'b': {'statutory': True, 'domain': ''}}
    """
    H = nx.Graph() if not G.is_directed() else nx.DiGraph()
    H.graph.update({k: _flat(v) for k, v in G.graph.items() if v is not None})
    node_defaults = _defaults(data for _, data in G.nodes(data=True))
    H.add_nodes_from(
        (
            node,
            {
                **{k: _flat(v) for k, v in data.items() if v is not None},
                **{k: d for k, d in node_defaults.items() if data.get(k) is None},
            },
        )
        for node, data in G.nodes(data=True)
    )
    edge_defaults = _defaults(data for *_, data in G.edges(data=True))
    H.add_edges_from(
        (
            u,
            v,
            {
                **{k: _flat(x) for k, x in data.items() if x is not None},
                **{k: d for k, d in edge_defaults.items() if data.get(k) is None},
            },
        )
        for u, v, data in G.edges(data=True)
    )
    return H


def _flat(value: Any) -> str | int | float | bool:
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value) if isinstance(value, set | frozenset) else value
        return LIST_SEPARATOR.join(str(item) for item in items)
    if isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _defaults(records) -> dict[str, str | bool]:
    """Return the value a record lacking a text or boolean attribute gets: "" or False."""
    defaults: dict[str, str | bool] = {}
    for data in records:
        for key, value in data.items():
            if key not in defaults and value is not None:
                if isinstance(value, bool):
                    defaults[key] = False
                elif isinstance(value, str | list | tuple | set | frozenset):
                    defaults[key] = ""
    return defaults


def _columns(records) -> list[str]:
    seen: dict[str, None] = {}
    for data in records:
        seen.update(dict.fromkeys(data))
    return list(seen)


def _write_csv(G: nx.Graph, path: Path) -> list[Path]:
    stem = path.name[: -len(path.suffix)] if path.suffix else path.name
    nodes_path = path.with_name(f"{stem}-nodes.csv")
    edges_path = path.with_name(f"{stem}-edges.csv")
    node_keys = [k for k in _columns(d for _, d in G.nodes(data=True)) if k != "label"]
    with nodes_path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["Id", "Label", *node_keys])
        for node, data in G.nodes(data=True):
            writer.writerow(
                [node, _cell(data.get("label", node)), *(_cell(data.get(k)) for k in node_keys)]
            )
    edge_keys = [k for k in _columns(d for *_, d in G.edges(data=True)) if k != "weight"]
    kind = "Directed" if G.is_directed() else "Undirected"
    with edges_path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["Source", "Target", "Type", "Weight", *edge_keys])
        for u, v, data in G.edges(data=True):
            writer.writerow(
                [u, v, kind, _cell(data.get("weight", 1)), *(_cell(data.get(k)) for k in edge_keys)]
            )
    return [nodes_path, edges_path]


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _flat(value)


def _write_edgelist(G: nx.Graph, path: Path) -> None:
    """Write ``source<TAB>target<TAB>weight`` lines (nx.read_weighted_edgelist reads them)."""
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write(
            f"# pgraph {G.graph.get('name', 'network')}: source, target, weight (tab-separated)\n"
        )
        if G.graph.get("weight_definition"):
            out.write(f"# weight: {G.graph.get('weight')}: {G.graph['weight_definition']}\n")
        for u, v, data in G.edges(data=True):
            out.write(f"{u}\t{v}\t{data.get('weight', 1)}\n")
