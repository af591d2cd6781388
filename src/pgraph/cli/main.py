"""The ``pgraph`` group, shared options and the one error handler."""

from __future__ import annotations

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
    """Turns pgraph's errors into one ``Error: …`` line and exit code 2, never a traceback."""

    command_class = AliasingCommand
    group_class = type  # subgroups are PgraphGroups too

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


@click.group(cls=PgraphGroup)
@click.version_option(__version__, prog_name="pgraph")
def cli() -> None:
    """pgraph: catalogues of crime-prevention practices as a linked-data knowledge graph.

    Exit codes: 0 success (or the graph conforms), 1 SHACL violations, 2 usage or runtime error.
    """


def main() -> None:
    # `pgraph export | head` should stop quietly, as Unix tools do.
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    cli()
