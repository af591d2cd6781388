"""``pgraph build``: sources into the store."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pgraph.build import build_catalogue
from pgraph.cli.main import EXIT_ERROR, EXIT_OK, cli
from pgraph.cli.options import base_option, quiet_option, store_option
from pgraph.resources import data_dir


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
    for note in report.notes:
        click.echo(f"Note: {note}", err=True)
    click.echo(f"Built {store}: {report.summary()}")
    sys.exit(EXIT_ERROR if report.errors else EXIT_OK)


@cli.command()
@store_option
def report(store):
    """Print the kept build report: every stored source's warnings and errors, the last build.

    A rebuild reads only changed files; this shows the messages of all of
    them, as the build that last read each one gave them (kept in
    STORE.build-report.json).

    Example: pgraph report --store .pgraph/store
    """
    from pgraph.build.report import read_kept_report, report_path
    from pgraph.errors import StoreError

    if not report_path(store).exists():
        raise StoreError("no build report kept here", path=str(store),
                         hint="run pgraph build first")
    for line in read_kept_report(store).lines():
        click.echo(line)
