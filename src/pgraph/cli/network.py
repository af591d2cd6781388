"""pgraph network commands."""

from pgraph.cli.main import cli  # noqa: F401
