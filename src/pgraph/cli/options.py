"""Options shared by the commands that write results: one ``--format``, one ``--output``.

``pgraph query``, ``pgraph network export`` and ``pgraph export`` use the same
two decorators, each with the formats it can write, so that the options
read the same everywhere.

Example:
    >>> import click
    >>> @click.command()
    ... @format_option(["csv", "json"], default="csv")
    ... @output_option
    ... def dump(fmt, output):
    ...     click.echo(f"{fmt} -> {output or 'stdout'}")
    >>> from click.testing import CliRunner
    >>> CliRunner().invoke(dump, ["--format", "json"]).output
    'json -> stdout\\n'
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import click

from pgraph.query.results import RESULT_FORMATS


def format_option(
    choices: Sequence[str] = RESULT_FORMATS,
    *,
    default: str | None = None,
    help: str | None = None,
) -> Callable:
    """Return the ``--format`` / ``-f`` option (parameter ``fmt``) with these choices."""
    text = help or "Output format" + (
        "" if default else " (default: table, or turtle for CONSTRUCT and DESCRIBE)"
    )
    return click.option(
        "--format", "-f", "fmt",
        type=click.Choice(list(choices), case_sensitive=False),
        default=default,
        show_default=default is not None,
        help=text + ".",
    )


output_option = click.option(
    "--output", "-o",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    help="Write to this file instead of standard output.",
)
"""The ``--output`` / ``-o`` option (parameter ``output``): a file, or standard output."""


def _show_progress(ctx: click.Context, _param: click.Parameter, quiet: bool) -> bool:
    from pgraph import progress

    ctx.with_resource(progress.shown(not quiet))
    return quiet


def quiet_option(*, expose: bool = False, help: str = "No progress bars.") -> Callable:
    """Return the ``--quiet`` / ``-q`` option; without it, long commands show progress.

    Progress bars (stage, done/total, rate, time left) go to standard error and
    only when it is a terminal; ``expose`` passes ``quiet`` on to the command.
    """
    return click.option(
        "--quiet", "-q", is_flag=True, expose_value=expose, callback=_show_progress,
        help=help + " (Bars are drawn on standard error, and only when it is a terminal.)",
    )
