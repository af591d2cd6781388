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

import gzip as gzip_module
import hashlib
import io
import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from pgraph.errors import PublishError
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
    quads = _canonical_quads(store, selected)
    if isinstance(path_or_stream, str | os.PathLike):
        path = Path(path_or_stream)
        return _write_file_atomically(path, quads, fmt, selected, gzip=gzip)
    return _write_stream(path_or_stream, None, quads, fmt, selected, gzip=gzip)


def write_triples(
    triples: Iterable[ox.Triple],
    path_or_stream: str | os.PathLike[str] | IO[bytes],
    fmt: DumpFormat | str = DumpFormat.TURTLE,
) -> Dump:
    """Return what was written after writing triples (sorted, as in a dump) in ``fmt``."""
    fmt = DumpFormat.parse(fmt)
    quads = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples]
    if isinstance(path_or_stream, str | os.PathLike):
        return _write_file_atomically(Path(path_or_stream), quads, fmt, [], gzip=False)
    return _write_stream(path_or_stream, None, quads, fmt, [], gzip=False)


def write_dumps(
    store: ox.Store,
    directory: str | os.PathLike[str],
    formats: Sequence[DumpFormat | str] = tuple(DumpFormat),
    *,
    graphs: Iterable[str] | None = None,
    gzip: bool = False,
    stem: str = "pgraph",
) -> list[Dump]:
    """Return the dumps written into ``directory``: one file per format, named ``stem.ext[.gz]``."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    graph_list = None if graphs is None else list(graphs)
    return [
        write_dump(
            store, folder / dump_file_name(fmt, gzip=gzip, stem=stem), fmt, graphs=graph_list,
            gzip=gzip,
        )
        for fmt in (DumpFormat.parse(f) for f in formats)
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


def _canonical_quads(store: ox.Store, graphs: list[ox.NamedNode] | None) -> list[ox.Quad]:
    """Return the selected quads with blank nodes relabelled canonically (RDFC-1.0)."""
    if graphs is None:
        quads = list(store.quads_for_pattern(None, None, None, None))
    else:
        quads = [q for g in graphs for q in store.quads_for_pattern(None, None, None, g)]
    if any(_has_blank_node(q) for q in quads):
        dataset = ox.Dataset(quads)
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        quads = list(dataset)
    return quads


def _has_blank_node(quad: ox.Quad) -> bool:
    return isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode)


def _sort_key(triple: ox.Triple | ox.Quad) -> tuple[str, bool, str, str]:
    # Subjects by IRI (so <x> comes before <x/y>), rdf:type first within a subject.
    subject = triple.subject
    subject_key = subject.value if isinstance(subject, ox.NamedNode) else f"~{subject}"
    return (subject_key, triple.predicate.value != RDF_TYPE, triple.predicate.value,
            str(triple.object))


def _sorted_triples(quads: list[ox.Quad]) -> list[ox.Triple]:
    unique = {q.triple for q in quads}
    return sorted(unique, key=_sort_key)


def _sorted_quads(quads: list[ox.Quad]) -> list[ox.Quad]:
    return sorted(set(quads), key=lambda q: (str(q.graph_name), *_sort_key(q)))


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
    path: Path, quads: list[ox.Quad], fmt: DumpFormat, graphs: list[ox.NamedNode] | None,
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
            dump = _write_stream(stream, path, quads, fmt, graphs, gzip=gzip)
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
    stream: IO[bytes], path: Path | None, quads: list[ox.Quad], fmt: DumpFormat,
    graphs: list[ox.NamedNode] | None, *, gzip: bool,
) -> Dump:
    sink = _DigestWriter(stream)
    if gzip:
        # mtime=0 and no file name in the header: the same graph gives the same bytes.
        with gzip_module.GzipFile(fileobj=sink, mode="wb", mtime=0, filename="") as zipped:
            count = _serialize(quads, fmt, zipped)  # type: ignore[arg-type]
    else:
        count = _serialize(quads, fmt, sink)  # type: ignore[arg-type]
    graph_names = (
        tuple(g.value for g in graphs)
        if graphs is not None
        else tuple(sorted({q.graph_name.value for q in quads
                           if isinstance(q.graph_name, ox.NamedNode)}))
    )
    return Dump(format=fmt, path=path, gzip=gzip, triples=count, graphs=graph_names,
                byte_size=sink.size, sha256=sink.digest.hexdigest())


def _serialize(quads: list[ox.Quad], fmt: DumpFormat, out: IO[bytes]) -> int:
    if fmt is DumpFormat.NTRIPLES:
        triples = _sorted_triples(quads)
        # Canonical N-Triples, one line per triple, lines in code-point order.
        text = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
        lines = sorted(text.splitlines(True))
        out.writelines(lines)
        return len(triples)
    if fmt is DumpFormat.NQUADS:
        ordered = _sorted_quads(quads)
        text = ox.serialize(ordered, format=ox.RdfFormat.N_QUADS) or b""
        out.writelines(sorted(text.splitlines(True)))
        return len(ordered)
    if fmt in (DumpFormat.TURTLE, DumpFormat.RDFXML):
        triples = _sorted_triples(quads)
        ox.serialize(triples, out, fmt.oxigraph_format, prefixes=_used_prefixes(triples))
        return len(triples)
    if fmt is DumpFormat.TRIG:
        ordered = _sorted_quads(quads)
        ox.serialize(ordered, out, ox.RdfFormat.TRIG, prefixes=_used_prefixes(ordered))
        return len(ordered)
    from pgraph.publish.jsonld import to_jsonld

    document = to_jsonld(quads)
    out.write(json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8"))
    out.write(b"\n")
    return len(set(quads))


def _used_prefixes(statements: Sequence[ox.Triple | ox.Quad]) -> dict[str, str]:
    """Return the prefixes of PREFIXES that the statements use (all of them if any)."""
    seen = set()
    for statement in statements:
        for term in (statement.subject, statement.predicate, statement.object):
            if isinstance(term, ox.NamedNode):
                seen.add(term.value)
            elif isinstance(term, ox.Literal):
                seen.add(term.datatype.value)
    return {
        prefix: namespace
        for prefix, namespace in PREFIXES.items()
        if any(iri.startswith(namespace) for iri in seen)
    }


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
