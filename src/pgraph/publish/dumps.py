"""Dumps of the store in every common RDF syntax, deterministic where diffs matter.

Turtle and N-Triples hold the *merge* of the selected graphs (a triple in two
graphs is written once); N-Quads, TriG and JSON-LD keep the named graphs;
RDF/XML, like Turtle, holds the merge. Turtle and N-Triples are sorted, with a
fixed prefix table and blank nodes relabelled by RDFC-1.0, so the same graph
always gives the same bytes and release diffs are readable. JSON-LD is
compacted with ``ontology/context.jsonld``, embedded in the document (so a
reader never fetches a remote context).

Example:
    >>> import io, pyoxigraph as ox
    >>> store = ox.Store()
    >>> g = ox.NamedNode("https://example.org/graph")
    >>> store.add(ox.Quad(ox.NamedNode("https://example.org/b"),
    ...                   ox.NamedNode("http://purl.org/dc/terms/title"), ox.Literal("B"), g))
    >>> store.add(ox.Quad(ox.NamedNode("https://example.org/a"),
    ...                   ox.NamedNode("http://purl.org/dc/terms/title"), ox.Literal("A"), g))
    >>> out = io.BytesIO()
    >>> dump = write_dump(store, out, "ntriples")
    >>> print(out.getvalue().decode(), end="")
    <https://example.org/a> <http://purl.org/dc/terms/title> "A" .
    <https://example.org/b> <http://purl.org/dc/terms/title> "B" .
    >>> dump.triples, dump.byte_size
    (2, 126)
"""

from __future__ import annotations

import contextlib
import gzip as gzip_module
import hashlib
import io
import itertools
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from pgraph import progress
from pgraph.errors import PublishError
from pgraph.publish.sorting import ExternalSort
from pgraph.vocab import prefixes

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

PREFIXES: dict[str, str] = prefixes(
    "rdf", "rdfs", "owl", "xsd", "dcterms", "skos", "org", "prov", "schema", "eli", "dcat",
    "void", "foaf", "spdx", "pg", "wd",
)
"""The fixed prefix table of Turtle, TriG and RDF/XML dumps.

Only namespaces whose local names are plain words: ``pgv:country/GB`` would
need an escaped slash, so our slash namespaces are written as full IRIs.
"""


class DumpFormat(StrEnum):
    """The RDF syntaxes pgraph writes."""

    TURTLE = "turtle"
    NTRIPLES = "ntriples"
    NQUADS = "nquads"
    TRIG = "trig"
    JSONLD = "jsonld"
    RDFXML = "rdfxml"

    @property
    def extension(self) -> str:
        return _FORMAT_INFO[self][0]

    @property
    def media_type(self) -> str:
        return _FORMAT_INFO[self][1]

    @property
    def keeps_graphs(self) -> bool:
        """True for the dataset syntaxes (N-Quads, TriG, JSON-LD) that keep named graphs."""
        return self in (DumpFormat.NQUADS, DumpFormat.TRIG, DumpFormat.JSONLD)

    @property
    def oxigraph_format(self) -> ox.RdfFormat:
        return _FORMAT_INFO[self][2]

    @classmethod
    def parse(cls, value: str | DumpFormat) -> DumpFormat:
        """Return the format named ``value`` (a name, an extension or a media type)."""
        if isinstance(value, DumpFormat):
            return value
        wanted = value.strip().lower().lstrip(".")
        for fmt in cls:
            if wanted in (fmt.value, fmt.extension, fmt.media_type) or wanted in _ALIASES.get(
                fmt, ()
            ):
                return fmt
        names = ", ".join(f.value for f in cls)
        raise PublishError(f'unknown dump format "{value}"', hint=f"choose one of {names}")


_FORMAT_INFO = {
    DumpFormat.TURTLE: ("ttl", "text/turtle", ox.RdfFormat.TURTLE),
    DumpFormat.NTRIPLES: ("nt", "application/n-triples", ox.RdfFormat.N_TRIPLES),
    DumpFormat.NQUADS: ("nq", "application/n-quads", ox.RdfFormat.N_QUADS),
    DumpFormat.TRIG: ("trig", "application/trig", ox.RdfFormat.TRIG),
    DumpFormat.JSONLD: ("jsonld", "application/ld+json", ox.RdfFormat.JSON_LD),
    DumpFormat.RDFXML: ("rdf", "application/rdf+xml", ox.RdfFormat.RDF_XML),
}
_ALIASES = {
    DumpFormat.TURTLE: ("ttl",),
    DumpFormat.NTRIPLES: ("n-triples", "nt"),
    DumpFormat.NQUADS: ("n-quads", "nq"),
    DumpFormat.JSONLD: ("json-ld", "json"),
    DumpFormat.RDFXML: ("rdf/xml", "xml", "owl"),
}


@dataclass(frozen=True)
class Dump:
    """What one dump holds and how it is written: what a DCAT distribution describes."""

    format: DumpFormat
    path: Path | None
    gzip: bool
    triples: int
    """Statements written: distinct triples (graph syntaxes) or quads (dataset syntaxes)."""
    graphs: tuple[str, ...]
    byte_size: int
    sha256: str

    @property
    def media_type(self) -> str:
        return self.format.media_type

    @property
    def file_name(self) -> str:
        return self.path.name if self.path else dump_file_name(self.format, gzip=self.gzip)


def dump_file_name(fmt: DumpFormat | str, *, gzip: bool = False, stem: str = "pgraph") -> str:
    """Return the conventional file name of a dump, e.g. ``pgraph.ttl.gz``.

    Example:
        >>> dump_file_name("jsonld", gzip=True)
        'pgraph.jsonld.gz'
    """
    fmt = DumpFormat.parse(fmt)
    return f"{stem}.{fmt.extension}" + (".gz" if gzip else "")


def write_dump(
    store: ox.Store,
    path_or_stream: str | os.PathLike[str] | IO[bytes],
    fmt: DumpFormat | str,
    *,
    graphs: Iterable[str] | None = None,
    gzip: bool = False,
) -> Dump:
    """Return what was written after writing the store (or some named graphs) in ``fmt``.

    A file is written to a temporary name beside it and renamed when complete,
    so a failure never leaves a half-written dump. ``graphs`` selects named
    graphs by IRI (default: every graph, the default graph included).
    """
    fmt = DumpFormat.parse(fmt)
    selected = _select_graphs(store, graphs)
    source = _store_graphs(store, selected)
    if isinstance(path_or_stream, str | os.PathLike):
        path = Path(path_or_stream)
        return _write_file_atomically(path, source, fmt, selected, gzip=gzip)
    return _write_stream(path_or_stream, None, source, fmt, selected, gzip=gzip)


def write_triples(
    triples: Iterable[ox.Triple],
    path_or_stream: str | os.PathLike[str] | IO[bytes],
    fmt: DumpFormat | str = DumpFormat.TURTLE,
) -> Dump:
    """Return what was written after writing triples (sorted, as in a dump) in ``fmt``."""
    fmt = DumpFormat.parse(fmt)
    source = _triples_source(triples)
    if isinstance(path_or_stream, str | os.PathLike):
        return _write_file_atomically(Path(path_or_stream), source, fmt, [], gzip=False)
    return _write_stream(path_or_stream, None, source, fmt, [], gzip=False)


def write_dumps(
    store: ox.Store,
    directory: str | os.PathLike[str],
    formats: Sequence[DumpFormat | str] = tuple(DumpFormat),
    *,
    graphs: Iterable[str] | None = None,
    gzip: bool = False,
    stem: str = "pgraph",
) -> list[Dump]:
    """Return the dumps written into ``directory``: one file per format, named ``stem.ext[.gz]``.

    With several formats the store is read once: its graphs are copied into
    a temporary N-Quads file that each format then parses, four times faster
    than decoding the store again (``bench/RESULTS.md``, round five).
    """
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    fmts = [DumpFormat.parse(f) for f in formats]
    selected = _select_graphs(store, None if graphs is None else list(graphs))
    with contextlib.ExitStack() as stack:
        if len(fmts) > 1:
            spool = stack.enter_context(tempfile.TemporaryFile(prefix="pgraph-dump-"))
            source = _spooled_graphs(store, selected, spool)
        else:
            source = _store_graphs(store, selected)
        return [
            _write_file_atomically(folder / dump_file_name(fmt, gzip=gzip, stem=stem), source,
                                   fmt, selected, gzip=gzip)
            for fmt in fmts
        ]


def file_digest(path: str | os.PathLike[str]) -> tuple[int, str]:
    """Return the byte size and SHA-256 (hex) of a file."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    return size, digest.hexdigest()


# ---------------------------------------------------------------- selection


def _select_graphs(store: ox.Store, graphs: Iterable[str] | None) -> list[ox.NamedNode] | None:
    if graphs is None:
        return None
    present = {g.value for g in store.named_graphs()}
    selected = []
    for iri in graphs:
        iri = str(iri)
        if iri not in present:
            raise PublishError(f"no graph <{iri}> in the store", field="graph",
                               hint="list the store's graphs with `pgraph dump --list-graphs`")
        selected.append(ox.NamedNode(iri))
    return selected


Graph = ox.NamedNode | ox.DefaultGraph
GraphQuads = Callable[[], Iterator[tuple[Graph, list[ox.Quad]]]]
"""A source of statements: called once per dump, yields each graph with its quads."""


def _store_graphs(store: ox.Store, graphs: list[ox.NamedNode] | None) -> GraphQuads:
    """Return the source of the selected graphs' quads, in bounded pieces, blank nodes canonical.

    A graph of at most :data:`GRAPH_CHUNK` statements comes whole; a larger
    one without blank nodes comes as consecutive pieces of ``GRAPH_CHUNK``
    (the writers sort anyway; JSON-LD regroups by subject), so a graph of
    half a million statements is never one list. The statements with blank
    nodes are kept in memory: RDFC-1.0 labels a blank node from the quads
    that mention blank nodes only, so canonicalising those alone gives the
    labels the whole dataset would give them. A graph with blank nodes comes
    whole, and last.
    """
    def source() -> Iterator[tuple[Graph, list[ox.Quad]]]:
        names = progress.track(_graph_names(store, graphs), "dump: reading graphs", unit="graph")
        yield from _graph_pieces(
            ((name, store.quads_for_pattern(None, None, None, name)) for name in names),
            lambda name: _graph_has_blank_node(store, name))

    return source


def _graph_names(store: ox.Store, graphs: list[ox.NamedNode] | None) -> list[Graph]:
    if graphs is None:
        return [ox.DefaultGraph(), *sorted(store.named_graphs(), key=lambda g: g.value)]
    return list(dict.fromkeys(graphs))


def _graph_pieces(graphs: Iterable[tuple[Graph, Iterator[ox.Quad]]],
                  has_blank_node: Callable[[Graph], bool]) -> Iterator[tuple[Graph, list[ox.Quad]]]:
    """Yield each graph whole, or in consecutive pieces when large; blank nodes canonical, last."""
    deferred: dict[Graph, list[ox.Quad]] = {}
    blank_quads: list[ox.Quad] = []
    chunk = GRAPH_CHUNK
    for name, statements in graphs:
        quads = list(itertools.islice(statements, chunk + 1))
        if len(quads) > chunk and not has_blank_node(name):
            yield name, quads[:chunk]
            rest = itertools.chain(quads[chunk:], statements)
            del quads
            while piece := list(itertools.islice(rest, chunk)):
                yield name, piece
            continue
        quads += statements
        blank = [q for q in quads if _has_blank_node(q)]
        if blank:
            deferred[name] = [q for q in quads if not _has_blank_node(q)]
            blank_quads += blank
        elif quads:
            yield name, quads
    if blank_quads:
        dataset = ox.Dataset(blank_quads)
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        for quad in dataset:
            deferred[quad.graph_name].append(quad)
    yield from deferred.items()


def _spooled_graphs(store: ox.Store, graphs: list[ox.NamedNode] | None,
                    spool: IO[bytes]) -> GraphQuads:
    """Return the source :func:`_store_graphs` gives, read from a copy of the graphs in ``spool``.

    The store is read once, here, in Rust (N-Quads, graph after graph); each
    call of the source parses the copy. Parsing keeps blank node labels and
    literals as they are, so the statements are those the store gives.
    """
    regions: list[tuple[Graph, int, int]] = []
    for name in progress.track(_graph_names(store, graphs), "dump: copying graphs", unit="graph"):
        start = spool.tell()
        store.dump(spool, format=ox.RdfFormat.N_TRIPLES, from_graph=name)
        regions.append((name, start, spool.tell() - start))
    spool.flush()
    descriptor = spool.fileno()

    def source() -> Iterator[tuple[Graph, list[ox.Quad]]]:
        yield from _graph_pieces(
            ((name, _parsed_region(descriptor, start, size, name))
             for name, start, size in progress.track(regions, "dump: reading graphs",
                                                      unit="graph")),
            lambda name: _graph_has_blank_node(store, name))

    return source


def _parsed_region(descriptor: int, start: int, size: int, name: Graph) -> Iterator[ox.Quad]:
    """Yield the quads of graph ``name`` copied at ``start`` (as triples: Oxigraph writes one
    graph without its name)."""
    def blocks() -> Iterator[bytes]:
        offset, end = start, start + size
        while offset < end:
            block = os.pread(descriptor, min(1 << 20, end - offset), offset)
            if not block:
                return
            offset += len(block)
            yield block

    triples = ox.parse(_LineReader(blocks()), format=ox.RdfFormat.N_TRIPLES)
    if isinstance(name, ox.DefaultGraph):
        return iter(triples)
    return (ox.Quad(q.subject, q.predicate, q.object, name) for q in triples)


GRAPH_CHUNK = 20_000
"""Statements of one graph handed to a writer at a time (about 11 MB of pyoxigraph quads)."""


def _graph_has_blank_node(store: ox.Store, name: Graph) -> bool:
    pattern = "?s ?p ?o" if isinstance(name, ox.DefaultGraph) else f"GRAPH {name} {{ ?s ?p ?o }}"
    return bool(store.query(f"ASK {{ {pattern} FILTER(isBlank(?s) || isBlank(?o)) }}"))


def _triples_source(triples: Iterable[ox.Triple]) -> GraphQuads:
    """Return the source of a few triples (not through a Store: it would turn
    ``xsd:nonNegativeInteger`` into ``xsd:integer``), blank nodes canonical."""
    quads = list(dict.fromkeys(
        ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples))
    if any(_has_blank_node(q) for q in quads):
        dataset = ox.Dataset(quads)
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        quads = list(dataset)

    def source() -> Iterator[tuple[Graph, list[ox.Quad]]]:
        if quads:
            yield ox.DefaultGraph(), quads

    return source


def _has_blank_node(quad: ox.Quad) -> bool:
    return isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode)


def _sort_key(triple: ox.Triple | ox.Quad) -> tuple[str, bool, str, str]:
    # Subjects by IRI (so <x> comes before <x/y>), rdf:type first within a subject.
    subject = triple.subject
    subject_key = subject.value if isinstance(subject, ox.NamedNode) else f"~{subject}"
    return (subject_key, triple.predicate.value != RDF_TYPE, triple.predicate.value,
            str(triple.object))


# ---------------------------------------------------------------- writing


class _DigestWriter(io.RawIOBase):
    """A binary sink that passes bytes on while counting them and hashing them."""

    def __init__(self, target: IO[bytes]) -> None:
        self.target = target
        self.size = 0
        self.digest = hashlib.sha256()

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:  # type: ignore[override]
        view = bytes(data)
        self.target.write(view)
        self.size += len(view)
        self.digest.update(view)
        return len(view)


def _write_file_atomically(
    path: Path, source: GraphQuads, fmt: DumpFormat, graphs: list[ox.NamedNode] | None,
    *, gzip: bool,
) -> Dump:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as error:
        raise PublishError(f"cannot write the dump: {error.strerror or error}",
                           path=str(path)) from error
    try:
        with os.fdopen(handle, "wb") as stream:
            dump = _write_stream(stream, path, source, fmt, graphs, gzip=gzip)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise PublishError(f"cannot write the dump: {error.strerror or error}",
                               path=str(path)) from error
        raise
    return dump


def _write_stream(
    stream: IO[bytes], path: Path | None, source: GraphQuads, fmt: DumpFormat,
    graphs: list[ox.NamedNode] | None, *, gzip: bool,
) -> Dump:
    sink = _DigestWriter(stream)
    # Buffered: the writers hand over a line at a time.
    if gzip:
        # mtime=0 and no file name in the header: the same graph gives the same bytes.
        with gzip_module.GzipFile(fileobj=sink, mode="wb", mtime=0, filename="") as zipped, \
                io.BufferedWriter(_Unclosed(zipped), 1 << 20) as out:
            count, names = _serialize(source, fmt, out, flush=zipped.flush)
    else:
        with io.BufferedWriter(_Unclosed(sink), 1 << 20) as out:
            count, names = _serialize(source, fmt, out, flush=out.flush)
    graph_names = tuple(g.value for g in graphs) if graphs is not None else tuple(sorted(names))
    return Dump(format=fmt, path=path, gzip=gzip, triples=count, graphs=graph_names,
                byte_size=sink.size, sha256=sink.digest.hexdigest())


class _Unclosed(io.RawIOBase):
    """Passes writes on; closing it leaves the target open (the caller closes that)."""

    def __init__(self, target: IO[bytes]) -> None:
        self.target = target

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:  # type: ignore[override]
        return self.target.write(data)


def _serialize(
    source: GraphQuads, fmt: DumpFormat, out: IO[bytes], *, flush: Callable[[], object]
) -> tuple[int, set[str]]:
    """Write every statement of ``source`` in ``fmt``; return the count and the graphs' IRIs.

    ``flush`` flushes the stream under ``out``: Oxigraph's serialiser flushes
    its output once at the end, which in a gzip stream is a sync point that
    changes the compressed bytes, so it is done here too.
    """
    names: set[str] = set()

    def graphs() -> Iterator[tuple[Graph, list[ox.Quad]]]:
        for name, quads in source():
            if isinstance(name, ox.NamedNode):
                names.add(name.value)
            yield name, quads

    with ExternalSort(run_size=RUN_SIZE) as sorter:
        if fmt in (DumpFormat.NTRIPLES, DumpFormat.NQUADS):
            count = _write_lines(graphs(), fmt, sorter, out)
        elif fmt is DumpFormat.JSONLD:
            from pgraph.publish.jsonld import write_jsonld

            count = write_jsonld(graphs(), out)
        else:
            count = _write_grouped(graphs(), fmt, sorter, out)
            out.flush()
            flush()
    return count, names


RUN_SIZE = 250_000
"""Statements sorted in memory at a time (about 100 MB of Python objects); more spill to disk."""


def _write_lines(graphs: Iterable[tuple[Graph, list[ox.Quad]]], fmt: DumpFormat,
                 sorter: ExternalSort, out: IO[bytes]) -> int:
    # Canonical N-Triples / N-Quads: one line per statement, lines in code-point order, once each.
    for _name, quads in graphs:
        statements = quads if fmt is DumpFormat.NQUADS else [q.triple for q in quads]
        text = ox.serialize(statements, format=fmt.oxigraph_format) or b""
        sorter.extend(text.splitlines(True))
    count = 0
    for chunk in _chunked(sorter.merged(unique=True), f"dump: writing {fmt.value}",
                          total=sorter.count, unit="line"):
        out.write(b"".join(chunk))
        count += len(chunk)
    return count


def _chunked(items: Iterator, description: str, *, total: int, unit: str) -> Iterator[list]:
    """Yield the items in lists of a few thousand, advancing a progress bar once per list."""
    with progress.stage(description, total=total, unit=unit) as advance:
        while chunk := list(itertools.islice(items, 8192)):
            yield chunk
            advance(len(chunk))


def _write_grouped(graphs: Iterable[tuple[Graph, list[ox.Quad]]], fmt: DumpFormat,
                   sorter: ExternalSort, out: IO[bytes]) -> int:
    """Turtle, RDF/XML (the merge, by subject) and TriG (graph by graph), sorted as in a dump.

    Each statement is sorted as its key and its N-Triples/N-Quads line; the
    sorted lines are parsed back by Oxigraph and handed to its serialiser,
    which groups a subject's statements, once the prefixes in use are known.
    """
    keep_graphs = fmt is DumpFormat.TRIG
    line_format = ox.RdfFormat.N_QUADS if keep_graphs else ox.RdfFormat.N_TRIPLES
    prefixes = _PrefixScan()
    for name, quads in graphs:
        statements = quads if keep_graphs else [q.triple for q in quads]
        lines = (ox.serialize(statements, format=line_format) or b"").splitlines(True)
        graph_key = str(name)
        iris = set()
        for quad, line in zip(quads, lines, strict=True):
            subject, predicate, obj = quad.subject, quad.predicate.value, quad.object
            if isinstance(subject, ox.NamedNode):
                subject_key = subject.value
                iris.add(subject_key)
            else:
                subject_key = f"~{subject}"
            iris.add(predicate)
            if isinstance(obj, ox.NamedNode):
                iris.add(obj.value)
            elif isinstance(obj, ox.Literal):
                iris.add(obj.datatype.value)
            key = (subject_key, predicate != RDF_TYPE, predicate, str(obj), line)
            sorter.add((graph_key, *key) if keep_graphs else key)
        prefixes.add(iris)
    count = 0

    def ordered_lines() -> Iterator[bytes]:
        nonlocal count
        for chunk in _chunked(sorter.merged(unique=True), f"dump: writing {fmt.value}",
                              total=sorter.count, unit="statement"):
            count += len(chunk)
            yield b"".join(item[-1] for item in chunk)

    statements = ox.parse(_LineReader(ordered_lines()), format=line_format)
    if not keep_graphs:
        statements = (quad.triple for quad in statements)
    ox.serialize(statements, out, fmt.oxigraph_format, prefixes=prefixes.used())
    return count


class _LineReader(io.RawIOBase):
    """A readable stream over an iterator of byte blocks (what Oxigraph's parser reads)."""

    def __init__(self, blocks: Iterator[bytes]) -> None:
        self.blocks = blocks
        self.block = b""
        self.offset = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        while self.offset >= len(self.block):
            self.block, self.offset = next(self.blocks, b""), 0
            if not self.block:
                return 0
        size = min(len(buffer), len(self.block) - self.offset)
        buffer[:size] = self.block[self.offset:self.offset + size]
        self.offset += size
        return size


class _PrefixScan:
    """The prefixes of PREFIXES whose namespace starts an IRI seen (all of them if any)."""

    def __init__(self) -> None:
        self.remaining = dict(PREFIXES)
        self.found: set[str] = set()
        self._compile()

    def _compile(self) -> None:
        self.pattern = re.compile("|".join(re.escape(ns) for ns in self.remaining.values()))

    def add(self, iris: Iterable[str]) -> None:
        for iri in iris:
            if not self.remaining:
                return
            if self.pattern.match(iri):
                for prefix, namespace in list(self.remaining.items()):
                    if iri.startswith(namespace):
                        self.found.add(prefix)
                        del self.remaining[prefix]
                self._compile()

    def used(self) -> dict[str, str]:
        return {prefix: ns for prefix, ns in PREFIXES.items() if prefix in self.found}


def iter_dump_files(directory: str | os.PathLike[str]) -> Iterator[tuple[Path, DumpFormat, bool]]:
    """Yield the dump files found in ``directory``: path, format and whether gzipped."""
    by_extension = {fmt.extension: fmt for fmt in DumpFormat}
    for path in sorted(Path(directory).iterdir()):
        if not path.is_file() or path.name.startswith("."):
            continue
        suffixes = path.name.split(".")[1:]
        zipped = bool(suffixes) and suffixes[-1] == "gz"
        if zipped:
            suffixes = suffixes[:-1]
        if suffixes and suffixes[-1] in by_extension:
            yield path, by_extension[suffixes[-1]], zipped
