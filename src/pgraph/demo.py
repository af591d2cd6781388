"""The quick-start job: build the bundled catalogue, validate it, query it, export a network.

``make demo`` runs ``pgraph demo``, which prints the ``DemoReport`` this returns.

Example:
    >>> import tempfile
    >>> from pathlib import Path
    >>> folder = Path(tempfile.mkdtemp())
    >>> report = run_demo(store_path=None, out_dir=folder)
    >>> report.validation.conforms, report.network_file.name
    (True, 'co-partnership.graphml')
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pgraph import network
from pgraph.build import BuildReport, build_catalogue
from pgraph.network.export import write_network
from pgraph.query import QueryResult, run_query
from pgraph.resources import data_dir
from pgraph.validate import ValidationReport, validate_store

SAMPLE_QUERY = "practices-per-domain"
SAMPLE_NETWORK = "co-partnership"


@dataclass
class DemoReport:
    """What each step of the demo gave."""

    build: BuildReport
    validation: ValidationReport
    query: QueryResult
    network_stats: network.NetworkStats
    network_file: Path


def run_demo(*, store_path: Path | None, out_dir: Path) -> DemoReport:
    """Return the reports of building data/, validating, one query and one network export."""
    built = build_catalogue([data_dir()], store_path=store_path)
    validation = validate_store(built.store)
    result = run_query(SAMPLE_QUERY, store=built.store)
    graph = network.build(SAMPLE_NETWORK, store=built.store)
    out_dir.mkdir(parents=True, exist_ok=True)
    (written, *_) = write_network(graph, "graphml", out_dir / f"{SAMPLE_NETWORK}.graphml")
    return DemoReport(built, validation, result, network.stats(graph, top=5), written)
