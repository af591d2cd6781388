"""Options shared by pgraph's commands, defined once so that they read the same everywhere.

``--store`` (where the built store is), ``--base`` (the IRI base), one
``--format`` and one ``-o/--output`` (``--out``, the old spelling, is still
accepted). An option renamed keeps its old spelling as a hidden alias
(:func:`alias_option`), for scripts written before.

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

import functools
from collections.abc import Callable, Sequence
from pathlib import Path

import click
from click.core import ParameterSource

from pgraph.store import DEFAULT_STORE
from pgraph.vocab import DEFAULT_BASE

store_option = click.option(
    "--store",
    type=click.Path(path_type=Path),
    default=DEFAULT_STORE,
    envvar="PGRAPH_STORE",
    show_default=True,
    help="The on-disk Oxigraph store (env PGRAPH_STORE).",
)
"""The ``--store`` option (parameter ``store``): the store every command reads or builds."""

base_option = click.option(
    "--base", default=DEFAULT_BASE, envvar="PGRAPH_BASE", show_default=True,
    help="Base of minted IRIs (env PGRAPH_BASE).",
)
"""The ``--base`` option (parameter ``base``): where pgraph mints the catalogue's IRIs."""


def format_option(
    choices: Sequence[str] | None = None,
    *,
    default: str | None = None,
    help: str | None = None,
) -> Callable:
    """Return the ``--format`` / ``-f`` option (parameter ``fmt``) with these choices
    (default: the query results' formats)."""
    if choices is None:
        # Here, not at this module's import: build and validate load no query library.
        from pgraph.query.results import RESULT_FORMATS

        choices = RESULT_FORMATS
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


def output(
    help: str = "Write to this file instead of standard output.",
    *,
    folder: bool = False,
    file: bool = True,
    required: bool = False,
    default: Path | None = None,
) -> Callable:
    """Return the ``-o/--output`` option (parameter ``output``; ``--out`` also accepted).

    ``folder``/``file`` say which the option may name (a folder is not checked
    for writability: it may not exist yet).
    """
    return click.option(
        "--output", "-o", "--out", "output",
        type=click.Path(dir_okay=folder, file_okay=file, writable=file and not folder,
                        path_type=Path),
        required=required,
        default=default,
        show_default=default is not None,
        help=help,
    )


output_option = output()
"""The ``-o/--output`` option (parameter ``output``): a file, or standard output."""


def output_folder(help: str) -> Callable:
    """Return the required ``-o/--output`` folder option of a command that writes a folder.

    ``pgraph site``, ``docs`` and ``synth`` once took the folder as a
    positional argument; it is still accepted, deprecated: a note on standard
    error says to write ``-o``. Giving both, with different folders, is a
    usage error.

    Example:
        >>> from click.testing import CliRunner
        >>> @click.command()
        ... @output_folder("Write the pages into this folder.")
        ... def pages(output):
        ...     click.echo(f"into {output}")
        >>> CliRunner().invoke(pages, ["-o", "out/pages"]).output
        'into out/pages\\n'
        >>> result = CliRunner().invoke(pages, ["out/pages"])
        >>> result.stdout, result.stderr.split(":")[0]
        ('into out/pages\\n', 'Deprecated')
    """

    def decorate(command: Callable) -> Callable:
        @functools.wraps(command)
        def with_output(*, output: Path | None, positional_output: Path | None, **rest):
            ctx = click.get_current_context()
            if positional_output is not None:
                if output is not None and output != positional_output:
                    raise click.UsageError(
                        f"the folder is given twice ({positional_output} and -o {output}): "
                        "give it once, as -o/--output", ctx=ctx)
                click.echo(f"Deprecated: the folder as a positional argument; write "
                           f"-o {positional_output}", err=True)
                output = positional_output
            if output is None:
                raise click.UsageError(
                    "Missing option '-o' / '--output': the folder to write into.", ctx=ctx)
            return command(output=output, **rest)

        with_output = click.argument(
            "positional_output", metavar="[OUT]", required=False,
            type=click.Path(file_okay=False, path_type=Path),
        )(with_output)
        return output(help + " (A positional OUT is still accepted, deprecated.)",
                      folder=True, file=False)(with_output)

    return decorate

_ALIASES = "pgraph.aliases"


def alias_option(old: str, name: str, **kwargs) -> Callable:
    """Return a hidden option ``old`` that gives its value to the parameter ``name``.

    The parameter keeps a value given under its own name; the alias fills it
    otherwise (see :class:`AliasingCommand`).
    """

    def remember(ctx: click.Context, _param: click.Parameter, value: object) -> None:
        if value is not None:
            ctx.meta.setdefault(_ALIASES, {})[name] = value

    return click.option(old, expose_value=False, hidden=True, callback=remember, **kwargs)


class AliasingCommand(click.Command):
    """A command whose hidden alias options (:func:`alias_option`) fill their parameters."""

    def invoke(self, ctx: click.Context):
        for name, value in ctx.meta.pop(_ALIASES, {}).items():
            given = ctx.get_parameter_source(name) in (
                ParameterSource.COMMANDLINE, ParameterSource.ENVIRONMENT, ParameterSource.PROMPT)
            if not given or ctx.params.get(name) is None:
                ctx.params[name] = value
        return super().invoke(ctx)


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
