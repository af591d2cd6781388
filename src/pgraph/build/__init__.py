"""Build the knowledge graph: sources → records → RDF → store, incrementally.

Each source file becomes one named graph holding its practices and, about
the graph itself, the file's name and a content hash. Partner organisations,
shared by many files, are described once in the organisations graph
(``pgraph.build.organisations``). A rebuild reads only
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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef

from pgraph import __version__, progress
from pgraph.build.nquads import nquads
from pgraph.build.organisations import organisation_change
from pgraph.build.reading import (
    ReadJob,
    ReadResult,
    discover,
    hash_file,
    mapping_fingerprint,
    read_files,
    root_prefix,
)
from pgraph.build.writing import Commit, InPlace, choose_writer
from pgraph.errors import PgraphError, SourceError, Warning_
from pgraph.mapping import Iris, Triple, add_mentions, build_activity_triples, country_triples
from pgraph.resources import ontology_dir
from pgraph.shacl.state import ChangeTracker, mark_full, state_path
from pgraph.stats import resource_counts
from pgraph.store import open_store, store_lock
from pgraph.validate import compiled_plan
from pgraph.vocab import DEFAULT_BASE, PG, load_vocabulary_graph

__all__ = ["BuildReport", "build_catalogue", "stored_source_graphs", "stored_source_hashes"]


@dataclass
class BuildReport:
    """What a build did: counts, warnings, errors, and the open store."""

    store: ox.Store
    read: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    warnings: list[Warning_] = field(default_factory=list)
    errors: list[PgraphError] = field(default_factory=list)
    practices: int = 0
    organisations: int = 0
    memberships: int = 0
    triples: int = 0
    changed_graphs: list[str] = field(default_factory=list)  # replaced, added or dropped

    def summary(self) -> str:
        """Return the one-paragraph summary ``pgraph build`` prints."""
        return (
            f"{self.practices} practices, {self.organisations} organisations, "
            f"{self.memberships} memberships, {self.triples} triples; "
            f"{len(self.read)} files read, {len(self.unchanged)} unchanged, "
            f"{len(self.removed)} removed, {len(self.skipped)} skipped; "
            f"{len(self.warnings)} warnings, {len(self.errors)} errors"
        )


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
    processes (default: one per core).
    """
    iris = Iris(base)
    started = dt.datetime.now(dt.UTC)
    with store_lock(store_path, wait=wait):
        store = open_store(store_path)
        report = BuildReport(store=None)  # type: ignore[arg-type]  # set once the build is in
        fingerprint = mapping_fingerprint(base)
        known = stored_source_graphs(store)  # name -> (graph, hash)
        files = discover(sources)
        clashing = _clashing_names(files, iris, report, strict=strict)
        changed = []
        for path, root, name in files:
            if name in clashing:
                continue
            content_hash = hash_file(path, fingerprint)
            if name in known and known[name][1] == content_hash:
                report.unchanged.append(name)
            else:
                changed.append((path, root, name, content_hash))

        built = {name for _, _, name in files}
        roots = {root_prefix(root) for root in {root for _, root, _ in files}} | {
            root_prefix(Path(s)) for s in sources if Path(s).is_dir()
        }
        report.removed = sorted(
            name
            for name in known
            if name not in built and any(name.startswith(prefix) for prefix in roots)
        )
        vocabulary_changed = known.get(_VOCABULARY_KEY, (None, None))[1] != fingerprint
        writer = choose_writer(
            store,
            store_path,
            changes=len(changed) + len(report.removed) + 2 * vocabulary_changed,
            stored_graphs=len(known),
        )
        jobs_to_read = [
            ReadJob(
                path,
                root,
                name,
                content_hash,
                writer.graph_for(str(iris.source_graph(name)), exists=name in known),
            )
            for path, root, name, content_hash in changed
        ]
        written: list[ReadResult] = []
        mentions: dict[URIRef, set[str]] = {}  # organisation -> names, in the files read
        stopped: list[PgraphError] = []  # strict: the first error, raised once the writer is done
        try:
            writer.write(
                _chunks(
                    progress.track(read_files(jobs_to_read, base=base, workers=jobs),
                                   "build: reading files", total=len(jobs_to_read), unit="file"),
                    report,
                    written,
                    mentions,
                    stop_at=stopped if strict else None,
                )
            )
            if vocabulary_changed and not stopped:
                writer.write(
                    _own_graphs(iris, fingerprint, writer, exists=_VOCABULARY_KEY in known)
                )
            if stopped:
                raise stopped[0]
        except BaseException:
            writer.abort()
            # The traceback keeps this frame: it must not keep the store open too.
            store = writer = None  # type: ignore[assignment]
            raise
        replaced = [str(iris.source_graph(r.name)) for r in written]
        if vocabulary_changed:
            replaced += [str(iris.graph("vocabularies")), str(iris.graph("ontology"))]
        dropped = [known[name][0] for name in report.removed]
        organisations = organisation_change(
            store, str(iris.graph("organisations")), mentions, leaving={*replaced, *dropped}
        )
        activity = build_activity_triples(
            URIRef(f"{iris.base}build/{started.strftime('%Y%m%dT%H%M%S%fZ')}"),
            started=started,
            ended=dt.datetime.now(dt.UTC),
            version=__version__,
            generated=[(iris.source_graph(r.name), r.name, r.content_hash) for r in written],
        )
        tracker = _change_tracker(
            writer, store, store_path, replaced, dropped, known, organisations.organisations
        )
        del store  # a writer that swaps store folders must hold the only reference
        store = writer.commit(
            Commit(
                replaced,
                dropped,
                provenance=(str(iris.graph("builds")), activity),
                removed=organisations.removed,
                added=organisations.added,
            )
        )
        if tracker is not None:
            tracker.finish(store)
        report.store = store
        report.changed_graphs = [*replaced, *dropped]
        _count(store, report)
    return report


def _clashing_names(
    files: list[tuple[Path, Path, str]], iris: Iris, report: BuildReport, *, strict: bool
) -> set[str]:
    """Return the names whose graph is another file's graph ("a b.txt" and "a-b.txt"), reported.

    Two files sharing a graph would merge, and deleting one would drop the
    other: the first (in name order) is built, the others refused until renamed.
    """
    owners: dict[URIRef, str] = {}
    clashing: set[str] = set()
    for _, _, name in files:
        first = owners.setdefault(iris.source_graph(name), name)
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


def _change_tracker(writer, store, store_path, replaced, dropped, known, organisations):
    """Return what notes the nodes an incremental validation must check again (None: all)."""
    if store_path is None or not state_path(store_path).exists():
        return None
    plan = compiled_plan()
    if plan is None or not isinstance(writer, InPlace):
        mark_full(state_path(store_path))
        return None
    existing = {graph for graph, _ in known.values()}
    old = [g for g in [*replaced, *dropped] if g in existing]
    staged = [writer.graph_for(g, exists=True) for g in replaced]
    return ChangeTracker(plan, store, state_path(store_path), old, staged, organisations)


def _chunks(
    results: Iterator[ReadResult],
    report: BuildReport,
    written: list[ReadResult],
    mentions: dict[URIRef, set[str]],
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
        written.append(ReadResult(result.name, result.content_hash, result.graph))
        add_mentions(mentions, result.organisations)  # the partners it names
        yield result.nquads.encode()


_VOCABULARY_KEY = "(vocabularies)"


def _own_graphs(iris: Iris, fingerprint: str, writer, *, exists: bool) -> Iterator[bytes]:
    """Yield the vocabularies and ontology graphs as N-Quads."""
    vocabularies = iris.graph("vocabularies")
    triples: list[Triple] = [
        *load_vocabulary_graph(),
        *country_triples(),
        (vocabularies, PG.sourceFile, Literal(_VOCABULARY_KEY)),
        (vocabularies, PG.contentHash, Literal(fingerprint)),
    ]
    yield nquads(triples, writer.graph_for(str(vocabularies), exists=exists)).encode()
    ontology = Graph().parse(ontology_dir() / "pgraph.ttl")
    yield nquads(ontology, writer.graph_for(str(iris.graph("ontology")), exists=exists)).encode()


# ---------------------------------------------------------------- store look-ups


def stored_source_graphs(store: ox.Store) -> dict[str, tuple[str, str]]:
    """Return {source name: (graph IRI, content hash)} for every source graph in the store."""
    rows = store.query(
        f"SELECT ?g ?name ?hash WHERE {{ GRAPH ?g {{ ?g <{PG.sourceFile}> ?name ; "
        f"<{PG.contentHash}> ?hash }} }}"
    )
    return {row["name"].value: (row["g"].value, row["hash"].value) for row in rows}


def stored_source_hashes(store: ox.Store) -> dict[str, str]:
    """Return {source name: content hash} for every source graph in the store."""
    return {name: content_hash for name, (_, content_hash) in stored_source_graphs(store).items()}


def _count(store: ox.Store, report: BuildReport) -> None:
    counts = resource_counts(store)
    report.practices = counts["practices"]
    report.organisations = counts["organisations"]
    report.memberships = counts["memberships"]
    report.triples = len(store)
