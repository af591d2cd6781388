"""pgraph synth: write a deterministic synthetic catalogue (``pgraph.synth``)."""

from __future__ import annotations

from pathlib import Path

import click

from pgraph.cli.main import cli
from pgraph.synth import LANGUAGES, generate_catalogue


@cli.command()
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
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
    help="Share of pages with a planted fault (listed in OUT_DIR/README.md).",
)
@click.option(
    "--name-variants",
    type=click.FloatRange(0, 1),
    default=0.0,
    show_default=True,
    help="Share of organisation mentions written as variants of the name (case, acronyms, "
    "typos, Ltd, French), with the truth in OUT_DIR/name-variants.csv.",
)
def synth(
    out_dir: Path,
    practices: int,
    seed: int,
    lang: str,
    malformed_share: float,
    name_variants: float,
) -> None:
    """Write a SYNTHETIC catalogue of practice pages to OUT_DIR (pages/, sources.yaml, README.md).

    Made-up practices in the real catalogue's page format, with partners shared
    across practices (Zipf), statutory partners under Acts, and a share of
    malformed pages: for demos, tests and benchmarks, never for analysis.

    Example: pgraph synth out/synthetic --practices 10000 --seed 1 --malformed-share 0.05
    """
    report = generate_catalogue(
        out_dir, practices=practices, seed=seed, lang=lang, malformed_share=malformed_share,
        name_variants=name_variants,
    )
    click.echo(report.summary())
