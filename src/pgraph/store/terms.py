"""The one conversion between RDF terms: pyoxigraph, rdflib, N-Triples text and JSON.

- :func:`to_oxigraph` / :func:`from_oxigraph`: rdflib ↔ pyoxigraph.
  ``from_oxigraph`` keeps a literal's lexical form exactly (rdflib's
  ``normalize`` is off: ``"2024-01-01T10:00:00Z"`` stays as written);
  :class:`TermConverter` does the same and remembers repeated terms, for
  query results.
- :func:`to_ntriples`, :func:`nquads`, :func:`ntriples`: rdflib terms as
  N-Triples / N-Quads text, each IRI and language tag checked once through
  pyoxigraph (so text Oxigraph would refuse fails here, with its source). It
  is the text build workers hand to the bulk loader (a string crosses a
  process boundary far cheaper than pickled terms) and the body of a SPARQL
  ``INSERT DATA``. :func:`to_sparql` writes a constant into a query the same
  way.
- :func:`term_to_json` / :func:`term_from_json`: a small JSON form for state
  files.

Example:
    >>> from rdflib import Literal, URIRef
    >>> term = Literal("2024-01-01T10:00:00Z", datatype=URIRef(XSD_DATETIME))
    >>> from_oxigraph(to_oxigraph(term)) == term, to_ntriples(Literal("Hallo", lang="de"))
    (True, '"Hallo"@de')
    >>> term_from_json(term_to_json(term)) == term
    True
    >>> print(nquads([(URIRef("https://example.org/s"), URIRef("https://example.org/p"),
    ...                Literal('say "hi"\\n', lang="en"))], "https://example.org/g"), end="")
    <https://example.org/s> <https://example.org/p> "say \\"hi\\"\\n"@en <https://example.org/g> .
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
XSD_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"

OxigraphTerm = ox.NamedNode | ox.BlankNode | ox.Literal


# ---------------------------------------------------------------- rdflib -> pyoxigraph


@lru_cache(maxsize=200_000)
def named_node(iri: str) -> ox.NamedNode:
    """Return the pyoxigraph IRI (remembered: the same IRIs come back again and again)."""
    return ox.NamedNode(iri)


def to_oxigraph(term: Node) -> OxigraphTerm:
    """Return the pyoxigraph term for an rdflib term.

    Example:
        >>> to_oxigraph(Literal("Hallo", lang="de"))
        <Literal value=Hallo language=de>
    """
    if isinstance(term, URIRef):
        return named_node(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=named_node(str(term.datatype)))
        return ox.Literal(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def to_quad(triple: tuple[Node, Node, Node], graph: str) -> ox.Quad:
    """Return an rdflib triple as a pyoxigraph quad in the named graph ``graph``."""
    s, p, o = triple
    # A literal subject or predicate is refused by ox.Quad itself (TypeError).
    return ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), named_node(graph))  # type: ignore[arg-type]


# ---------------------------------------------------------------- pyoxigraph -> rdflib


def from_oxigraph(term: OxigraphTerm) -> Node:
    """Return the rdflib term for a pyoxigraph term, a literal's lexical form kept exactly.

    Example:
        >>> from_oxigraph(ox.Literal("01", datatype=ox.NamedNode(
        ...     "http://www.w3.org/2001/XMLSchema#integer"))).n3()
        '"01"^^<http://www.w3.org/2001/XMLSchema#integer>'
    """
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        return _literal(term, term.datatype.value)
    raise TypeError(f"not an RDF term: {term!r}")


def _literal(term: ox.Literal, datatype: str | URIRef | None) -> Literal:
    if term.language:
        return Literal(term.value, lang=term.language)
    if datatype is None or datatype == XSD_STRING:
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(datatype), normalize=False)


def read_turtle(path: Path, graph: Graph | None = None) -> Graph:
    """Return a Turtle file as an rdflib graph (added to ``graph`` if given), parsed by
    Oxigraph (2-3x rdflib's own parser).

    Blank nodes are new ones, as with ``Graph.parse`` (two files' ``_:b0`` stay apart);
    literals keep their lexical form (:func:`from_oxigraph`).

    Example:
        >>> from pgraph.resources import ontology_dir
        >>> len(read_turtle(ontology_dir() / "shapes.ttl")) > 100
        True
    """
    graph = Graph() if graph is None else graph
    blank: dict[str, BNode] = {}

    def term(node: OxigraphTerm) -> Node:
        if isinstance(node, ox.BlankNode):
            return blank.setdefault(node.value, BNode())
        return from_oxigraph(node)

    for triple in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
        graph.add((term(triple.subject), term(triple.predicate), term(triple.object)))
    return graph


class TermConverter:
    """pyoxigraph terms → rdflib terms, remembering IRIs and short literals.

    Query results repeat names, labels and counts a lot, and an rdflib
    Literal costs ~10 µs to make. One converter per result set.

    Example:
        >>> convert = TermConverter()
        >>> convert(ox.NamedNode("https://e.org/a")) is convert(ox.NamedNode("https://e.org/a"))
        True
    """

    REMEMBERED_LITERAL_LENGTH = 200

    def __init__(self) -> None:
        self.iris: dict[str, URIRef] = {}
        self.literals: dict[ox.Literal, Literal] = {}
        self.datatypes: dict[str, URIRef | None] = {}

    def __call__(self, term: OxigraphTerm | None) -> Node | None:
        if term is None:
            return None
        if isinstance(term, ox.NamedNode):
            node = self.iris.get(term.value)
            if node is None:
                node = self.iris[term.value] = URIRef(term.value)
            return node
        if isinstance(term, ox.Literal):
            literal = self.literals.get(term)
            if literal is None:
                literal = self._literal(term)
                if len(term.value) <= self.REMEMBERED_LITERAL_LENGTH:
                    self.literals[term] = literal
            return literal
        if isinstance(term, ox.BlankNode):
            return BNode(term.value)
        raise TypeError(f"not an RDF term: {term!r}")

    def _literal(self, term: ox.Literal) -> Literal:
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype not in self.datatypes:
            self.datatypes[datatype] = None if datatype == XSD_STRING else URIRef(datatype)
        return _literal(term, self.datatypes[datatype])


_XSD = "http://www.w3.org/2001/XMLSchema#"


def plain_value(term: OxigraphTerm | None) -> object:
    """Return the Python value of a pyoxigraph term without making rdflib terms (fast).

    Booleans, integers and dates become Python values, as
    ``pgraph.query.python_value`` gives them; anything else is its text.

    Example:
        >>> plain_value(ox.Literal("2014-01-01", datatype=ox.NamedNode(_XSD + "date")))
        datetime.date(2014, 1, 1)
    """
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        if datatype == _XSD + "boolean":
            return term.value in ("true", "1")
        if datatype == _XSD + "integer":
            return int(term.value)
        if datatype == _XSD + "date":
            try:
                return dt.date.fromisoformat(term.value)
            except ValueError:
                return term.value
    return term.value


_XSD_INTEGER = _XSD + "integer"
_XSD_DATE = _XSD + "date"
_CANONICAL_INTEGER = re.compile(r"[+-]?[0-9]+")
_CANONICAL_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def python_value_of(term: OxigraphTerm | None) -> object:
    """Return exactly what ``pgraph.query.python_value`` gives for this term's rdflib term,
    without making one for IRIs, text, integers and dates (the cells of most results).

    Other datatypes go through rdflib's own conversion, as ``python_value`` does.

    Example:
        >>> python_value_of(ox.Literal("07", datatype=ox.NamedNode(_XSD_INTEGER)))
        7
        >>> python_value_of(ox.Literal("1.50", datatype=ox.NamedNode(_XSD + "decimal")))
        Decimal('1.50')
    """
    if term is None:
        return None
    kind = type(term)
    if kind is ox.NamedNode or kind is ox.BlankNode:
        return term.value
    if kind is ox.Literal:
        if term.language:
            return term.value
        datatype = term.datatype.value
        if datatype == XSD_STRING:
            return term.value
        text = term.value
        if datatype == _XSD_INTEGER and _CANONICAL_INTEGER.fullmatch(text):
            return int(text)
        if datatype == _XSD_DATE and _CANONICAL_DATE.fullmatch(text):
            try:
                return dt.date.fromisoformat(text)
            except ValueError:
                pass  # rdflib decides what an impossible date gives
        elif not _rdflib_converts(datatype):  # e.g. pg:ISO3166Alpha2: rdflib keeps the text
            return text
    from pgraph.query.results import python_value

    return python_value(from_oxigraph(term))


@lru_cache(maxsize=1024)
def _rdflib_converts(datatype: str) -> bool:
    """Whether rdflib maps literals of this datatype to a Python value (else a literal of it
    stays a Literal, whose Python value is its text)."""
    from rdflib.term import _toPythonMapping  # the table Literal.toPython reads

    return URIRef(datatype) in _toPythonMapping


# ---------------------------------------------------------------- rdflib -> N-Triples text

_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_ESCAPES = str.maketrans({c: f"\\u{c:04X}" for c in [*range(0x20), 0x7F]})
_SPARQL_ESCAPES = {**_CONTROL_ESCAPES, 0x09: "\\t", 0x08: "\\b", 0x0C: "\\f"}


def nquads(triples: Iterable[tuple[Node, Node, Node]], graph: str) -> str:
    """Return the triples as N-Quads lines in ``graph``; ValueError for a term Oxigraph refuses."""
    context = f" {iri_text(graph)} .\n"
    return "".join(
        f"{to_ntriples(s)} {iri_text(p)} {to_ntriples(o)}{context}" for s, p, o in triples
    )


def ntriples(triples: Iterable[tuple[Node, Node, Node]]) -> str:
    """Return the triples as N-Triples lines (also the body of a SPARQL ``INSERT DATA`` graph)."""
    return "".join(f"{to_ntriples(s)} {iri_text(p)} {to_ntriples(o)} .\n" for s, p, o in triples)


def to_ntriples(term: Node) -> str:
    """Return an rdflib term in N-Triples syntax (as pyoxigraph writes it; ``str`` of its term)."""
    if isinstance(term, URIRef):
        return iri_text(str(term))
    if isinstance(term, Literal):
        return _literal_text(term, _CONTROL_ESCAPES)
    if isinstance(term, BNode):
        return str(ox.BlankNode(str(term)))
    raise TypeError(f"not an RDF term: {term!r}")


def to_sparql(term: Node) -> str:
    r"""Return an IRI or a literal as a constant in a SPARQL query; ValueError for anything else.

    The N-Triples syntax of :func:`to_ntriples`, with tab, backspace and form
    feed written as SPARQL's short escapes (``\t``, ``\b``, ``\f``): no
    character can leave the quotes. A blank node is refused, since in a query
    it would be a variable, not the node.

    Example:
        >>> print(to_sparql(Literal('say "hi"\t} DROP ALL {', lang="en")))
        "say \"hi\"\t} DROP ALL {"@en
        >>> to_sparql(URIRef("https://example.org/a")), to_sparql(Literal(3))
        ('<https://example.org/a>', '"3"^^<http://www.w3.org/2001/XMLSchema#integer>')
        >>> to_sparql(BNode("b0"))
        Traceback (most recent call last):
        ...
        ValueError: a blank node cannot be written into a query as a constant
    """
    if isinstance(term, URIRef):
        return iri_text(str(term))
    if isinstance(term, Literal):
        return _literal_text(term, _SPARQL_ESCAPES)
    if isinstance(term, BNode):
        raise ValueError("a blank node cannot be written into a query as a constant")
    raise ValueError(f"not an RDF term: {term!r}")


def _literal_text(term: Literal, controls: dict[int, str]) -> str:
    """A literal in N-Triples / SPARQL syntax, control characters written by ``controls``."""
    text = f'"{escape_string(str(term), controls)}"'
    if term.language:
        return f"{text}@{language_tag(term.language)}"
    if term.datatype and str(term.datatype) != XSD_STRING:
        return f"{text}^^{iri_text(str(term.datatype))}"
    return text


def escape_string(text: str, controls: dict[int, str] = _CONTROL_ESCAPES) -> str:
    r"""Return ``text`` escaped for an N-Quads string: \\, ", \n and \r, other controls as \uXXXX.

    Example:
        >>> print(escape_string('a\\b "c"\r\n\x07'))
        a\\b \"c\"\r\n\u0007
    """
    # str.replace is far cheaper than str.translate on long prose. The backslash
    # goes first, so that only the text's own backslashes are doubled.
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    if _CONTROLS.search(text):
        text = text.translate(controls)
    return text


@lru_cache(maxsize=200_000)
def iri_text(iri: str) -> str:
    """Return ``<iri>`` as N-Quads writes it (ValueError if Oxigraph refuses the IRI).

    Example:
        >>> iri_text("https://example.org/a b")
        Traceback (most recent call last):
        ...
        ValueError: Invalid IRI code point ' '
    """
    return str(named_node(iri))  # validates, and escapes what N-Quads needs escaped


@lru_cache(maxsize=1_000)
def language_tag(tag: str) -> str:
    """Return a language tag as Oxigraph writes it (lower case).

    Example:
        >>> language_tag("en-GB")
        'en-gb'
    """
    return ox.Literal("", language=tag).language or tag


# ---------------------------------------------------------------- JSON


def term_to_json(node: Node | None) -> list | None:
    """Return a term as a small JSON value: ``["iri", …]``, ``["bnode", …]`` or a literal."""
    if node is None:
        return None
    if isinstance(node, Literal):
        return ["literal", str(node), node.language, str(node.datatype) if node.datatype else None]
    return ["bnode" if isinstance(node, BNode) else "iri", str(node)]


def term_from_json(data: list | None) -> Node | None:
    """Return the term :func:`term_to_json` wrote."""
    if data is None:
        return None
    if data[0] == "literal":
        datatype = URIRef(data[3]) if data[3] else None
        return Literal(data[1], lang=data[2], datatype=datatype, normalize=False)
    return BNode(data[1]) if data[0] == "bnode" else URIRef(data[1])
