"""Build the knowledge graph: sources → records → RDF → store, incrementally.

Each source file becomes one named graph holding its practices and, about
the graph itself, the file's name and a content hash. A rebuild reads only
the files whose hash changed (or all of them when pgraph's vocabularies or
version changed), replaces their graphs in one transaction, drops the graphs
of files that disappeared, and records the build with PROV-O.

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
import hashlib
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef

from pgraph import __version__
from pgraph.errors import PgraphError, SourceError, Warning_
from pgraph.mapping import Iris, Triple, build_activity_triples, country_triples, map_practices
from pgraph.resources import data_dir, ontology_dir, vocabularies_dir
from pgraph.sources import discover_sources, read_source
from pgraph.store import add_triples, open_store, replace_graphs, store_lock
from pgraph.vocab import DEFAULT_BASE, PG, load_vocabulary_graph

PARALLEL_THRESHOLD = 64
"""Below this many changed files, reading in worker processes costs more than it saves."""


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

    ``strict`` stops at the first file that cannot be read; ``wait`` queues
    behind another build holding the store's lock instead of failing.
    """
    iris = Iris(base)
    started = dt.datetime.now(dt.UTC)
    with store_lock(store_path, wait=wait):
        store = open_store(store_path)
        report = BuildReport(store=store)
        fingerprint = _mapping_fingerprint(base)
        known = stored_source_hashes(store)
        files = _discover(sources)
        changed = []
        for path, root, name in files:
            content_hash = _hash_file(path, fingerprint)
            if known.get(name) == content_hash:
                report.unchanged.append(name)
            else:
                changed.append((path, root, name, content_hash))

        new_graphs: dict[URIRef, list[Triple]] = {}
        generated = []
        for result, content_hash in _read_all(changed, base=base, jobs=jobs):
            records, triples, warnings = result
            report.warnings += records.warnings + warnings
            if records.error is not None:
                if strict:
                    raise records.error
                report.errors.append(records.error)
                continue
            if records.skipped is not None:
                report.skipped.append(records.skipped)
            graph = iris.source_graph(records.name)
            triples += [
                (graph, PG.sourceFile, Literal(records.name)),
                (graph, PG.contentHash, Literal(content_hash)),
            ]
            new_graphs[graph] = triples
            generated.append((graph, records.name, content_hash))
            report.read.append(records.name)

        built_names = {name for _, _, name in files}
        roots = {_root_prefix(root) for _, root, _ in files} | {
            _root_prefix(Path(s)) for s in sources if Path(s).is_dir()
        }
        removed = [
            name for name in known
            if name not in built_names and any(name.startswith(prefix) for prefix in roots)
        ]
        report.removed = sorted(removed)

        if known.get(_VOCABULARY_KEY) != fingerprint:
            new_graphs[iris.graph("vocabularies")] = _vocabulary_triples(iris, fingerprint)
            new_graphs[iris.graph("ontology")] = list(Graph().parse(ontology_dir() / "pgraph.ttl"))
        build = URIRef(f"{iris.base}build/{started.strftime('%Y%m%dT%H%M%S%fZ')}")
        activity = build_activity_triples(
            build, started=started, ended=dt.datetime.now(dt.UTC), version=__version__,
            generated=generated,
        )
        replace_graphs(
            store,
            new_graphs,
            drop=[iris.source_graph(name) for name in removed],
        )
        add_triples(store, iris.graph("builds"), activity)
        _count(store, report)
    return report


# ---------------------------------------------------------------- reading


def _discover(sources: Sequence[Path]) -> list[tuple[Path, Path, str]]:
    """Return (file, root, name) per source file; names are prefixed by their root folder."""
    missing = [str(s) for s in sources if not Path(s).exists()]
    if missing:
        raise SourceError("no such file or folder", path=", ".join(missing),
                          hint="pass catalogue pages, record files or folders of them")
    return [
        (path, root, f"{_root_prefix(root)}{path.relative_to(root).as_posix()}")
        for path, root in discover_sources([Path(s) for s in sources])
    ]


def _root_prefix(root: Path) -> str:
    # The root folder's own name keeps two roots' "pages/x.txt" apart and reads well in messages.
    return f"{root.resolve().name}/" if root.is_dir() else ""


def _read_one(job: tuple[Path, Path, str, str], base: str):
    path, root, name, content_hash = job
    # Messages and provenance use the root-prefixed name, e.g. "data/pages/x.txt".
    records = read_source(path, root=root, name=name)
    triples, warnings = map_practices(records.practices, base=base)
    triples += records.triples  # an RDF file's own statements
    records.triples = []  # sent back from a worker once, not twice
    return (records, triples, warnings), content_hash


def _read_all(changed, *, base: str, jobs: int | None):
    workers = jobs or os.cpu_count() or 1
    if workers > 1 and len(changed) >= PARALLEL_THRESHOLD:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            yield from pool.map(_read_one, changed, [base] * len(changed), chunksize=32)
    else:
        for job in changed:
            yield _read_one(job, base)


def _hash_file(path: Path, fingerprint: str) -> str:
    digest = hashlib.sha256(fingerprint.encode())
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


_VOCABULARY_KEY = "(vocabularies)"


def _mapping_fingerprint(base: str) -> str:
    """Return a hash of everything besides a file that decides its triples."""
    digest = hashlib.sha256(f"{__version__}\n{base}\n".encode())
    files = [*sorted(vocabularies_dir().glob("*.ttl")), ontology_dir() / "pgraph.ttl"]
    files += [data_dir() / "aliases.yaml", data_dir() / "alignments.yaml"]
    for path in files:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _vocabulary_triples(iris: Iris, fingerprint: str) -> list[Triple]:
    graph = iris.graph("vocabularies")
    return [
        *load_vocabulary_graph(),
        *country_triples(),
        (graph, PG.sourceFile, Literal(_VOCABULARY_KEY)),
        (graph, PG.contentHash, Literal(fingerprint)),
    ]


# ---------------------------------------------------------------- store look-ups


def stored_source_hashes(store: ox.Store) -> dict[str, str]:
    """Return {source name: content hash} for every source graph in the store."""
    rows = store.query(
        f"SELECT ?name ?hash WHERE {{ GRAPH ?g {{ ?g <{PG.sourceFile}> ?name ; "
        f"<{PG.contentHash}> ?hash }} }}"
    )
    return {row["name"].value: row["hash"].value for row in rows}


_COUNTS = """
PREFIX pg: <https://w3id.org/pgraph/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
SELECT
  (COUNT(DISTINCT ?practice) AS ?practices)
  (COUNT(DISTINCT ?organisation) AS ?organisations)
  (COUNT(DISTINCT ?membership) AS ?memberships)
WHERE {
  { ?practice a pg:Practice } UNION { ?organisation a org:Organization }
  UNION { ?membership a org:Membership }
}
"""


def _count(store: ox.Store, report: BuildReport) -> None:
    row = next(iter(store.query(_COUNTS, use_default_graph_as_union=True)))
    report.practices = int(row["practices"].value)
    report.organisations = int(row["organisations"].value)
    report.memberships = int(row["memberships"].value)
    report.triples = len(store)
