"""The ``pgraph`` group, shared options and the one error handler."""

from __future__ import annotations

import importlib
import os
import re
import signal
import sys

import click

from pgraph import __version__
from pgraph.cli.options import AliasingCommand, store_option  # noqa: F401 - re-exported
from pgraph.errors import PgraphError

EXIT_OK, EXIT_VIOLATIONS, EXIT_ERROR = 0, 1, 2


class PgraphGroup(click.Group):
    """Turns pgraph's errors into one ``Error: …`` line and exit code 2, never a traceback.

    Commands may be *lazy* (click's documented "LazyGroup" pattern): ``lazy``
    maps a command's name to the module that defines it, imported only when
    that command runs or is listed, so ``pgraph build`` does not import the
    network, publishing or site commands. ``commands`` holds every command,
    importing the modules not yet imported (as ``pgraph --help`` does).
    """

    command_class = AliasingCommand
    group_class = type  # subgroups are PgraphGroups too

    def __init__(self, *args, lazy: dict[str, str] | None = None, **kwargs) -> None:
        self.lazy = dict(lazy or {})
        super().__init__(*args, **kwargs)

    @property
    def commands(self) -> dict[str, click.Command]:
        for name in self.lazy:
            self._load(name)
        return self._commands

    @commands.setter
    def commands(self, value) -> None:
        self._commands = dict(value or {})

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        name = name or cmd.name
        if name is None:
            raise TypeError("Command has no name.")
        self._commands[name] = cmd

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self._commands, *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self._load(cmd_name)

    def _load(self, name: str) -> click.Command | None:
        if name not in self._commands and name in self.lazy:
            importlib.import_module(self.lazy[name])  # its decorators add its commands
        return self._commands.get(name)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except PgraphError as error:
            message = f"Error: {error}"
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except Exception as error:  # a bug: say so in one line, keep the traceback on request
            if os.environ.get("PGRAPH_DEBUG"):
                raise
            message = (
                f"Error: unexpected {type(error).__name__}: {error} "
                "(this is a bug in pgraph; rerun with PGRAPH_DEBUG=1 for the traceback "
                "and report it)"
            )
        # Out of the except block, the exception and the frames it holds are gone: a
        # store the command had open is closed now (it matters when called in-process).
        click.echo(redact_secrets(message), err=True)
        sys.exit(EXIT_ERROR)


_SECRET_ENV = re.compile(r"(PASSWORD|PASSWD|TOKEN|SECRET|API_KEY)$")
_AUTHORIZATION = re.compile(r"\b(?P<scheme>Basic|Bearer|Digest|Token)\s+[A-Za-z0-9+/=._~-]{8,}")
_URL_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)[^/@\s:]+:[^/@\s]+@")


def redact_secrets(text: str) -> str:
    """Return ``text`` with credentials hidden: secret environment values and URL passwords.

    Example:
        >>> os.environ["PGRAPH_EXAMPLE_PASSWORD"] = "s3cr3t-value"
        >>> redact_secrets("GET https://ann:s3cr3t-value@example.org/sparql failed")
        'GET https://***@example.org/sparql failed'
        >>> redact_secrets("HTTP 500: Authorization: Basic YW5uOnMzY3IzdA== Host: x")
        'HTTP 500: Authorization: Basic *** Host: x'
        >>> del os.environ["PGRAPH_EXAMPLE_PASSWORD"]
    """
    text = _URL_USERINFO.sub(r"\g<scheme>***@", text)
    text = _AUTHORIZATION.sub(r"\g<scheme> ***", text)
    for name, value in os.environ.items():
        if _SECRET_ENV.search(name.upper()) and len(value) >= 4:
            text = text.replace(value, "***")
    return text


_COMMAND_MODULES = {
    "build": ("build", "report"),
    "demo": ("demo",),
    "fetch": ("fetch",),
    "network": ("network",),
    "organisations": ("organisations",),
    "publish": ("dump", "export", "describe", "publish", "link"),
    "query": ("queries", "query", "serve"),
    "site": ("site", "docs"),
    "stats": ("stats",),
    "synth": ("synth",),
    "validate": ("validate",),
}
"""The modules of ``pgraph.cli`` and the commands each adds (imported when one is used)."""


@click.group(cls=PgraphGroup, lazy={
    command: f"pgraph.cli.{module}"
    for module, commands in _COMMAND_MODULES.items() for command in commands
})
@click.version_option(__version__, prog_name="pgraph")
def cli() -> None:
    """pgraph: catalogues of crime-prevention practices as a linked-data knowledge graph.

    Exit codes: 0 success (or the graph conforms), 1 SHACL violations, 2 usage or runtime error.
    """


def main() -> None:
    # `pgraph export | head` should stop quietly, as Unix tools do.
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    cli()
