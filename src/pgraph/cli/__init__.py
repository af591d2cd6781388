"""pgraph's command line: a thin layer over the library (see ``pgraph --help``)."""

from pgraph.cli.main import cli, main

__all__ = ["cli", "main"]
