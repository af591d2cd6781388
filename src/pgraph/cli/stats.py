"""``pgraph stats``: counts of what the built graph holds."""

from __future__ import annotations

import json

import click

from pgraph.cli.main import cli
from pgraph.cli.options import store_option
from pgraph.stats import store_stats


@cli.command()
@store_option
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def stats(store, as_json):
    """Print counts of practices, organisations, memberships, triples, flags and countries.

    Example: pgraph stats --json
    """
    figures = dict(store_stats(store))
    if as_json:
        click.echo(json.dumps(figures, indent=2, ensure_ascii=False))
        return
    per_country = figures.pop("practices_per_country")
    for name, value in figures.items():
        click.echo(f"{name.replace('_', ' '):<24}{value:>10}")
    click.echo("practices per country   " + ", ".join(f"{c} {n}" for c, n in per_country.items()))
