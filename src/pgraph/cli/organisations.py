"""pgraph organisations: propose merges of organisation names to a curator (``pgraph.review``)."""

from __future__ import annotations

from pathlib import Path

import click

from pgraph.cli.main import cli
from pgraph.cli.options import output, store_option
from pgraph.resources import aliases_path, data_dir
from pgraph.review import DEFAULT_THRESHOLD, review_organisations
from pgraph.store import open_store


@cli.group()
def organisations() -> None:
    """Organisations named by the catalogue: merges proposed to a curator.

    Example: pgraph organisations review --output data/organisation-review.csv
    """


@organisations.command()
@store_option
@output("CSV of proposed pairs (default: data/organisation-review.csv).")
@click.option(
    "--threshold",
    type=click.FloatRange(0, 100),
    default=DEFAULT_THRESHOLD,
    show_default=True,
    help="Least score (0-100) of a proposed pair.",
)
@click.option(
    "--accept-above",
    type=click.FloatRange(0, 100),
    default=None,
    help="Add pairs scoring at least this to the alias table (the next build merges them).",
)
@click.option(
    "--aliases",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The alias table to add accepted pairs to (default: PGRAPH_ALIASES or "
    "data/aliases.yaml).",
)
def review(store, output, threshold, accept_above, aliases):
    """Propose organisations that may be one: pairs of names, a score and the reason.

    Only names that are certainly the same are merged by the build; this lists
    the rest that look alike (abbreviations, typos, "Ltd", French and English
    names, acronyms) for a curator, who accepts a pair by adding it to
    data/aliases.yaml (or with --accept-above).

    Example: pgraph organisations review --threshold 90 --output review.csv
    """
    out = output or data_dir() / "organisation-review.csv"
    report = review_organisations(
        open_store(store, read_only=True),
        out=out,
        threshold=threshold,
        accept_above=accept_above,
        aliases=aliases or aliases_path(),
    )
    for proposal in report.proposals[:20]:
        click.echo(
            f"{proposal.score:5.1f}  {proposal.a_label}  ~  {proposal.b_label}  ({proposal.reason})"
        )
    if len(report.proposals) > 20:
        click.echo(f"… and {len(report.proposals) - 20} more in {out}")
    click.echo(report.summary())
