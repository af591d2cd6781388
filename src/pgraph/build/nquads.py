"""rdflib triples → N-Quads text, the compact form build workers hand to the store's bulk loader.

N-Quads is what Oxigraph's bulk loader reads fastest, and a string crosses a
process boundary far cheaper than pickled rdflib terms. Each IRI and language
tag is checked once (through pyoxigraph, as ``store.to_oxigraph`` would), so
text that Oxigraph would refuse fails here, with the file it came from.

Example:
    >>> from rdflib import Literal, URIRef
    >>> print(nquads([(URIRef("https://example.org/s"), URIRef("https://example.org/p"),
    ...                Literal('say "hi"\\n', lang="en"))], "https://example.org/g"), end="")
    <https://example.org/s> <https://example.org/p> "say \\"hi\\"\\n"@en <https://example.org/g> .
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_ESCAPES = str.maketrans({c: f"\\u{c:04X}" for c in [*range(0x20), 0x7F]})
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def nquads(triples: Iterable[tuple[Node, Node, Node]], graph: str) -> str:
    """Return the triples as N-Quads lines in ``graph``; ValueError for a term Oxigraph refuses."""
    context = f" {_iri(graph)} .\n"
    return "".join(f"{_term(s)} {_iri(p)} {_term(o)}{context}" for s, p, o in triples)


def ntriples(triples: Iterable[tuple[Node, Node, Node]]) -> str:
    """Return the triples as N-Triples lines (also the body of a SPARQL ``INSERT DATA`` graph)."""
    return "".join(f"{_term(s)} {_iri(p)} {_term(o)} .\n" for s, p, o in triples)


def _term(term: Node) -> str:
    if isinstance(term, URIRef):
        return _iri(str(term))
    if isinstance(term, Literal):
        text = f'"{_escape(str(term))}"'
        if term.language:
            return f"{text}@{_language(term.language)}"
        if term.datatype and str(term.datatype) != _XSD_STRING:
            return f"{text}^^{_iri(str(term.datatype))}"
        return text
    if isinstance(term, BNode):
        return str(ox.BlankNode(str(term)))
    raise TypeError(f"not an RDF term: {term!r}")


def _escape(text: str) -> str:
    r"""Return ``text`` escaped for an N-Quads string: \\, ", \n and \r, other controls as \uXXXX.

    Example:
        >>> print(_escape('a\\b "c"\r\n\x07'))
        a\\b \"c\"\r\n\u0007
    """
    # str.replace is far cheaper than str.translate on long prose. The backslash
    # goes first, so that only the text's own backslashes are doubled.
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    if _CONTROLS.search(text):
        text = text.translate(_CONTROL_ESCAPES)
    return text


@lru_cache(maxsize=200_000)
def _iri(iri: str) -> str:
    return str(ox.NamedNode(iri))  # validates, and escapes what N-Quads needs escaped


@lru_cache(maxsize=1_000)
def _language(tag: str) -> str:
    return ox.Literal("", language=tag).language
