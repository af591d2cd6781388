"""pgraph site and docs commands."""

from pgraph.cli.main import cli  # noqa: F401
