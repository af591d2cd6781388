"""pgraph's command line: a thin layer over the library (see ``pgraph --help``).

Each module of this package adds its commands to the ``cli`` group and is
named after them (``build``, ``validate``, ``stats``, ``demo``, ``query``,
``network``, ``publish``: dump/export, describe, publish, link; ``site``:
site, docs; ``synth``; ``fetch``); ``options`` holds the options they share.
"""

from pgraph.cli import (  # noqa: F401  (register commands)
    build,
    demo,
    fetch,
    network,
    organisations,
    publish,
    query,
    site,
    stats,
    synth,
    validate,
)
from pgraph.cli.main import cli, main

__all__ = ["cli", "main"]
