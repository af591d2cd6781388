"""One error type per stage of the data flow, each carrying where it happened.

The library never prints or exits: it raises these (or returns warnings), and
the CLI turns each into one readable ``Error: …`` line.

Example:
    >>> str(SourceError("no title", path="data/pages/x.txt", line=3, field="title",
    ...                 hint="the title is the first line after the site chrome"))
    'data/pages/x.txt:3: title: no title; the title is the first line after the site chrome'
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as field_


class PgraphError(Exception):
    """Base of pgraph's errors: a message plus the file, line and field it concerns."""

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        field: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.field = field
        self.hint = hint

    def __str__(self) -> str:
        return format_location(self.path, self.line, self.field) + self.message + (
            f"; {self.hint}" if self.hint else ""
        )


class SourceError(PgraphError):
    """A source file cannot be read as a catalogue page or record."""


class MappingError(PgraphError):
    """A record cannot be turned into RDF."""


class StoreError(PgraphError):
    """The store cannot be opened, locked or written."""


class QueryError(PgraphError):
    """A query cannot be parsed, bound or run."""


class NetworkError(PgraphError):
    """A network cannot be built or written."""


class PublishError(PgraphError):
    """Publication (dumps, triple stores, the site) failed."""


class FetchError(PgraphError):
    """Harvesting catalogue pages from the web (``pgraph fetch``) cannot start or go on."""


@dataclass(frozen=True)
class Warning_:
    """Something odd in the input that did not stop the build.

    Example:
        >>> str(Warning_("unknown heading kept as text", path="p.txt", line=7, field="Budget"))
        'p.txt:7: Budget: unknown heading kept as text'
    """

    message: str
    path: str | None = None
    line: int | None = None
    field: str | None = None
    record_skipped: bool = field_(default=False, compare=False)
    """The warning is about a record left out whole (not a value of it)."""

    def __str__(self) -> str:
        return format_location(self.path, self.line, self.field) + self.message


def format_location(path: str | None, line: int | None, field: str | None) -> str:
    """Return the ``path:line: field: `` prefix of a message (parts that are known)."""
    where = ""
    if path:
        where = f"{path}:{line}: " if line else f"{path}: "
    if field:
        where += f"{field}: "
    return where
