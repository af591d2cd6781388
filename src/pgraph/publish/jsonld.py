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
from typing import Any

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
