"""JSON-LD dumps: compacted with pgraph's context, the context embedded, literals exact.

The context is ``ontology/context.jsonld``, read from the file and embedded
in each document as a dict, so a reader never fetches a remote context.
Compaction is rdflib's, with one change: a number or boolean becomes a JSON
value only when that gives back the same lexical form (``"01"^^xsd:integer``
stays a value object), so the document expands to exactly the same graph.

Example:
    >>> import pyoxigraph as ox
    >>> quad = ox.Quad(ox.NamedNode("https://w3id.org/pgraph/id/practice/x"),
    ...                ox.NamedNode("http://purl.org/dc/terms/title"),
    ...                ox.Literal("Titre", language="fr"), ox.NamedNode("https://e.org/g"))
    >>> to_jsonld([quad])["@graph"][0]["title"]
    {'fr': 'Titre'}
"""

from __future__ import annotations

import itertools
import json
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import pyoxigraph as ox

from pgraph.resources import ontology_dir

if TYPE_CHECKING:
    from pgraph.publish.sorting import ExternalSort


@cache
def jsonld_context() -> dict[str, Any]:
    """Return the JSON-LD context of ``ontology/context.jsonld`` (the value of its @context)."""
    path = ontology_dir() / "context.jsonld"
    return json.loads(path.read_text(encoding="utf-8"))["@context"]


def to_jsonld(quads: Iterable[ox.Quad]) -> dict[str, Any]:
    """Return the quads as a JSON-LD document compacted with pgraph's context (embedded).

    Nodes are sorted by ``@id`` and every list of values is sorted, so the
    document is stable across runs. Literals keep their exact lexical form.
    """
    from rdflib import Dataset, URIRef
    from rdflib.plugins.shared.jsonld.context import Context

    from pgraph.store import TermConverter

    term = TermConverter()  # literals keep their exact lexical form ("…Z" stays "…Z")
    dataset = Dataset()
    for quad in quads:
        triple = (term(quad.subject), term(quad.predicate), term(quad.object))
        if isinstance(quad.graph_name, ox.NamedNode):
            dataset.graph(URIRef(quad.graph_name.value)).add(triple)
        else:
            dataset.default_graph.add(triple)
    context_data = jsonld_context()
    context = Context(context_data)
    document = _exact_converter()(context, False, False).convert(dataset)
    if isinstance(document, list):
        document = {"@graph": document}
    document["@context"] = context_data
    return _sorted_json(document)


def write_jsonld(graphs: Iterable[tuple[ox.NamedNode | ox.DefaultGraph, list[ox.Quad]]],
                 out: IO[bytes]) -> int:
    """Write the graphs as the document :func:`to_jsonld` gives, with bounded memory.

    Returns the number of statements. Each graph becomes one object of the
    top-level ``@graph``, in the order :func:`to_jsonld` sorts them (by their
    JSON text), sorted on disk when there are many (:mod:`pgraph.publish.sorting`).
    A graph given whole is converted whole; a graph given as several
    consecutive pieces (a large one) is converted a few subjects at a time
    and its object kept in a temporary file (:func:`_large_graph_object`).

    Example:
        >>> import io
        >>> g = ox.NamedNode("https://e.org/g")
        >>> quad = ox.Quad(ox.NamedNode("https://e.org/s"),
        ...                ox.NamedNode("http://purl.org/dc/terms/title"),
        ...                ox.Literal("Titre", language="fr"), g)
        >>> out = io.BytesIO()
        >>> write_jsonld([(g, [quad])], out)
        1
        >>> json.loads(out.getvalue())["@graph"][0]["title"]
        {'fr': 'Titre'}
    """
    from pgraph.publish.sorting import ExternalSort

    count = 0
    default_object: dict[str, Any] | None = None

    def counted(pieces: Iterator[tuple[Any, list[ox.Quad]]]) -> Iterator[list[ox.Quad]]:
        nonlocal count
        for _name, quads in pieces:
            count += len(quads)
            yield quads

    with tempfile.TemporaryDirectory(prefix="pgraph-jsonld-") as folder, \
            ExternalSort(run_size=2_000, directory=folder) as sorter:
        for name, group in itertools.groupby(graphs, key=lambda item: item[0]):
            pieces = counted(group)
            first = next(pieces)
            second = next(pieces, None)
            item: Any
            if second is None:
                item = _graph_object(name, first)
            elif isinstance(name, ox.NamedNode) and not (
                    default_object is not None and default_object.get("@id") == _shrunk(name)):
                item = _large_graph_object(name, itertools.chain([first, second], pieces),
                                           Path(folder))
            else:  # the default graph, or a graph the default graph's object merges into
                item = _graph_object(name, [q for quads in (first, second, *pieces) for q in quads])
            if item is None:
                continue
            if isinstance(item, _LargeGraph):
                sorter.add((_LargeKey(item.key), item))
                continue
            if isinstance(name, ox.DefaultGraph):
                default_object = item  # rdflib's converter lists it first, and may merge into it
                continue
            if default_object is not None and default_object.get("@id") == item["@id"]:
                default_object.update(item)
                continue
            sorter.add(_keyed(item))
        if default_object is not None:
            sorter.add(_keyed(default_object))
        _write_document(sorter, out)
    return count


def _write_document(sorter: ExternalSort, out: IO[bytes]) -> None:
    """Write the sorted graph objects as one document, its context embedded, as json.dumps would."""
    if sorter.count <= 1:
        # One object: it is the document itself (the context beside its keys); none: [].
        items = [text for _key, text in sorter.merged()]
        if items and isinstance(items[0], _LargeGraph):
            for chunk in items[0].chunks(context=jsonld_context()):
                out.write(chunk.encode("utf-8"))
            out.write(b"\n")
            return
        loaded = [json.loads(text) for text in items]
        document: Any = {**loaded[0], "@context": jsonld_context()} if loaded else []
        out.write(json.dumps(_sorted_json(document), ensure_ascii=False, indent=2)
                  .encode("utf-8") + b"\n")
        return
    head, tail = json.dumps({"@context": jsonld_context(), "@graph": [_HOLE]},
                            ensure_ascii=False, indent=2).split(json.dumps(_HOLE))
    out.write(head.encode("utf-8"))
    for index, (_key, text) in enumerate(sorter.merged()):
        # The object as json.dumps indents it at depth 2 of the document.
        if index:
            out.write(b",\n    ")
        chunks = text.chunks() if isinstance(text, _LargeGraph) else [text]
        for chunk in chunks:
            out.write(chunk.replace("\n", "\n    ").encode("utf-8"))
    out.write(tail.encode("utf-8") + b"\n")


_HOLE = "\x00pgraph-jsonld-items\x00"
SUBJECT_BATCH = 5_000
"""Statements (of whole subjects) of a large graph converted by rdflib at a time."""


def _keyed(item: dict[str, Any]) -> tuple[str, str]:
    """Return what sorts one top-level object: its JSON as to_jsonld sorts it, and its text."""
    return (json.dumps(item, sort_keys=True, ensure_ascii=False),
            json.dumps(item, ensure_ascii=False, indent=2))


def _shrunk(name: ox.NamedNode) -> str:
    from rdflib import URIRef

    return _context().shrink_iri(URIRef(name.value))


@dataclass(frozen=True)
class _LargeGraph:
    """The object of a large graph, kept on disk: its nodes' text at depth 2, and its key."""

    graph_id: str
    body: Path
    key: Path

    def chunks(self, context: dict[str, Any] | None = None) -> Iterator[str]:
        """Yield the text json.dumps(indent=2) gives the object (with ``context`` first)."""
        wrapper = {"@context": context} if context is not None else {}
        head, tail = json.dumps({**wrapper, "@graph": [_HOLE], "@id": self.graph_id},
                                ensure_ascii=False, indent=2).split(json.dumps(_HOLE))
        yield head
        yield from _read_chunks(self.body)
        yield tail


class _LargeKey:
    """The sort key of a large graph's object (its JSON with sorted keys), compared from disk."""

    __slots__ = ("path",)
    __hash__ = None  # type: ignore[assignment]

    def __init__(self, path: Path) -> None:
        self.path = path

    def __getstate__(self) -> Path:
        return self.path

    def __setstate__(self, path: Path) -> None:
        self.path = path

    def _compare(self, other: object) -> int:
        if isinstance(other, _LargeKey):
            if other.path == self.path:
                return 0
            return _compare_texts(_read_chunks(self.path), _read_chunks(other.path))
        if isinstance(other, str):
            return _compare_texts(_read_chunks(self.path), iter([other]))
        return NotImplemented

    def __eq__(self, other: object) -> bool:
        result = self._compare(other)
        return result if result is NotImplemented else result == 0

    def __lt__(self, other: object) -> bool:
        result = self._compare(other)
        return result if result is NotImplemented else result < 0

    def __gt__(self, other: object) -> bool:
        result = self._compare(other)
        return result if result is NotImplemented else result > 0

    def __le__(self, other: object) -> bool:
        result = self._compare(other)
        return result if result is NotImplemented else result <= 0

    def __ge__(self, other: object) -> bool:
        result = self._compare(other)
        return result if result is NotImplemented else result >= 0


def _read_chunks(path: Path, size: int = 1 << 20) -> Iterator[str]:
    with open(path, encoding="utf-8", newline="") as handle:
        while chunk := handle.read(size):
            yield chunk


def _compare_texts(left: Iterator[str], right: Iterator[str]) -> int:
    """Return -1, 0 or 1 as the chunks of ``left``, joined, sort before, with or after ``right``."""
    a = b = ""
    while True:
        if not a:
            a = next(left, "")
        if not b:
            b = next(right, "")
        if not a or not b:
            return (len(a) > 0) - (len(b) > 0)
        size = min(len(a), len(b))
        if a[:size] != b[:size]:
            return -1 if a[:size] < b[:size] else 1
        a, b = a[size:], b[size:]


def _large_graph_object(name: ox.NamedNode, pieces: Iterable[list[ox.Quad]],
                        folder: Path) -> _LargeGraph | dict[str, Any] | None:
    """Return the object of a large graph, the same as :func:`_graph_object` gives, built on disk.

    rdflib's converter makes one node per IRI subject from that subject's
    statements alone, unless a blank node or an ``rdf:first`` list is
    involved: so the statements are sorted by subject on disk, converted a
    few thousand at a time, and the nodes sorted on disk by their JSON text.
    A graph with blank nodes or lists is converted whole (as is, it is read
    back from disk).
    """
    from pgraph.publish.sorting import ExternalSort

    whole = False
    with ExternalSort(run_size=100_000, directory=folder) as by_subject:
        for quads in pieces:
            lines = (ox.serialize([q.triple for q in quads], format=ox.RdfFormat.N_TRIPLES)
                     or b"").splitlines(True)
            for quad, line in zip(quads, lines, strict=True):
                whole = whole or (isinstance(quad.subject, ox.BlankNode)
                                  or isinstance(quad.object, ox.BlankNode)
                                  or quad.predicate.value == _RDF_FIRST)
                by_subject.add((quad.subject.value, line))
        if whole:
            return _graph_object(name, [
                ox.Quad(q.subject, q.predicate, q.object, name)
                for q in _parsed(line for _subject, line in by_subject.merged())])
        with ExternalSort(run_size=20_000, directory=folder) as nodes:
            batch: list[bytes] = []
            for _subject, group in itertools.groupby(by_subject.merged(), key=lambda i: i[0]):
                batch.extend(line for _subject, line in group)
                if len(batch) >= SUBJECT_BATCH:
                    nodes.extend(_keyed(node) for node in _subject_nodes(batch))
                    batch = []
            nodes.extend(_keyed(node) for node in _subject_nodes(batch))
            if not nodes.count:
                return None
            handle, body_name = tempfile.mkstemp(prefix="graph-", suffix=".json", dir=folder)
            key_path = Path(body_name).with_suffix(".key")
            graph_id = _shrunk(name)
            key_head, key_tail = json.dumps({"@graph": [_HOLE], "@id": graph_id}, sort_keys=True,
                                            ensure_ascii=False).split(json.dumps(_HOLE))
            with open(handle, "w", encoding="utf-8", newline="") as body, \
                    open(key_path, "w", encoding="utf-8", newline="") as key:
                key.write(key_head)
                for index, (node_key, text) in enumerate(nodes.merged()):
                    if index:
                        body.write(",\n    ")
                        key.write(", ")
                    body.write(text.replace("\n", "\n    "))
                    key.write(node_key)
                key.write(key_tail)
    return _LargeGraph(graph_id, Path(body_name), key_path)


_RDF_FIRST = "http://www.w3.org/1999/02/22-rdf-syntax-ns#first"


def _parsed(lines: Iterable[bytes]) -> Iterator[ox.Quad]:
    from pgraph.publish.dumps import _LineReader

    return ox.parse(_LineReader(iter(lines)), format=ox.RdfFormat.N_TRIPLES)


def _subject_nodes(lines: list[bytes]) -> list[dict[str, Any]]:
    """Return the nodes (sorted) rdflib's converter makes of the statements of whole subjects."""
    from rdflib import Graph

    from pgraph.store import TermConverter

    graph = Graph()
    term = TermConverter()
    for quad in _parsed(lines):
        graph.add((term(quad.subject), term(quad.predicate), term(quad.object)))
    converter = _exact_converter()(_context(), False, False)
    return [_sorted_json(node) for node in converter.from_graph(graph)]


def _graph_object(name: ox.NamedNode | ox.DefaultGraph, quads: list[ox.Quad]) -> Any:
    """Return the top-level object rdflib's converter makes of one graph (sorted), or None."""
    from rdflib import Dataset, URIRef

    from pgraph.store import TermConverter

    dataset = Dataset()
    target = (dataset.graph(URIRef(name.value)) if isinstance(name, ox.NamedNode)
              else dataset.default_graph)
    term = TermConverter()  # one per graph: what it remembers goes with the graph
    for quad in quads:
        target.add((term(quad.subject), term(quad.predicate), term(quad.object)))
    converted = _exact_converter()(_context(), False, False).convert(dataset)
    if not converted:
        return None
    return _sorted_json(converted)


@cache
def _context():
    from rdflib.plugins.shared.jsonld.context import Context

    return Context(jsonld_context())


@cache
def _exact_converter():
    """Return rdflib's JSON-LD converter, made to write a native JSON value only when exact."""
    from rdflib import XSD, Literal
    from rdflib.plugins.serializers.jsonld import Converter

    class ExactConverter(Converter):
        def to_raw_value(self, graph, s, o, nodemap):
            # JSON numbers and booleans come back in canonical form: "01" would become "1".
            if isinstance(o, Literal) and o.datatype in (XSD.integer, XSD.boolean, XSD.double):
                lexical = str(o)
                exact = (o.datatype == XSD.boolean and lexical in ("true", "false")) or (
                    o.datatype == XSD.integer and lexical == str(_integer_or_none(lexical)))
                if not exact:
                    return {"@type": self.context.to_symbol(o.datatype), "@value": lexical}
            return super().to_raw_value(graph, s, o, nodemap)

    return ExactConverter


def _integer_or_none(lexical: str) -> int | None:
    try:
        return int(lexical)
    except ValueError:
        return None


def _sorted_json(value: Any) -> Any:
    if isinstance(value, dict):
        # Keys sorted with @context first; @list order is meaningful; the context as written.
        return {key: (value[key] if key in ("@context", "@list") else _sorted_json(value[key]))
                for key in sorted(value, key=lambda k: (k != "@context", k))}
    if isinstance(value, list):
        items = [_sorted_json(item) for item in value]
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True, ensure_ascii=False))
    return value
