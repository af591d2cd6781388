"""Build the knowledge graph: sources → records → RDF → store, incrementally.

Each source file becomes one named graph holding its practices and, about
the graph itself, the file's name and a content hash. Partner organisations,
shared by many files, are described once in the organisations graph
(``pgraph.build.organisations``), and so are unmapped concepts and unresolved
Acts, in the graph of unresolved values (``pgraph.build.unresolved``). A rebuild reads only
the files whose hash changed (or all of them when pgraph's vocabularies or
version changed), replaces their graphs, drops the graphs of files that
disappeared, and records the build with PROV-O — all or nothing: a build
killed at any point leaves the store as it was (see ``pgraph.build.writing``).

Files are read and mapped on every core (``pgraph.build.reading``) and their
triples streamed to Oxigraph's bulk loader as N-Quads, so memory stays
bounded whatever the number of files.

A file that cannot be read is reported and its previous graph is kept: a bad
edit never loses what was stored.

Example:
    >>> from pgraph.resources import data_dir
    >>> report = build_catalogue([data_dir() / "pages"], store_path=None)
    >>> report.practices >= 1, report.errors
    (True, [])
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDFS, Graph, Literal, URIRef

from pgraph import __version__, progress
from pgraph.build.organisations import organisation_change
from pgraph.build.provenance import superseded_provenance
from pgraph.build.reading import (
    HashCache,
    ReadJob,
    ReadResult,
    discover_files,
    in_file_order,
    mapping_fingerprint,
    preload,
    read_files,
    root_prefix,
)
from pgraph.build.report import update_kept_report
from pgraph.build.unresolved import unresolved_change
from pgraph.errors import PgraphError, SourceError, Warning_
from pgraph.mapping import (
    BareAcronym,
    Iris,
    Triple,
    add_mentions,
    build_activity_triples,
    country_triples,
)
from pgraph.resources import ontology_dir
from pgraph.stats import resource_counts, stored_stats
from pgraph.store import Commit, Store, Transaction, begin, nquads, open_store, writing
from pgraph.store.sources import source_graphs
from pgraph.vocab import DEFAULT_BASE, PG, VOCABULARIES_SOURCE, load_vocabulary_graph

__all__ = ["BuildReport", "build_catalogue", "stored_source_graphs"]


@dataclass
class BuildReport:
    """What a build did: counts, warnings, errors, and where the store is."""

    store_path: Path | None = None
    read: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    warnings: list[Warning_] = field(default_factory=list)
    errors: list[PgraphError] = field(default_factory=list)
    practices: int = 0
    organisations: int = 0
    generic_partners: int = 0
    memberships: int = 0
    triples: int = 0
    changed_graphs: list[str] = field(default_factory=list)  # replaced, added or dropped
    notes: list[str] = field(default_factory=list)
    """What the build did to partner names: acronyms resolved, organisation IRIs retired."""
    phases: dict[str, dict[str, float]] = field(default_factory=dict)
    """Where the time went: per phase, its ``seconds``, the build process's ``cpu`` and its
    ``workers_cpu`` (the reading processes, counted when they end), in seconds."""
    _store: Store | None = field(default=None, repr=False)

    @contextmanager
    def timed(self, phase: str) -> Iterator[None]:
        """Add the wall and CPU time of the ``with`` block to :attr:`phases` under ``phase``.

        Example:
            >>> report = BuildReport()
            >>> with report.timed("nothing"):
            ...     pass
            >>> sorted(report.phases["nothing"])
            ['cpu', 'seconds', 'workers_cpu']
        """
        start, before = time.perf_counter(), os.times()
        try:
            yield
        finally:
            after = os.times()
            own = after.user + after.system - before.user - before.system
            workers = (after.children_user + after.children_system
                       - before.children_user - before.children_system)
            self.phases[phase] = {
                "seconds": round(time.perf_counter() - start, 3),
                "cpu": round(max(own, 0.0), 3),  # never "-0.00" from the clocks' rounding
                "workers_cpu": round(max(workers, 0.0), 3),
            }

    @property
    def store(self) -> Store:
        """The built store: the in-memory one, or the on-disk one opened read-only."""
        if self._store is None:
            self._store = open_store(self.store_path, read_only=True)
        return self._store

    def summary(self) -> str:
        """Return the one-paragraph summary ``pgraph build`` prints."""
        return (
            f"{self.practices} practices, {self.organisations} organisations, "
            f"{self.generic_partners} generic partners, {self.memberships} memberships, "
            f"{self.triples} triples; "
            f"{len(self.read)} files read, {len(self.unchanged)} unchanged, "
            f"{len(self.removed)} removed, {len(self.skipped)} skipped; "
            f"{len(self.warnings)} warnings, {len(self.errors)} errors"
        )


@dataclass
class _Read:
    """What the files read gave: their graphs, and what they say about shared nodes."""

    written: list[ReadResult] = field(default_factory=list)
    organisations: dict[URIRef, Counter[str]] = field(default_factory=dict)
    """Organisation -> the names the files give it."""
    bare: list[tuple[str, BareAcronym]] = field(default_factory=list)
    """Memberships naming a partner by an acronym alone, with their graph."""
    unresolved: dict[URIRef, Counter[str]] = field(default_factory=dict)
    """Unmapped concept or unresolved Act -> its forms, counted once per file."""


@dataclass
class _Plan:
    """What a build has to do, from the files found and what the store holds."""

    fingerprint: str
    known: dict[str, tuple[str, str]]  # name -> (graph, hash), as stored
    changed: list[tuple[Path, Path, str, str | None]]  # (file, root, name, hash) to read
    vocabulary_changed: bool
    hashes: HashCache | None = None
    remembered: dict[str, ReadResult] = field(default_factory=dict)
    """Changed files that failed with the same content last time: re-reported, not re-read."""

    @property
    def changes(self) -> int:
        return len(self.changed) - len(self.remembered) + 2 * self.vocabulary_changed


def build_catalogue(
    sources: Sequence[Path],
    *,
    store_path: Path | None,
    base: str = DEFAULT_BASE,
    strict: bool = False,
    wait: bool = False,
    jobs: int | None = None,
) -> BuildReport:
    """Build the sources (files or folders) into the store at ``store_path`` (None: in memory).

    ``strict`` stops at the first file that cannot be read (the store keeps
    its previous state); ``wait`` queues behind another build holding the
    store's lock instead of failing; ``jobs`` is the number of worker
    processes (default: one per core). The on-disk store is closed when the
    build returns; ``report.store`` opens it read-only.
    """
    iris = Iris(base)
    started = dt.datetime.now(dt.UTC)
    report = BuildReport(store_path=store_path)
    preloaded = preload()  # the language model loads while the files are found and hashed
    with writing(store_path, wait=wait) as store:
        try:
            with report.timed("hashing files"):
                plan = _plan(store, sources, iris, base, report, strict=strict)
        finally:
            preloaded()  # before any worker forks
        transaction = begin(
            store, changes=plan.changes + len(report.removed), stored_graphs=len(plan.known)
        )
        with report.timed("reading and loading"):
            read = _write(transaction, plan, iris, base, report, strict=strict, jobs=jobs)
        with report.timed("shared graphs"):
            change = _commit_for(store, plan, iris, read, report, started)
        with report.timed("commit"):
            transaction.commit(change)
        report.changed_graphs = change.changed_graphs
        _count(store, report)
        if store_path is None:
            report._store = store
        else:
            stored = (set(plan.known) - set(report.removed)) | set(report.read)
            update_kept_report(store_path, report, kept_names=stored)
    return report


def _plan(
    store: Store, sources: Sequence[Path], iris: Iris, base: str, report: BuildReport, *,
    strict: bool,
) -> _Plan:
    """Return what to read: the files whose hash changed; note the unchanged and removed ones."""
    fingerprint = mapping_fingerprint(base)
    known = stored_source_graphs(store)
    files = discover_files(sources)  # each file as text: a Path for the changed ones only
    clashing = _clashing_names(files, iris, report, strict=strict)
    changed: list[tuple[Path, Path, str, str | None]] = []
    remembered = {}
    hashes = HashCache(store.path, fingerprint)
    vocabulary_changed = known.get(VOCABULARIES_SOURCE, (None, None))[1] != fingerprint
    # No stored hash can match (none stored, or all salted with another fingerprint):
    # every file is read, and hashed by its reader, on every core.
    read_all = not known or vocabulary_changed
    for path, root, name in files:
        if name in clashing:
            continue
        if read_all:
            hashes.defer(path, name)
            changed.append((Path(path), root, name, None))
            continue
        content_hash = hashes.hash(path)
        if name in known and known[name][1] == content_hash:
            report.unchanged.append(name)
        else:
            changed.append((Path(path), root, name, content_hash))
            if (failure := hashes.failure(name, content_hash)) is not None:
                remembered[name] = failure
    if not read_all:  # else nothing is hashed yet
        hashes.save()
    built = {name for _, _, name in files}
    roots = {root_prefix(root) for root in {root for _, root, _ in files}} | {
        root_prefix(Path(s)) for s in sources if Path(s).is_dir()
    }
    report.removed = sorted(
        name
        for name in known
        if name not in built and any(name.startswith(prefix) for prefix in roots)
    )
    if not files and not report.removed:
        # Nothing to read and nothing stored from there to remove: a wrong folder, most likely.
        # (A folder whose pages were all deleted builds: its graphs are removed.)
        raise SourceError(
            "no catalogue pages or records found",
            path=", ".join(str(s) for s in sources),
            hint="pass .txt pages, .yaml/.json/.csv records, RDF files, or folders of them",
        )
    return _Plan(fingerprint, known, changed, vocabulary_changed, hashes, remembered)


def _write(
    transaction: Transaction, plan: _Plan, iris: Iris, base: str, report: BuildReport, *,
    strict: bool, jobs: int | None,
) -> _Read:
    """Read and map the changed files into the transaction; return what they gave."""
    entries = [
        plan.remembered.get(name) or ReadJob(path, root, name, content_hash,
                                             str(iris.source_graph(name)), plan.fingerprint)
        for path, root, name, content_hash in plan.changed
    ]
    jobs_to_read = [entry for entry in entries if isinstance(entry, ReadJob)]
    read = _Read()
    stopped: list[PgraphError] = []  # strict: the first error, raised once the writer is done
    try:
        transaction.write(
            _chunks(
                plan.hashes.note(in_file_order(entries, progress.track(
                    read_files(jobs_to_read, base=base, workers=jobs),
                    "build: reading files", total=len(jobs_to_read), unit="file"))),
                report,
                read,
                stop_at=stopped if strict else None,
            )
        )
        if plan.vocabulary_changed and not stopped:
            transaction.write(_own_graphs(iris, plan.fingerprint))
        if stopped:
            raise stopped[0]
    except BaseException:
        transaction.abort()
        raise
    plan.hashes.save()  # with the files that failed
    return read


def _commit_for(
    store: Store, plan: _Plan, iris: Iris, read: _Read, report: BuildReport,
    started: dt.datetime,
) -> Commit:
    """Return the commit: graphs replaced and dropped, the shared graphs' change, provenance."""
    written = read.written
    replaced = [r.graph for r in written]  # the job's graph: iris.source_graph(r.name)
    if plan.vocabulary_changed:
        replaced += [str(iris.graph("vocabularies")), str(iris.graph("ontology"))]
    dropped = [plan.known[name][0] for name in report.removed]
    leaving = {*replaced, *dropped}
    organisations = organisation_change(
        store, iris, read.organisations, leaving=leaving, bare_acronyms=read.bare
    )
    unresolved_removed, unresolved_added = unresolved_change(
        store, iris, read.unresolved, leaving=leaving
    )
    report.notes = organisations.notes
    build = URIRef(f"{iris.base}build/{started.strftime('%Y%m%dT%H%M%S%fZ')}")
    # Provenance keeps the last build of each source: a build that reads nothing
    # records nothing, so the store stays byte-for-byte the same.
    activity = [*build_activity_triples(
        build,
        started=started,
        ended=dt.datetime.now(dt.UTC),
        version=__version__,
        generated=[(URIRef(r.graph), r.name, r.content_hash) for r in written],
    ), (iris.graph("builds"), RDFS.label, Literal("graph of the builds"))] if written else []
    superseded = superseded_provenance(store, str(iris.graph("builds")), [*replaced, *dropped])
    return Commit(
        replaced,
        dropped,
        provenance=(str(iris.graph("builds")), activity),
        removed=organisations.removed + unresolved_removed + superseded,
        added=organisations.added + unresolved_added,
        build=str(build),
    )


def _clashing_names(
    files: list[tuple[str, Path, str]], iris: Iris, report: BuildReport, *, strict: bool
) -> set[str]:
    """Return the names whose graph is another file's graph ("a b.txt" and "a-b.txt"), reported.

    Two files sharing a graph would merge, and deleting one would drop the
    other: the first (in name order) is built, the others refused until renamed.
    """
    owners: dict[str, str] = {}  # by the graph's key: the graph's IRI only for a clash
    clashing: set[str] = set()
    for _, _, name in files:
        first = owners.setdefault(iris.source_key(name), name)
        if first != name:
            error = SourceError(
                f'its graph <{iris.source_graph(name)}> is the graph of "{first}" already'
                " (the names differ only in case, spaces or punctuation); not built",
                path=name,
                hint="rename one of the two files",
            )
            if strict:
                raise error
            report.errors.append(error)
            clashing.add(name)
    return clashing


def _chunks(
    results: Iterator[ReadResult],
    report: BuildReport,
    read: _Read,
    *,
    stop_at: list[PgraphError] | None,
) -> Iterator[bytes]:
    """Yield each readable file's N-Quads for the bulk loader; note what each file gave.

    With ``stop_at``, the first file that cannot be read ends the stream and lands there.
    """
    for result in results:
        report.warnings += result.warnings
        if result.error is not None:
            if stop_at is not None:
                stop_at.append(result.error)
                return
            report.errors.append(result.error)
            continue
        if result.skipped is not None:
            report.skipped.append(result.skipped)
        report.read.append(result.name)
        read.written.append(ReadResult(result.name, result.content_hash, result.graph))
        add_mentions(read.organisations, result.organisations)  # the partners it names
        read.bare += [(result.graph, mention) for mention in result.bare_acronyms]
        add_mentions(read.unresolved, result.unresolved)  # each form once per file
        yield result.nquads.encode()


def _own_graphs(iris: Iris, fingerprint: str) -> Iterator[bytes]:
    """Yield the vocabularies and ontology graphs as N-Quads."""
    vocabularies = iris.graph("vocabularies")
    triples: list[Triple] = [
        *load_vocabulary_graph(),
        *country_triples(),
        (vocabularies, PG.sourceFile, Literal(VOCABULARIES_SOURCE)),
        (vocabularies, PG.contentHash, Literal(fingerprint)),
        (vocabularies, RDFS.label, Literal("graph of the vocabularies")),
        (iris.graph("organisations"), RDFS.label, Literal("graph of the organisations")),
    ]
    yield nquads(triples, str(vocabularies)).encode()
    ontology = Graph().parse(ontology_dir() / "pgraph.ttl")
    ontology.add((iris.graph("ontology"), RDFS.label, Literal("graph of the ontology")))
    yield nquads(ontology, str(iris.graph("ontology"))).encode()


# ---------------------------------------------------------------- store look-ups


def stored_source_graphs(store: Store) -> dict[str, tuple[str, str]]:
    """Return {source name: (graph IRI, content hash)} for every source graph in the store."""
    return {name: (graph, content_hash) for graph, name, content_hash in source_graphs(store)}


def _count(store: Store, report: BuildReport) -> None:
    # The figures the commit kept for pgraph stats (pgraph.stats), else counted.
    kept = stored_stats(store.path) if store.path is not None else None
    counts = kept if kept is not None else resource_counts(store)
    report.practices = counts["practices"]
    report.organisations = counts["organisations"]
    report.generic_partners = counts["generic_partners"]
    report.memberships = counts["memberships"]
    report.triples = kept["triples"] if kept is not None else len(store)
