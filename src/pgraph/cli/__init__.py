"""pgraph's command line: a thin layer over the library (see ``pgraph --help``).

Each module of this package adds the commands of one stage of the data flow
to the ``cli`` group.
"""

# Importing the modules registers their commands.
from pgraph.cli import build, fetch, network, publish, query, site, synth  # noqa: F401
from pgraph.cli.main import cli, main

__all__ = ["cli", "main"]
