"""pgraph's command line: a thin layer over the library (see ``pgraph --help``).

Each module of this package adds the commands of one stage of the data flow
to the ``cli`` group.
"""

from pgraph.cli import (  # noqa: F401  (register commands)
    build,
    network,
    organisations,
    publish,
    query,
    site,
    synth,
)
from pgraph.cli.main import cli, main

__all__ = ["cli", "main"]
