"""pgraph synth: write a deterministic synthetic catalogue (``pgraph.synth``)."""

from __future__ import annotations

from pathlib import Path

import click

from pgraph.cli.main import cli
from pgraph.cli.options import output_folder
from pgraph.synth import LANGUAGES, URL_BASE, generate_catalogue
from pgraph.synth.html_site import generate_html_site


@cli.command()
@output_folder("Write the catalogue into this folder.")
@click.option(
    "--practices",
    "-n",
    type=click.IntRange(min=0),
    default=40,
    show_default=True,
    help="How many practice pages to write.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same bytes.")
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default="mixed",
    show_default=True,
    help="Interface language of the headings (mixed: each page picks fr or en).",
)
@click.option(
    "--malformed-share",
    type=click.FloatRange(0, 1),
    default=0.05,
    show_default=True,
    help="Share of pages with a planted fault (listed in the folder's README.md).",
)
@click.option(
    "--html",
    "as_html",
    is_flag=True,
    help="Write the catalogue as a web site instead (both interfaces, listings, robots.txt,"
    " sitemaps), for testing pgraph fetch; --lang is then ignored.",
)
@click.option(
    "--base-url",
    default=URL_BASE,
    show_default=True,
    help="With --html: where the site will be served (sitemaps hold absolute URLs).",
)
@click.option(
    "--name-variants",
    type=click.FloatRange(0, 1),
    default=0.0,
    show_default=True,
    help="Share of organisation mentions written as variants of the name (case, acronyms, "
    "typos, Ltd, French), with the truth in the folder's name-variants.csv.",
)
def synth(
    output: Path,
    practices: int,
    seed: int,
    lang: str,
    malformed_share: float,
    as_html: bool,
    base_url: str,
    name_variants: float,
) -> None:
    """Write a SYNTHETIC catalogue of practice pages (pages/, sources.yaml, README.md) to -o.

    Made-up practices in the real catalogue's page format, with partners shared
    across practices (Zipf), statutory partners under Acts, and a share of
    malformed pages: for demos, tests and benchmarks, never for analysis.
    With --html, the same practices as an HTML site (French under /fr/, English
    unprefixed) to serve on 127.0.0.1 and harvest with pgraph fetch.

    Example: pgraph synth -o out/synthetic --practices 10000 --seed 1 --malformed-share 0.05

    Example: pgraph synth -o out/site --html --practices 40 --base-url http://127.0.0.1:8000
    """
    if as_html:
        site = generate_html_site(
            output, practices=practices, seed=seed, malformed_share=malformed_share,
            base_url=base_url,
        )
        click.echo(site.summary())
        return
    report = generate_catalogue(
        output, practices=practices, seed=seed, lang=lang, malformed_share=malformed_share,
        name_variants=name_variants,
    )
    click.echo(report.summary())
