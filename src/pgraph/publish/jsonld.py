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

import json
from collections.abc import Iterable
from functools import cache
from typing import IO, Any

import pyoxigraph as ox

from pgraph.resources import ontology_dir


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
    """Write the graphs as the document :func:`to_jsonld` gives, one graph in memory at a time.

    Returns the number of statements. Each graph becomes one object of the
    top-level ``@graph``, in the order :func:`to_jsonld` sorts them (by their
    JSON text), sorted on disk when there are many (:mod:`pgraph.publish.sorting`).

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
    with ExternalSort(run_size=2_000) as sorter:
        for name, quads in graphs:
            count += len(quads)
            item = _graph_object(name, quads)
            if item is None:
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
        if sorter.count <= 1:
            # One object: it is the document itself (the context beside its keys); none: [].
            items = [json.loads(text) for _key, text in sorter.merged()]
            document: Any = {**items[0], "@context": jsonld_context()} if items else []
            out.write(json.dumps(_sorted_json(document), ensure_ascii=False, indent=2)
                      .encode("utf-8") + b"\n")
            return count
        head, tail = json.dumps({"@context": jsonld_context(), "@graph": [_HOLE]},
                                ensure_ascii=False, indent=2).split(json.dumps(_HOLE))
        out.write(head.encode("utf-8"))
        for index, (_key, text) in enumerate(sorter.merged()):
            # The object as json.dumps indents it at depth 2 of the document.
            if index:
                out.write(b",\n    ")
            out.write(text.replace("\n", "\n    ").encode("utf-8"))
        out.write(tail.encode("utf-8") + b"\n")
    return count


_HOLE = "\x00pgraph-jsonld-items\x00"


def _keyed(item: dict[str, Any]) -> tuple[str, str]:
    """Return what sorts one top-level object: its JSON as to_jsonld sorts it, and its text."""
    return (json.dumps(item, sort_keys=True, ensure_ascii=False),
            json.dumps(item, ensure_ascii=False, indent=2))


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
