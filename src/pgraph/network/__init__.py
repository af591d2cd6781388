"""Partnership networks: SPARQL results → networkx graphs → measures, files, pictures.

- :func:`build` makes one of five networks (:class:`NetworkKind`) from the
  local store or a SPARQL endpoint, optionally for some practices only;
- :func:`stats` measures it (:class:`NetworkStats`: table, CSV, JSON), and
  :func:`annotate` copies the measures onto the nodes;
- :func:`disparity_filter` keeps its backbone; :func:`by_year` follows its growth;
- :func:`write_network` writes it for Gephi, igraph, Pajek, statnet, d3 or a spreadsheet;
- :func:`draw` pictures it: PNG, SVG or PDF for a paper, or an interactive HTML page.

Example:
    >>> from pgraph.build import build_catalogue
    >>> from pgraph.resources import data_dir
    >>> store = build_catalogue([data_dir() / "pages"], store_path=None).store
    >>> G = build("co-partnership", store=store)
    >>> G.number_of_nodes(), G.number_of_edges(), stats(G).summary["communities"]
    (9, 36, 1)
"""

from pgraph.network.backbone import disparity_filter
from pgraph.network.build import (
    DEFAULT_THRESHOLD,
    KIND_ALIASES,
    NetworkKind,
    ProjectionWeight,
    build,
    network_kind,
)
from pgraph.network.draw import draw
from pgraph.network.export import ExportFormat, write_network
from pgraph.network.rows import Filters
from pgraph.network.stats import NetworkStats, annotate, stats
from pgraph.network.timeline import by_year

__all__ = [
    "DEFAULT_THRESHOLD",
    "KIND_ALIASES",
    "ExportFormat",
    "Filters",
    "NetworkKind",
    "NetworkStats",
    "ProjectionWeight",
    "annotate",
    "build",
    "by_year",
    "disparity_filter",
    "draw",
    "network_kind",
    "stats",
    "write_network",
]
