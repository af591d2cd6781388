"""Where pgraph's own files live: the ontology, the vocabularies, the queries, the data.

This is the only module that knows. In a source checkout they are the
top-level folders; in an installed wheel they are shipped under
``pgraph/_data``. Values read from these files are cached with
:func:`cached_on_files`, keyed by the files' content hashes (the same hashes
a build's fingerprint is made of).

Example:
    >>> (ontology_dir() / "pgraph.ttl").is_file()
    True
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterable
from importlib import resources
from pathlib import Path
from typing import Generic, TypeVar

_CHECKOUT = Path(__file__).resolve().parents[2]


def _find(name: str) -> Path:
    shipped = Path(str(resources.files("pgraph"))) / "_data" / name
    if shipped.is_dir():
        return shipped
    return _CHECKOUT / name


def ontology_dir() -> Path:
    """Return the folder holding ``pgraph.ttl``, ``shapes.ttl`` and ``context.jsonld``."""
    return _find("ontology")


def vocabularies_dir() -> Path:
    """Return the folder of SKOS vocabularies (labels, facets, ratings, countries)."""
    return ontology_dir() / "vocabularies"


def queries_dir() -> Path:
    """Return the folder of the SPARQL query library (``*.rq``)."""
    return _find("queries")


def data_dir() -> Path:
    """Return the bundled data folder (seed page, synthetic pages, label and alias tables)."""
    return _find("data")


def aliases_path() -> Path:
    """Return the alias table in use: ``PGRAPH_ALIASES`` if set, else ``data/aliases.yaml``.

    The alias table is the curator's: ``pgraph organisations review --accept``
    writes to it, and every build reads it (its content is part of each
    file's hash, so editing it rebuilds everything).
    """
    import os

    return Path(os.environ.get("PGRAPH_ALIASES") or data_dir() / "aliases.yaml")


def vocabulary_files() -> list[Path]:
    """Return the SKOS vocabulary files, in name order."""
    return sorted(vocabularies_dir().glob("*.ttl"))


def mapping_files() -> list[Path]:
    """Return every file besides a source that decides its triples (the build's fingerprint)."""
    data = data_dir()
    return [
        *vocabulary_files(), ontology_dir() / "pgraph.ttl",
        aliases_path(), data / "alignments.yaml", data / "predecessors.yaml",
        data / "generic-partners.yaml",
    ]


def shapes_files() -> list[Path]:
    """Return the SHACL shapes files."""
    return [ontology_dir() / "shapes.ttl"]


# ---------------------------------------------------------------- values cached on file contents

_DIGESTS: dict[tuple[str, int, int, int], str] = {}


def file_digest(path: Path) -> str:
    """Return the SHA-256 of a file's content (read again only when its size or time changed)."""
    status = path.stat()
    key = (str(path), status.st_mtime_ns, status.st_size, status.st_ino)
    digest = _DIGESTS.get(key)
    if digest is None:
        digest = _DIGESTS[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digest


def files_digest(paths: Iterable[Path]) -> str:
    """Return one SHA-256 over the names and contents of files."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(f"{path.name}\n{file_digest(path)}\n".encode())
    return digest.hexdigest()


T = TypeVar("T")


class FileCache(Generic[T]):
    """A value computed from files, kept while their contents stay the same.

    Calls are as cheap as ``functools.cache`` (the value is used without
    looking at the files); :meth:`check` — run by :func:`check_file_caches`
    when a build takes its fingerprint, and by validation — drops the value
    when the files' contents changed, so a cache never outlives the
    fingerprint meant to track it.

    Example:
        >>> import tempfile
        >>> path = Path(tempfile.mkdtemp()) / "table.txt"
        >>> _ = path.write_text("one")
        >>> @cached_on_files(lambda: [path])
        ... def table():
        ...     return path.read_text()
        >>> table()
        'one'
        >>> _ = path.write_text("two!")
        >>> table(), table.check() and table()
        ('one', 'two!')
    """

    def __init__(self, files: Callable[[], Iterable[Path]], load: Callable[[], T]) -> None:
        self.files, self.load = files, load
        self.digest: str | None = None
        self.value: T | None = None
        self.loaded = False
        functools.update_wrapper(self, load)  # type: ignore[arg-type]

    def __call__(self) -> T:
        if not self.loaded:
            self.digest = files_digest(self.files())
            self.value, self.loaded = self.load(), True
        return self.value  # type: ignore[return-value]

    def check(self) -> bool:
        """Forget the value if the files changed since it was computed; return True if so."""
        if self.loaded and files_digest(self.files()) != self.digest:
            self.cache_clear()
            return True
        return False

    def cache_clear(self) -> None:
        self.value, self.loaded, self.digest = None, False, None


_FILE_CACHES: list[FileCache] = []


def cached_on_files(
    files: Callable[[], Iterable[Path]],
) -> Callable[[Callable[[], T]], FileCache[T]]:
    """Decorate a function of no arguments: its value is kept while ``files()`` are unchanged."""

    def decorate(load: Callable[[], T]) -> FileCache[T]:
        cache = FileCache(files, load)
        _FILE_CACHES.append(cache)
        return cache

    return decorate


def check_file_caches() -> None:
    """Drop every cached value whose files changed (see :class:`FileCache`)."""
    for cache in _FILE_CACHES:
        cache.check()
