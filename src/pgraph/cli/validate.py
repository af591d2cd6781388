"""``pgraph validate``: the built graph against the SHACL shapes."""

from __future__ import annotations

import sys

import click

from pgraph.cli.main import EXIT_OK, EXIT_VIOLATIONS, cli
from pgraph.cli.options import quiet_option, store_option
from pgraph.shacl.state import state_path
from pgraph.store import open_store
from pgraph.validate import validate_store


@cli.command()
@store_option
@click.option("--warnings/--no-warnings", default=True,
              help="List SHACL warnings (data quality) too; they are always counted.")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too, not only on violations.")
@click.option("--whole", is_flag=True,
              help="Run pySHACL on the whole graph (the reference; slow on large graphs).")
@quiet_option()
def validate(store, warnings, strict, whole):
    """Validate the built graph against ontology/shapes.ttl (SHACL): the data-quality report.

    Violations break the shapes; warnings are data-quality problems the build
    also reported (impossible or missing start dates, unmapped countries and
    facet values, unresolved Acts, practices without partners or ratings),
    each naming the practice, field, value and source file and line. Checks
    only what changed since the last validation (results are kept in
    STORE.validation.json). Exit code 0 when it conforms, 1 on violations
    (and, with --strict, on warnings).

    Example: pgraph validate --strict --store .pgraph/store
    """
    report = validate_store(
        open_store(store, read_only=True), whole=whole, state=None if whole else state_path(store),
        describe_warnings=warnings,
    )
    for finding in report.findings:
        if finding.severity == "Violation" or warnings:
            click.echo(str(finding))
    click.echo(report.summary())
    failed = not report.conforms or (strict and report.warnings)
    sys.exit(EXIT_VIOLATIONS if failed else EXIT_OK)
