"""Where dumps go: one folder of files, one file, or a stream — decided here, not in the CLI.

Example:
    >>> import tempfile
    >>> from pgraph.store import open_store
    >>> folder = Path(tempfile.mkdtemp())
    >>> [d.path.name for d in export_graph(open_store(None), f"{folder}/", ["turtle", "nquads"])]
    ['pgraph.ttl', 'pgraph.nq']
    >>> export_graph(open_store(None), folder / "all.nt.gz")[0].format.value
    'ntriples'
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO

from pgraph.errors import PublishError
from pgraph.publish.dumps import Dump, DumpFormat, write_dump, write_dumps
from pgraph.store import Store


def is_folder_target(target: str | os.PathLike[str], formats: Sequence[str] = ()) -> bool:
    """Return whether dumps go into a folder: always, but for a file named with an RDF extension.

    A name ending in /, a folder, several formats, or a new name without an
    RDF extension (``dist``) is a folder; ``all.nt.gz`` is a file.

    Example:
        >>> is_folder_target("dist"), is_folder_target("dist/all.nq.gz")
        (True, False)
    """
    text = os.fspath(target)
    path = Path(text)
    if text.endswith(("/", os.sep)) or path.is_dir() or len(formats) > 1:
        return True
    return format_of_file(path) is None and not path.exists()


def format_of_file(path: str | os.PathLike[str]) -> DumpFormat | None:
    """Return the format a file name implies (``x.nt.gz`` → ntriples), or None.

    Example:
        >>> format_of_file("dist/all.nt.gz"), format_of_file("notes")
        (<DumpFormat.NTRIPLES: 'ntriples'>, None)
    """
    parts = [p for p in Path(path).name.split(".")[1:] if p != "gz"]
    try:
        return DumpFormat.parse(parts[-1]) if parts else None
    except PublishError:
        return None


def export_graph(
    store: Store,
    target: str | os.PathLike[str] | IO[bytes],
    formats: Sequence[DumpFormat | str] = (),
    *,
    graphs: Iterable[str] | None = None,
    gzip: bool = False,
) -> list[Dump]:
    """Write the store's graphs to ``target`` and return what was written.

    A folder (see :func:`is_folder_target`) gets one ``pgraph.<ext>`` per
    format (every format when none is given); a file gets one dump, in the
    format given or the one its name implies (else Turtle); a binary stream
    gets one dump (Turtle unless a format is given).
    """
    names = [DumpFormat.parse(f).value for f in formats]
    if not isinstance(target, str | os.PathLike):
        return [write_dump(store, target, names[0] if names else "turtle",
                           graphs=graphs, gzip=gzip)]
    if is_folder_target(target, names):
        return write_dumps(store, Path(target), names or list(DumpFormat), graphs=graphs,
                           gzip=gzip)
    fmt = names[0] if names else (format_of_file(target) or DumpFormat.TURTLE)
    return [write_dump(store, Path(target), fmt, graphs=graphs, gzip=gzip)]
