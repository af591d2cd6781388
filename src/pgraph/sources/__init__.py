"""Sources → records: find source files and read each into ``Practice`` records.

Inputs, chosen by suffix:

- ``.txt`` / ``.text``: a catalogue practice page as scraped (``pages.read_page``);
- ``.html`` / ``.htm``: a catalogue practice page as the site serves it or a
  browser saves it (``html_pages.read_html_page``);
- ``.yaml`` / ``.yml`` / ``.json``: structured records, one or a list;
- ``.csv``: one record per row, header = field names, lists split on ";";
- ``.ttl`` / ``.nt`` / ``.nq`` / ``.trig`` / ``.rdf`` / ``.owl`` / ``.jsonld``:
  RDF from other catalogues, kept as statements (``rdf_files.read_rdf``; no
  remote contexts, no XML external entities).

``root/sources.yaml`` maps file names (relative to the root) to the catalogue
URL they were read from. Reading never raises for bad content: a file that
yields nothing has ``error``, odd values are ``warnings``, and a page of the
site that is not a practice is ``skipped``.

Example:
    >>> from pgraph.resources import data_dir
    >>> [(f.name, r.name) for f, r in discover_sources([data_dir() / "pages"])][:1]
    [('000_370808593d96a53c.txt', 'data')]
    >>> records = read_source(data_dir() / "pages" / "000_370808593d96a53c.txt", root=data_dir())
    >>> records.name, records.practices[0].slug, records.error, records.warnings
    ('pages/000_370808593d96a53c.txt', 'z-community-policing-in-the-uk', None, [])
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from rdflib.term import Node

from pgraph.errors import PgraphError, SourceError, Warning_
from pgraph.records import Practice
from pgraph.sources.decoding import decode_text
from pgraph.sources.html_pages import read_html_page
from pgraph.sources.pages import NotAPracticePage, read_page
from pgraph.sources.rdf_files import RDF_FORMATS, read_rdf
from pgraph.sources.records_files import (
    NotPracticeRecords,
    load_yaml,
    read_csv_records,
    read_json_records,
    read_yaml_records,
)

__all__ = [
    "NotAPracticePage",
    "NotPracticeRecords",
    "SourceRecords",
    "discover_source_names",
    "discover_sources",
    "load_source_urls",
    "read_page",
    "read_source",
]

SOURCES_FILE = "sources.yaml"
PAGE_SUFFIXES = frozenset({".txt", ".text"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
RECORD_SUFFIXES = frozenset({".yaml", ".yml", ".json", ".csv"})
RDF_SUFFIXES = frozenset(RDF_FORMATS)
SOURCE_SUFFIXES = PAGE_SUFFIXES | HTML_SUFFIXES | RECORD_SUFFIXES | RDF_SUFFIXES
MAX_PAGE_BYTES = 5_000_000
"""Largest catalogue page read (real ones are a few kilobytes): a bigger file is refused."""
_ROOT_SEARCH_DEPTH = 4

_Reader = Callable[..., tuple[list[Practice], list[Warning_]]]
_RECORD_READERS: dict[str, _Reader] = {
    ".yaml": read_yaml_records,
    ".yml": read_yaml_records,
    ".json": read_json_records,
    ".csv": read_csv_records,
}


@dataclass
class SourceRecords:
    """What one source file gave: its practices, warnings, and why it gave none if so."""

    path: Path
    name: str
    content_hash: str
    practices: list[Practice] = field(default_factory=list)
    warnings: list[Warning_] = field(default_factory=list)
    error: PgraphError | None = None
    skipped: str | None = None
    triples: list[tuple[Node, Node, Node]] = field(default_factory=list)  # from RDF files


def discover_sources(paths: Sequence[Path]) -> list[tuple[Path, Path]]:
    """Return (file, root) for every source file under the given files and folders, sorted.

    The root is the nearest folder at or above the given one holding
    ``sources.yaml``, else the folder given (for a file: its folder), so that
    a file has the same name, and URL, however it is reached. Skipped:
    ``sources.yaml``, ``*.schema.json``, templates (``*.template.*``),
    ``README*``, hidden files and folders, and suffixes no reader knows.
    Raises ``SourceError`` for a path that does not exist.

    Example:
        >>> discover_sources([Path("no/such/folder")])
        Traceback (most recent call last):
        ...
        pgraph.errors.SourceError: no/such/folder: no such file or folder
    """
    return [(Path(file), root) for file, root, _ in discover_source_names(paths)]


def discover_source_names(paths: Sequence[Path]) -> list[tuple[str, Path, str]]:
    """Return what :func:`discover_sources` finds as (file as text, root, name under the root).

    Every build walks the whole catalogue (10,000 pages: 0.06 s this way, 0.2 s
    with a ``Path`` per file from the start).

    Example:
        >>> from pgraph.resources import data_dir
        >>> [(name, root.name) for _, root, name in discover_source_names([data_dir() / "pages"])]
        [('pages/000_370808593d96a53c.txt', 'data')]
    """
    found: set[tuple[str, Path]] = set()
    for path in paths:
        path = Path(path)
        if path.is_file():
            found.add((str(path), _root_of(path.parent)))
        elif path.is_dir():
            root = _root_of(path)
            found.update((file, root) for file in _source_files(str(path)))
        else:
            raise SourceError("no such file or folder", path=str(path))
    named = [(file, root, _relative_text(file, root)) for file, root in found]
    return sorted(named, key=lambda row: (str(row[1]), row[2]))


def _source_files(top: str) -> Iterator[str]:
    """Yield the source files under a folder, as ``os.walk`` joins their names.

    As ``os.walk`` (and ``Path.rglob``), folders it cannot read are passed over and
    symbolic links to folders are not entered; hidden folders are not entered either.
    """
    folders = [top]
    while folders:
        try:
            entries = list(os.scandir(folders.pop()))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    if not entry.name.startswith("."):
                        folders.append(entry.path)
                elif _is_source_name(entry.name) and entry.is_file():
                    yield entry.path
            except OSError:
                continue


def relative_name(file: Path, root: Path) -> str:
    """Return ``file.relative_to(root).as_posix()``, cheaply when the text says it.

    Example:
        >>> relative_name(Path("data/pages/a.txt"), Path("data"))
        'pages/a.txt'
    """
    return _relative_text(str(file), root)


def _relative_text(text: str, root: Path) -> str:
    prefix = str(root) + os.sep
    if text.startswith(prefix) and os.sep == "/" and "/./" not in text and "/../" not in text:
        return text[len(prefix):]
    return Path(text).relative_to(root).as_posix()


TABLE_FILES = {
    SOURCES_FILE,
    "aliases.yaml",
    "alignments.yaml",
    "predecessors.yaml",
    "link-review.csv",
    "generic-partners.yaml",
    "organisation-review.csv",
    "name-variants.csv",
    "name-words.yaml",
}
"""Files in data folders that are label or link tables, not catalogue records."""


def _is_source_name(name: str) -> bool:
    return (
        not name.startswith(".")
        and os.path.splitext(name)[1].lower() in SOURCE_SUFFIXES
        and name not in TABLE_FILES
        and not name.endswith(".schema.json")
        and ".template." not in name
        and not name.upper().startswith("README")
    )


def _root_of(folder: Path) -> Path:
    for candidate in [folder, *folder.parents][:_ROOT_SEARCH_DEPTH]:
        if (candidate / SOURCES_FILE).is_file():
            return candidate
    return folder


def load_source_urls(root: Path) -> dict[str, str]:
    """Return the file → catalogue URL table of ``root/sources.yaml`` ({} when there is none).

    Raises ``SourceError`` when the file is not a mapping of names to URLs.

    Example:
        >>> from pgraph.resources import data_dir
        >>> load_source_urls(data_dir())["pages/000_370808593d96a53c.txt"].split("/")[2]
        'firstlinepractitioners.com'
    """
    path = root / SOURCES_FILE
    if not path.is_file():
        return {}
    name = str(path)
    text, _ = decode_text(path.read_bytes(), name=name)
    data = _plain_table(text)
    if data is None:  # not a plain table: the careful reader says what is wrong, and where
        data, _ = load_yaml(text, name=name)
    if data is None:
        return {}
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise SourceError(
            "expected a mapping of file names (relative to this folder) to URLs", path=name
        )
    return {_posix_name(k): v.strip() for k, v in data.items()}


def _posix_name(name: str) -> str:
    """Return ``Path(name).as_posix()``, without a ``Path`` when the name is normal already.

    Example:
        >>> _posix_name("pages/a.txt"), _posix_name("./pages//a.txt")
        ('pages/a.txt', 'pages/a.txt')
    """
    if os.sep == "/" and name and not name.startswith("./") and name != "." and not any(
        part in name for part in ("//", "/./")
    ) and not name.endswith(("/", "/.")):
        return name
    return Path(name).as_posix()


def _plain_table(text: str) -> dict[str, str] | None:
    """Return a YAML mapping of text to text read by libyaml (10x faster), else None.

    A catalogue's table has a line per page; PyYAML's pure-Python reader takes
    seconds on 10,000 lines, and every build worker reads the table. A table
    of ``path/name: https://…`` lines alone is read line by line (:func:`_path_lines`,
    15x faster again: a one-page rebuild of 10,000 pages read it in 0.18 s).
    """
    lines = _path_lines(text)
    if lines is not None:
        return lines
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load(text, Loader=loader)  # a safe loader: plain data only
    except yaml.YAMLError:
        return None
    if isinstance(data, dict) and all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        return data
    return None


# One line of a table of paths: a key and a value that YAML reads as plain text, as written.
# Neither starts with an indicator character nor holds a space (so no ": " nor " #"), and
# both hold a "/", which no YAML 1.1 number, date, boolean or null holds.
_PATH_LINE = re.compile(
    r"([^\s#'\"{}\[\],&*!|>%@`?:-][^\s:]*/[^\s:]*): +"
    r"([^\s#'\"{}\[\],&*!|>%@`?:-]\S*/\S*(?<!:)) *"
)


def _path_lines(text: str) -> dict[str, str] | None:
    """Return the mapping a YAML document of ``path: url`` lines (and comments) gives, else None.

    None for anything else (the document is then read by a YAML parser): quotes,
    flow collections, indentation, trailing comments, document markers, tabs, a
    name without a folder, characters YAML does not print.

    Example:
        >>> _path_lines("# pages\\npages/a.txt: https://e.org/a\\n\\npages/b.txt: https://e.org/b\\n")
        {'pages/a.txt': 'https://e.org/a', 'pages/b.txt': 'https://e.org/b'}
        >>> _path_lines("pages/a.txt: 'https://e.org/a'\\n") is None
        True
    """
    # Each line, its "\r" ending aside, must be printable and be a path line, blank or a
    # comment. The checks run over all the lines at once, in C (map), not line by line.
    body = text.replace("\r\n", "\n").removesuffix("\r")
    if not body.replace("\n", "").isprintable():
        return None
    lines = body.split("\n")
    table: dict[str, str] = {}
    for line, match in zip(lines, map(_PATH_LINE.fullmatch, lines), strict=True):
        if match is not None:
            table[match[1]] = match[2]
        elif line.strip(" ") and not line.lstrip(" ").startswith("#"):
            return None
    return table or None


def _nearest_source_url(path: Path, root: Path) -> str | None:
    folder = path.parent
    while True:
        table = folder / SOURCES_FILE
        if table.is_file():
            stat = table.stat()
            urls = _cached_source_urls(folder, stat.st_mtime_ns, stat.st_size)
            return urls.get(path.relative_to(folder).as_posix())
        if folder == root or folder == folder.parent or root not in folder.parents:
            return None
        folder = folder.parent


@lru_cache(maxsize=32)
def _cached_source_urls(folder: Path, _mtime_ns: int, _size: int) -> dict[str, str]:
    # Keyed by modification time and size: one parse per table per build, and
    # a table edited between two reads is read again.
    return load_source_urls(folder)


def _page_url(
    path: Path, root: Path, relative: str, source_urls: Mapping[str, str] | None
) -> str | None:
    if source_urls is not None:
        return source_urls.get(relative)
    return _nearest_source_url(path, root)


def read_source(
    path: Path,
    *,
    root: Path,
    source_urls: Mapping[str, str] | None = None,
    name: str | None = None,
) -> SourceRecords:
    """Return the practices one source file gives, read by its suffix; never raises for content.

    ``source_urls`` (name relative to ``root`` → URL) defaults to the nearest
    ``sources.yaml`` between the file's folder and ``root`` (its names are
    relative to its own folder), so that a sub-catalogue keeps its own table.
    ``name`` overrides how messages and provenance name the file (default:
    its path relative to ``root``).

    Example:
        >>> import tempfile
        >>> folder = Path(tempfile.mkdtemp())
        >>> _ = (folder / "empty.txt").write_bytes(b"")
        >>> str(read_source(folder / "empty.txt", root=folder).error)
        'empty.txt: the file is empty'
    """
    relative = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()
    name = name or relative
    try:
        data = path.read_bytes()
    except OSError as exc:
        error = SourceError(f"cannot read the file: {exc.strerror}", path=name)
        return SourceRecords(path, name, "", [], [], error=error)
    records = SourceRecords(path, name, hashlib.sha256(data).hexdigest(), [], [])
    suffix = path.suffix.lower()
    try:
        if suffix in RDF_SUFFIXES:
            records.triples, records.warnings = read_rdf(data, name=name, suffix=suffix)
            return records
        if suffix in HTML_SUFFIXES:
            url = _page_url(path, root, relative, source_urls)
            practice, records.warnings = read_html_page(data, name=name, source_url=url)
            records.practices = [practice] if practice is not None else []
            return records
        if suffix in PAGE_SUFFIXES and len(data) > MAX_PAGE_BYTES:
            raise SourceError(
                f"the page is {len(data) / 1e6:.1f} MB, more than the"
                f" {MAX_PAGE_BYTES / 1e6:.0f} MB a catalogue page may be; refused",
                path=name,
                hint="a practice page is a few kilobytes: check that this is the right file",
            )
        text, records.warnings = decode_text(data, name=name)
        if suffix in PAGE_SUFFIXES:
            url = _page_url(path, root, relative, source_urls)
            practice, warnings = read_page(text, name=name, source_url=url)
            records.practices = [practice] if practice is not None else []
        elif suffix in _RECORD_READERS:
            records.practices, warnings = _RECORD_READERS[suffix](text, name=name)
            if not records.practices and any(w.record_skipped for w in warnings):
                records.error = SourceError(
                    "no record could be read (see the warnings for each one)", path=name
                )
        else:
            raise SourceError(
                f'unknown kind of source "{path.suffix}"',
                path=name,
                hint="use .txt or .html for catalogue pages, .yaml/.json/.csv for records,"
                " .ttl/.nt/.nq/.trig/.rdf/.jsonld for RDF",
            )
        records.warnings += warnings
    except (NotAPracticePage, NotPracticeRecords) as exc:
        records.skipped = str(exc)
    except PgraphError as exc:
        records.error = exc
    except Exception as exc:  # a reader bug must not stop the other files from building
        records.error = SourceError(
            f"cannot read the file ({type(exc).__name__}: {exc})",
            path=name,
            hint="this is a bug in pgraph's readers; please report it with the file",
        )
    return records
