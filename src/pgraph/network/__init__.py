"""Partnership networks: SPARQL results → networkx graphs → measures, files, pictures.

- :func:`build` makes one of five networks (:class:`NetworkKind`) from the
  local store or a SPARQL endpoint, optionally for some practices only;
- :func:`stats` measures it (:class:`NetworkStats`: table, CSV, JSON), and
  :func:`annotate` copies the measures onto the nodes;
- :func:`write_network` writes it for Gephi, igraph, d3 or a spreadsheet;
- :func:`draw` pictures it: PNG, SVG, or an interactive HTML page that works offline.

Example:
    >>> from pgraph.build import build_catalogue
    >>> from pgraph.resources import data_dir
    >>> store = build_catalogue([data_dir() / "pages"], store_path=None).store
    >>> G = build("co-partnership", store=store)
    >>> G.number_of_nodes(), G.number_of_edges(), stats(G).summary["communities"]
    (9, 36, 1)
"""

from pgraph.network.build import (
    DEFAULT_THRESHOLD,
    KIND_ALIASES,
    NetworkKind,
    build,
    network_kind,
)
from pgraph.network.draw import draw
from pgraph.network.export import ExportFormat, write_network
from pgraph.network.rows import Filters
from pgraph.network.stats import NetworkStats, annotate, stats

__all__ = [
    "DEFAULT_THRESHOLD",
    "KIND_ALIASES",
    "ExportFormat",
    "Filters",
    "NetworkKind",
    "NetworkStats",
    "annotate",
    "build",
    "draw",
    "network_kind",
    "stats",
    "write_network",
]
