"""Reading sources for a build: find them, hash them, and read + map the changed ones in parallel.

Workers read a file, map its practices to triples and hand back N-Quads text
(not rdflib objects: a string pickles in microseconds), with the file's
warnings or error. Files go to the workers in small batches, and only a few
batches are in flight at once, so memory stays bounded whatever the number of
files; results come back in file order.

Example:
    >>> from pgraph.resources import data_dir
    >>> files = discover([data_dir() / "pages"])
    >>> [name for _, _, name in files]
    ['data/pages/000_370808593d96a53c.txt']
    >>> job = ReadJob(*files[0], content_hash="h", graph="https://example.org/g")
    >>> result = read_file(job, base="https://example.org/")
    >>> result.error, result.triples > 100, result.nquads.count("\\n") == result.triples
    (None, True, True)

A build that reads every file (a first one) leaves the hashing to the readers
too: a job without ``content_hash`` is hashed where it is read, on every core.

    >>> job = ReadJob(*files[0], content_hash=None, graph="https://example.org/g", salt="s")
    >>> read_file(job, base="https://example.org/").content_hash == hash_file(files[0][0], "s")
    True
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Literal, URIRef

from pgraph import __version__, errors
from pgraph.errors import MappingError, PgraphError, SourceError, Warning_
from pgraph.jsonfiles import read_json, write_json
from pgraph.mapping import BareAcronym, map_practices
from pgraph.processes import die_with_parent
from pgraph.resources import check_file_caches, mapping_files
from pgraph.sources import discover_source_names, read_source
from pgraph.store.terms import iri_text, nquads
from pgraph.vocab import PG

PARALLEL_THRESHOLD = 64
"""Below this many changed files, starting worker processes costs more than it saves."""
BATCH_FILES = 32
"""Files per task sent to a worker: enough to amortise the hand-over, small for even load."""
BATCHES_IN_FLIGHT = 4
"""Tasks queued per worker: keeps the workers busy and the memory bounded."""


@dataclass(frozen=True)
class ReadJob:
    """One changed file to read: where it is, its name, its hash, and the graph to write.

    Without ``content_hash``, the reader hashes the file, salted with ``salt``.
    """

    path: Path
    root: Path
    name: str
    content_hash: str | None
    graph: str
    salt: str = ""


@dataclass
class ReadResult:
    """What reading one file gave: its graph as N-Quads, or why it gave none."""

    name: str
    content_hash: str
    graph: str
    nquads: str = ""
    triples: int = 0
    practices: int = 0
    warnings: list[Warning_] = field(default_factory=list)
    error: PgraphError | None = None
    skipped: str | None = None
    organisations: dict[URIRef, Counter[str]] = field(default_factory=dict)
    """The partners the file names: organisation IRI → names as written, with counts."""
    bare_acronyms: list[BareAcronym] = field(default_factory=list)
    """Its memberships naming a partner by an acronym alone."""
    unresolved: dict[URIRef, set[str]] = field(default_factory=dict)
    """The unmapped concepts and unresolved Acts it writes, and how."""
    hashed: tuple[list[int], int] | None = None
    """When the reader hashed the file: its status before, and the time (ns) of the hash."""


def discover(sources: Sequence[Path]) -> list[tuple[Path, Path, str]]:
    """Return (file, root, name) per source file; names are prefixed by their root folder."""
    return [(Path(file), root, name) for file, root, name in discover_files(sources)]


def discover_files(sources: Sequence[Path]) -> list[tuple[str, Path, str]]:
    """Return what :func:`discover` does, each file as text (a rebuild of 10,000 files
    makes a ``Path`` only for those it reads)."""
    missing = [str(s) for s in sources if not Path(s).exists()]
    if missing:
        raise SourceError(
            "no such file or folder",
            path=", ".join(missing),
            hint="pass catalogue pages, record files or folders of them",
        )
    found = discover_source_names([Path(s) for s in sources])
    prefixes = {root: root_prefix(root) for root in {root for _, root, _ in found}}
    return [(file, root, f"{prefixes[root]}{name}") for file, root, name in found]


def root_prefix(root: Path) -> str:
    """Return the name prefix of files under ``root`` (its folder name and a slash)."""
    # The root folder's own name keeps two roots' "pages/x.txt" apart and reads well in messages.
    return f"{root.resolve().name}/" if root.is_dir() else ""


def file_status(path: Path | str) -> list[int]:
    """Return what a remembered hash is trusted by: size, modification and change times
    (ns), inode and device (see :class:`HashCache`)."""
    status = os.stat(path)
    return [status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino, status.st_dev]


def hash_file(path: Path | str, fingerprint: str) -> str:
    """Return the content hash of a file, salted with everything else that decides its triples."""
    digest = hashlib.sha256(fingerprint.encode())
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class HashCache:
    """Remembered content hashes of source files, trusted while a file's status is unchanged.

    As git's index does, a rebuild does not read and hash 10,000 unchanged
    files: it compares each file's status — size, modification and change
    times in nanoseconds, inode and device — with the status recorded when
    the hash was taken, and reuses the hash when all are equal. Why that is
    safe:

    - Writing a file's content changes its modification time *and* its change
      time (ctime), which no program can set back (``touch -d`` and
      ``os.utime`` set the modification time only, and even they move the
      change time); replacing a file (an editor's save, ``git checkout``,
      ``cp``) gives a new inode or a new change time.
    - Git's "racy clean" case: a file written twice within one tick of the
      file system clock, the second time after its hash was taken, keeps its
      status. So a hash is remembered only for a file whose change time is
      at least :attr:`SETTLED` seconds before the moment the hash was taken;
      newer files are hashed again on the next build.
    - Hashes are salted with the mapping fingerprint: the cache is kept for
      one fingerprint, and a new pgraph version or vocabulary empties it.
      Files are named as the build was given them, so the cache is kept for
      one working folder too (a build from another folder hashes again).

    The cache lives beside the store (``STORE.hash-cache.json``), is written
    atomically, and is only ever a shortcut to the hash: a missing, stale or
    unreadable cache means files are hashed, never that a change is missed.

    It also remembers the files that could not be read: their content hash
    with the error and warnings reading them gave. Such a file has no graph
    and so no stored hash, and every rebuild would read it again; while its
    hash is unchanged, :meth:`failure` gives back the same messages without
    reading it (the hash is salted with the fingerprint, so a new pgraph or
    vocabulary reads it again, and so does any edit).

    Example:
        >>> import tempfile
        >>> folder = Path(tempfile.mkdtemp())
        >>> page = folder / "a.txt"
        >>> _ = page.write_text("one")
        >>> cache = HashCache(folder / "store", "fingerprint")
        >>> cache.hash(page) == hash_file(page, "fingerprint")
        True
    """

    SETTLED = 2.0
    """Seconds a file must be unchanged before its hash is remembered (clock ticks, racy writes)."""

    def __init__(self, store_path: Path | None, fingerprint: str) -> None:
        self.path = (
            None if store_path is None
            else store_path.with_name(f"{store_path.name}.hash-cache.json")
        )
        self.fingerprint = fingerprint
        self.entries: dict[str, list] = {}
        self.kept: dict[str, list] = {}
        self.failed: dict[str, dict] = {}  # source name -> its hash, error and warnings
        self.failing: dict[str, dict] = {}  # the same, for this build's files
        self.hashed = self.reused = 0
        self.deferred: dict[str, str] = {}  # source name -> key, for files hashed by readers
        self._saved: tuple[dict, dict] | None = None
        if self.path is not None:
            try:
                data = read_json(self.path)
                if data.get("fingerprint") == fingerprint and data.get("folder") == os.getcwd():
                    self.entries = dict(data["files"])
                    self.failed = dict(data.get("failed", {}))
            except (OSError, ValueError, KeyError, TypeError, AttributeError):
                self.entries, self.failed = {}, {}

    def hash(self, path: Path | str) -> str:
        """Return the file's content hash (as :func:`hash_file`), from the cache when it may."""
        key = os.fspath(path)  # the cache is kept for one working folder (see __init__)
        status = file_status(path)
        entry = self.entries.get(key)
        if isinstance(entry, list) and entry[:-1] == status and isinstance(entry[-1], str):
            self.reused += 1
            self.kept[key] = entry
            return entry[-1]
        content_hash = hash_file(Path(path), self.fingerprint)
        self._remember(key, status, content_hash, time.time_ns())
        return content_hash

    def defer(self, path: Path | str, name: str) -> None:
        """Leave the file's hash to its reader; :meth:`note` remembers it."""
        self.deferred[name] = os.fspath(path)

    def _remember(self, key: str, status: list[int], content_hash: str, hashed_at: int) -> None:
        # ``status`` was taken before hashing, at ``hashed_at`` (ns): racy files are not kept.
        self.hashed += 1
        if hashed_at - status[2] >= self.SETTLED * 1e9:
            self.kept[key] = [*status, content_hash]

    def failure(self, name: str, content_hash: str) -> ReadResult | None:
        """Return what reading the file gave last time if it failed with this very content."""
        entry = self.failed.get(name)
        try:
            if entry is None or entry["hash"] != content_hash:
                return None
            kind, message, path, line, field_, hint = entry["error"]
            error_class = getattr(errors, kind)
            if not (isinstance(error_class, type) and issubclass(error_class, PgraphError)):
                return None
            error = error_class(message, path=path, line=line, field=field_, hint=hint)
            warnings = [Warning_(*w) for w in entry["warnings"]]
        except (KeyError, TypeError, ValueError, AttributeError):
            return None  # not what this version writes: read the file
        self.failing[name] = entry  # re-reported by this build: kept (as :meth:`note` keeps it)
        return ReadResult(name, content_hash, "", warnings=warnings, error=error)

    def note(self, results: Iterator[ReadResult]) -> Iterator[ReadResult]:
        """Yield the results, remembering the hashes readers took and the failures (for
        :meth:`failure` in the next build)."""
        for result in results:
            if result.hashed is not None:
                status, hashed_at = result.hashed
                self._remember(self.deferred[result.name], status, result.content_hash, hashed_at)
            if result.error is not None:
                error = result.error
                self.failing[result.name] = {
                    "hash": result.content_hash,
                    "error": [type(error).__name__, error.message, error.path, error.line,
                              error.field, error.hint],
                    "warnings": [[w.message, w.path, w.line, w.field, w.record_skipped]
                                 for w in result.warnings],
                }
            yield result

    def save(self) -> None:
        """Write the hashes of this build's files (and only theirs) beside the store.

        The failures kept are those this build read or re-reported (:meth:`note`).
        """
        if self.path is None or (
            self.kept == self.entries and self.hashed == 0 and self.failing == self.failed
        ) or self._saved == (self.kept, self.failing):  # as this build saved it already
            return
        try:
            kept = {"fingerprint": self.fingerprint, "folder": os.getcwd(), "files": self.kept,
                    "failed": self.failing}
            write_json(self.path, kept)
            self._saved = (dict(self.kept), dict(self.failing))
        except OSError:  # a shortcut only: a read-only or full disk must not fail the build
            pass


def mapping_fingerprint(base: str) -> str:
    """Return a hash of everything besides a file that decides its triples."""
    check_file_caches()  # the vocabularies, aliases … in use are those hashed here
    digest = hashlib.sha256(f"{__version__}\n{base}\n".encode())
    for path in mapping_files():
        digest.update(path.read_bytes())
    return digest.hexdigest()


def preload() -> Callable[[], None]:
    """Start loading what reading a page needs in a thread; return the function that waits.

    The language model (py3langid's, ~0.3 s to decompress) loads while the
    build finds and hashes files and reads the stored hashes; decompression
    releases the GIL, so on two cores it costs a one-page rebuild no wall
    time. Wait before any worker process starts: workers forked after the
    wait inherit the loaded model instead of loading their own (and no fork
    happens while the thread runs).

    Example:
        >>> wait = preload()
        >>> wait()
    """
    thread = threading.Thread(target=_preload, name="pgraph-preload", daemon=True)
    thread.start()
    return thread.join


def _preload() -> None:
    from pgraph.sources.page_fields import preload_language_model

    # A model that fails to load fails again, with its message, where a page needs it.
    with contextlib.suppress(Exception):
        preload_language_model()


def read_file(job: ReadJob, *, base: str) -> ReadResult:
    """Read one source file and map it; never raises for the file's content."""
    result = ReadResult(job.name, job.content_hash or "", job.graph)
    if job.content_hash is None:
        with contextlib.suppress(OSError):  # read_source says why the file cannot be read
            status = file_status(job.path)
            result.content_hash = hash_file(job.path, job.salt)
            result.hashed = (status, time.time_ns())
    # Messages and provenance use the root-prefixed name, e.g. "data/pages/x.txt".
    records = read_source(job.path, root=job.root, name=job.name)
    result.warnings = list(records.warnings)
    result.error, result.skipped = records.error, records.skipped
    if records.error is not None:
        return result
    graph = URIRef(job.graph)
    triples = [
        *records.triples,  # an RDF file's own statements
        (graph, PG.sourceFile, Literal(job.name)),
        (graph, PG.contentHash, Literal(result.content_hash)),
    ]
    mapped = None
    try:
        # The practices' triples come as N-Triples text (no rdflib term per value).
        mapped = map_practices(records.practices, base=base, as_text=True)
        context = f" {iri_text(job.graph)} .\n"
        lines = context.join(mapped.lines) + context if mapped.lines else ""
        result.nquads = lines + nquads(triples, job.graph)
    except ValueError as error:  # an IRI or language tag that Oxigraph refuses
        result.warnings += mapped.warnings if mapped is not None else []
        result.error = MappingError(f"cannot store the file's triples: {error}", path=job.name)
        return result
    result.warnings += mapped.warnings
    result.organisations = mapped.organisations
    result.bare_acronyms = mapped.bare_acronyms
    result.unresolved = mapped.unresolved
    result.triples = len(mapped.lines) + len(triples)
    result.practices = len(records.practices)
    return result


def in_file_order(
    entries: Sequence[ReadJob | ReadResult], results: Iterator[ReadResult]
) -> Iterator[ReadResult]:
    """Yield a result per entry: the entry itself when it is one, else the next of ``results``.

    ``results`` are those of the entries' jobs, in order (as :func:`read_files` yields them).
    """
    for entry in entries:
        yield entry if isinstance(entry, ReadResult) else next(results)


def _read_batch(jobs: list[ReadJob], base: str) -> list[ReadResult]:
    return [read_file(job, base=base) for job in jobs]


def read_files(
    jobs: Sequence[ReadJob], *, base: str, workers: int | None = None
) -> Iterator[ReadResult]:
    """Yield the result of each job, in order; in worker processes when there are many."""
    workers = workers or os.cpu_count() or 1
    if workers < 2 or len(jobs) < PARALLEL_THRESHOLD:
        for job in jobs:
            yield read_file(job, base=base)
        return
    batches = [list(jobs[i : i + BATCH_FILES]) for i in range(0, len(jobs), BATCH_FILES)]
    # Workers end with the build, however it ends (a SIGKILL included): none is left
    # asleep holding the store's files open.
    with ProcessPoolExecutor(
        max_workers=workers, initializer=die_with_parent, initargs=(os.getpid(),)
    ) as pool:
        pending: deque[Future] = deque()
        upcoming = iter(batches)
        for batch in upcoming:
            pending.append(pool.submit(_read_batch, batch, base))
            if len(pending) >= workers * BATCHES_IN_FLIGHT:
                break
        while pending:
            results = pending.popleft().result()
            batch = next(upcoming, None)
            if batch is not None:
                pending.append(pool.submit(_read_batch, batch, base))
            yield from results
