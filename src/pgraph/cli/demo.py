"""``pgraph demo``: the quick-start job (build, validate, query, network)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pgraph.cli.main import EXIT_ERROR, EXIT_OK, cli
from pgraph.cli.options import output, store_option


@cli.command()
@store_option
@output("Folder for the network file.", folder=True, file=False, default=Path("out"))
def demo(store, output):
    """Build the bundled data, validate it, run a sample query and export a network.

    Example: pgraph demo --store .pgraph/store --output out/
    """
    from pgraph.demo import SAMPLE_NETWORK, SAMPLE_QUERY, run_demo

    report = run_demo(store_path=store, out_dir=output)
    click.echo(f"1. pgraph build data/ → {store}: {report.build.summary()}")
    click.echo(f"2. pgraph validate: {report.validation.summary()}")
    click.echo(f"3. pgraph query {SAMPLE_QUERY}:")
    click.echo(report.query.serialize("table"))
    summary = report.network_stats.summary
    click.echo(
        f"4. pgraph network export {SAMPLE_NETWORK} → {report.network_file}: "
        f"{summary.get('nodes')} organisations, {summary.get('edges')} ties, "
        f"{summary.get('communities')} communities"
    )
    top = report.network_stats.top.get("betweenness", [])
    if top:
        click.echo("   brokers (betweenness): " + ", ".join(row["label"] for row in top))
    click.echo("Next: pgraph --help; pgraph queries; pgraph network stats co-partnership")
    sys.exit(EXIT_OK if report.validation.conforms and not report.build.errors else EXIT_ERROR)
