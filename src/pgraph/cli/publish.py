"""pgraph publish commands."""

from pgraph.cli.main import cli  # noqa: F401
