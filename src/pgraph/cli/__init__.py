"""pgraph's command line: a thin layer over the library (see ``pgraph --help``).

Each module of this package adds the commands of one stage of the data flow
to the ``cli`` group.
"""

from pgraph.cli import build, network, publish, query, site, synth  # noqa: F401  (register commands)
from pgraph.cli.main import cli, main

__all__ = ["cli", "main"]
