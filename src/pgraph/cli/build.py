"""Commands of the build stage: build, validate, stats, export, demo."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from pgraph.build import build_catalogue
from pgraph.cli.main import EXIT_ERROR, EXIT_OK, EXIT_VIOLATIONS, cli, store_option
from pgraph.cli.options import quiet_option
from pgraph.resources import data_dir
from pgraph.shacl.state import state_path
from pgraph.stats import graph_stats
from pgraph.store import open_store
from pgraph.validate import validate_store
from pgraph.vocab import DEFAULT_BASE

base_option = click.option(
    "--base", default=DEFAULT_BASE, envvar="PGRAPH_BASE", show_default=True,
    help="Base of minted IRIs (env PGRAPH_BASE).",
)


@cli.command()
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@store_option
@base_option
@click.option("--strict", is_flag=True, help="Stop at the first file that cannot be read.")
@click.option("--wait", is_flag=True, help="Wait for another build holding the store's lock.")
@click.option("--jobs", type=int, default=None, help="Worker processes (default: all cores).")
@quiet_option(expose=True, help="Print only the summary and errors; no progress bars.")
def build(sources, store, base, strict, wait, jobs, quiet):
    """Build catalogue pages and records (default: the bundled data/) into the store.

    Rebuilds only files that changed; prints a summary; exits 2 if a file could not be read.

    Example: pgraph build data/ --store .pgraph/store
    """
    report = build_catalogue(
        list(sources) or [data_dir()], store_path=store, base=base, strict=strict, wait=wait,
        jobs=jobs,
    )
    if not quiet:
        for warning in report.warnings:
            click.echo(f"Warning: {warning}", err=True)
        for skipped in report.skipped:
            click.echo(f"Skipped: {skipped}", err=True)
    for error in report.errors:
        click.echo(f"Error: {error}", err=True)
    click.echo(f"Built {store}: {report.summary()}")
    code = EXIT_ERROR if report.errors else EXIT_OK
    del report  # closes the store before anything else opens it
    sys.exit(code)


@cli.command()
@store_option
@quiet_option()
@click.option("--warnings/--no-warnings", default=True, help="Also list SHACL warnings.")
@click.option("--whole", is_flag=True,
              help="Run pySHACL on the whole graph (the reference; slow on large graphs).")
def validate(store, warnings, whole):
    """Validate the built graph against ontology/shapes.ttl (SHACL).

    Checks only what changed since the last validation (results are kept in
    STORE.validation.json). Exit code 0 when it conforms, 1 on violations.

    Example: pgraph validate --store .pgraph/store
    """
    report = validate_store(
        open_store(store, read_only=True), whole=whole, state=None if whole else state_path(store)
    )
    for finding in report.findings:
        if finding.severity == "Violation" or warnings:
            click.echo(str(finding))
    click.echo(report.summary())
    sys.exit(EXIT_OK if report.conforms else EXIT_VIOLATIONS)


@cli.command()
@store_option
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def stats(store, as_json):
    """Print counts of practices, organisations, memberships, triples, flags and countries.

    Example: pgraph stats --json
    """
    figures = graph_stats(open_store(store, read_only=True))
    if as_json:
        click.echo(json.dumps(figures, indent=2, ensure_ascii=False))
        return
    per_country = figures.pop("practices_per_country")
    for name, value in figures.items():
        click.echo(f"{name.replace('_', ' '):<24}{value:>10}")
    click.echo("practices per country   " + ", ".join(f"{c} {n}" for c, n in per_country.items()))


@cli.command()
@store_option
@click.option("--out", type=click.Path(path_type=Path), default=Path("out"), show_default=True,
              help="Folder for the network file.")
def demo(store, out):
    """Build the bundled data, validate it, run a sample query and export a network.

    Example: pgraph demo --store .pgraph/store --out out/
    """
    from pgraph.demo import SAMPLE_NETWORK, SAMPLE_QUERY, run_demo

    report = run_demo(store_path=store, out_dir=out)
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


@cli.command()
@store_option
@click.option(
    "--format", "fmt", default="turtle", show_default=True,
    type=click.Choice(["turtle", "ntriples", "nquads", "trig", "jsonld", "rdfxml"]),
    help="RDF syntax; Turtle and N-Triples are sorted, so equal graphs give equal bytes.",
)
@click.option("--out", type=click.Path(path_type=Path), help="Write to this file (default: stdout).")
@click.option("--gzip", is_flag=True, help="Compress the output with gzip.")
@click.option("--graph", "graphs", multiple=True, help="Only this named graph (repeatable).")
@quiet_option()
def export(store, fmt, out, gzip, graphs):
    """Write the built graph (or some named graphs) in one RDF syntax.

    Example: pgraph export --format jsonld --out catalogue.jsonld
    """
    from pgraph.publish import write_dump

    source = open_store(store, read_only=True)
    if out is None:
        write_dump(source, sys.stdout.buffer, fmt, graphs=graphs or None, gzip=gzip)
        return
    dump = write_dump(source, out, fmt, graphs=graphs or None, gzip=gzip)
    click.echo(f"Wrote {out}: {dump.triples} triples, {dump.byte_size} bytes", err=True)
