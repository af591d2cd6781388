"""pgraph's command line: a thin layer over the library (see ``pgraph --help``).

Each module of this package adds its commands to the ``cli`` group and is
named after them (``build``, ``validate``, ``stats``, ``demo``, ``query``,
``network``, ``publish``: dump/export, describe, publish, link; ``site``:
site, docs; ``synth``; ``fetch``); ``options`` holds the options they share.
A module is imported when one of its commands runs (``pgraph.cli.main``
lists which module adds which command), so a command pays only for its own
imports.
"""

from pgraph.cli.main import cli, main

__all__ = ["cli", "main"]
