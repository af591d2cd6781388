"""Query results: rows of Python values, rdflib terms, and the formats they are written in.

Example:
    >>> from rdflib import Literal, URIRef
    >>> result = QueryResult("select", ["org", "n"],
    ...                      [{"org": URIRef("https://example.org/a"), "n": Literal(3)}])
    >>> result.rows
    [{'org': 'https://example.org/a', 'n': 3}]
    >>> print(result.serialize("markdown", full_iris=True), end="")
    | org                   | n |
    | --------------------- | - |
    | https://example.org/a | 3 |
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from rdflib import XSD, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from pgraph.errors import QueryError
from pgraph.vocab import PREFIXES, prefixes

TABLE_CELL_WIDTH = 80
"""Longer values are cut in the ``table`` format (only there: other formats keep everything)."""


class ResultFormat(StrEnum):
    """The formats ``pgraph query --format`` writes."""

    TABLE = "table"
    CSV = "csv"
    TSV = "tsv"
    JSON = "json"
    XML = "xml"
    MARKDOWN = "markdown"
    TURTLE = "turtle"
    NTRIPLES = "ntriples"


RESULT_FORMATS = tuple(f.value for f in ResultFormat)


def python_value(term: Node | None) -> object:
    """Return the Python value of a term: str for IRIs and text, int/float/Decimal/bool/date.

    Example:
        >>> python_value(Literal("2014-01-01", datatype=XSD.date))
        datetime.date(2014, 1, 1)
    """
    if term is None:
        return None
    if isinstance(term, Literal):
        if term.language or term.datatype in (None, XSD.string):
            return str(term)
        value = term.toPython()
        return str(term) if isinstance(value, Literal) else value
    return str(term)


@dataclass
class QueryResult:
    """What a query gave back.

    ``kind`` is ``select``, ``ask`` or ``graph`` (CONSTRUCT and DESCRIBE).
    ``terms`` are the rows as rdflib terms, ``rows`` the same with Python
    values (None where a variable is unbound); a graph result's rows are its
    triples as ``subject``/``predicate``/``object``.
    """

    kind: str
    variables: list[str] = field(default_factory=list)
    terms: list[dict[str, Node | None]] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None
    query: str = ""
    _rows: list[dict[str, object]] | None = field(default=None, repr=False)

    @property
    def rows(self) -> list[dict[str, object]]:
        """Return the rows with Python values."""
        if self._rows is None:
            names = self.variables
            self._rows = [{v: python_value(row.get(v)) for v in names} for row in self.terms]
        return self._rows

    def __len__(self) -> int:
        return len(self.terms)

    def __iter__(self):
        return iter(self.rows)

    def to_dataframe(self):
        """Return the rows as a pandas DataFrame (pandas is the optional ``pandas`` extra)."""
        try:
            import pandas as pd
        except ImportError:
            raise QueryError(
                "pandas is not installed",
                hint="install the extra: pip install 'pgraph[pandas]'",
            ) from None
        if self.kind == "ask":
            return pd.DataFrame({"boolean": [self.boolean]})
        return pd.DataFrame(self.rows, columns=self.variables)

    def serialize(self, fmt: str | ResultFormat = ResultFormat.TABLE, *,
                  full_iris: bool = False) -> str:
        """Return the result written in a format (see :class:`ResultFormat`).

        The ``table`` and ``markdown`` formats are for reading: IRIs are
        written as prefixed names (``pgid:organisation/city-of-london-police``)
        and columns of IRIs come after the others (labels first). With
        ``full_iris``, they show every IRI whole, in projection order.
        """
        fmt = _format(fmt)
        if fmt in (ResultFormat.TABLE, ResultFormat.MARKDOWN) and not full_iris:
            return _WRITERS[fmt](readable(self))
        if self.kind == "graph":
            return _write_graph(self, fmt)
        if fmt in (ResultFormat.TURTLE, ResultFormat.NTRIPLES):
            raise QueryError(
                f"{fmt.value} is for CONSTRUCT and DESCRIBE results; a {self.kind.upper()} "
                "result is written as table, csv, tsv, json, xml or markdown"
            )
        writer = _WRITERS[fmt]
        return writer(self)

    def write(self, fmt: str | ResultFormat, file: str | Path | IO[str] | None = None, *,
              full_iris: bool = False) -> None:
        """Write the result in a format to a file path or text stream (standard output: None)."""
        write_text(self.serialize(fmt, full_iris=full_iris), file)


def write_text(text: str, file: str | Path | IO[str] | None = None) -> None:
    """Write a serialized result to a file path or text stream (standard output: None).

    Example:
        >>> write_text("true")
        true
    """
    if file is None:
        import sys

        sys.stdout.write(text)
    elif isinstance(file, str | Path):
        try:
            Path(file).write_text(text, encoding="utf-8")
        except OSError as error:
            raise QueryError(
                f"cannot write the result: {error.strerror}", path=str(file)
            ) from error
    else:
        file.write(text)


def _format(fmt: str | ResultFormat) -> ResultFormat:
    try:
        return ResultFormat(fmt)
    except ValueError:
        raise QueryError(
            f"unknown format {fmt!r}", hint=f"use one of {', '.join(RESULT_FORMATS)}"
        ) from None


# ---------------------------------------------------------------- reading tables


def readable(result: QueryResult) -> QueryResult:
    """Return the result as a person reads it: prefixed names, IRI columns after the others.

    Example:
        >>> r = QueryResult("select", ["org", "name"],
        ...     [{"org": URIRef("https://w3id.org/pgraph/id/organisation/x"),
        ...       "name": Literal("X")}])
        >>> readable(r).variables, readable(r).terms[0]["org"]
        (['name', 'org'], rdflib.term.Literal('pgid:organisation/x'))
    """
    if result.kind == "ask":
        return result
    prefixes = {**TABLE_PREFIXES, **_declared_prefixes(result.query)}
    by_length = sorted(prefixes.items(), key=lambda item: -len(item[1]))

    def short(term: Node | None) -> Node | None:
        if not isinstance(term, URIRef):
            return term
        for prefix, namespace in by_length:
            if term.startswith(namespace) and len(term) > len(namespace):
                return Literal(f"{prefix}:{term[len(namespace):]}")
        return term

    def all_iris(var: str) -> bool:
        values = [row.get(var) for row in result.terms if row.get(var) is not None]
        return bool(values) and all(isinstance(v, URIRef) for v in values)

    iri_columns = {v for v in result.variables if all_iris(v)}
    order = ([v for v in result.variables if v not in iri_columns]
             + [v for v in result.variables if v in iri_columns])
    terms = [{v: short(row.get(v)) for v in order} for row in result.terms]
    return QueryResult(result.kind, order, terms, query=result.query)


def expand_prefixed_name(value: str, query: str = "") -> str:
    """Return a prefixed name of the table prefixes as its IRI (anything else unchanged).

    Example:
        >>> expand_prefixed_name("pgid:organisation/x")
        'https://w3id.org/pgraph/id/organisation/x'
    """
    prefix, colon, local = value.partition(":")
    prefixes = {**TABLE_PREFIXES, **_declared_prefixes(query)}
    if colon and prefix in prefixes and not local.startswith("//"):
        return prefixes[prefix] + local
    return value


_PREFIX_DECLARATION = re.compile(r"(?im)^\s*PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^<>\s]*)>")


def _declared_prefixes(query: str) -> dict[str, str]:
    return {prefix: namespace for prefix, namespace in _PREFIX_DECLARATION.findall(query or "")
            if prefix}


# ---------------------------------------------------------------- SELECT and ASK writers


def _lexical(term: Node | None) -> str:
    return "" if term is None else (f"_:{term}" if isinstance(term, BNode) else str(term))


def _n3(term: Node | None) -> str:
    from pgraph.query.binding import sparql_term

    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    return sparql_term(term)


def _table(result: QueryResult) -> str:
    if result.kind == "ask":
        return ("true" if result.boolean else "false") + "\n"
    return _aligned(result.variables, _cells(result, TABLE_CELL_WIDTH), markdown=False)


def _markdown(result: QueryResult) -> str:
    if result.kind == "ask":
        return ("true" if result.boolean else "false") + "\n"
    cells = [[c.replace("|", "\\|") for c in row] for row in _cells(result, None)]
    return _aligned(result.variables, cells, markdown=True)


def _cells(result: QueryResult, width: int | None) -> list[list[str]]:
    rows = []
    for row in result.terms:
        cells = []
        for var in result.variables:
            text = " ".join(_lexical(row.get(var)).split())
            if width and len(text) > width:
                text = text[: width - 1] + "…"
            cells.append(text)
        rows.append(cells)
    return rows


def _aligned(header: list[str], rows: list[list[str]], *, markdown: bool) -> str:
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(header)]

    def line(cells: list[str]) -> str:
        padded = [c.ljust(w) for c, w in zip(cells, widths, strict=True)]
        return "| " + " | ".join(padded) + " |" if markdown else "  ".join(padded).rstrip()

    if markdown:
        out = [line(header), "| " + " | ".join("-" * w for w in widths) + " |"]
    else:
        out = [line(header), "  ".join("-" * w for w in widths)]
    out += [line(r) for r in rows]
    if not markdown:
        out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"


def _csv(result: QueryResult) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if result.kind == "ask":
        writer.writerow(["boolean"])
        writer.writerow(["true" if result.boolean else "false"])
        return buffer.getvalue()
    writer.writerow(result.variables)
    for row in result.terms:
        writer.writerow([_lexical(row.get(v)) for v in result.variables])
    return buffer.getvalue()


def _tsv(result: QueryResult) -> str:
    if result.kind == "ask":
        return "?boolean\n" + ("true" if result.boolean else "false") + "\n"
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    lines += ["\t".join(_n3(row.get(v)) for v in result.variables) for row in result.terms]
    return "\n".join(lines) + "\n"


def _json_term(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    assert isinstance(term, Literal)
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype and term.datatype != XSD.string:
        out["datatype"] = str(term.datatype)
    return out


def _json(result: QueryResult) -> str:
    document: dict[str, Any]
    if result.kind == "ask":
        document = {"head": {}, "boolean": bool(result.boolean)}
    else:
        bindings = [
            {v: _json_term(t) for v in result.variables if (t := row.get(v)) is not None}
            for row in result.terms
        ]
        document = {"head": {"vars": result.variables}, "results": {"bindings": bindings}}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _xml_term(term: Node) -> str:
    if isinstance(term, URIRef):
        return f"<uri>{xml_escape(str(term))}</uri>"
    if isinstance(term, BNode):
        return f"<bnode>{xml_escape(str(term))}</bnode>"
    assert isinstance(term, Literal)
    attributes = ""
    if term.language:
        attributes = f" xml:lang={quoteattr(term.language)}"
    elif term.datatype and term.datatype != XSD.string:
        attributes = f" datatype={quoteattr(str(term.datatype))}"
    # White space as character references: a parser that trims text (Oxigraph's does)
    # still reads the literal exactly.
    text = xml_escape(str(term), {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})
    body = text.strip(" ")
    text = "&#32;" * (len(text) - len(text.lstrip(" "))) + body + "&#32;" * (
        len(text) - len(text.rstrip(" "))) if body else "&#32;" * len(text)
    return f"<literal{attributes}>{text}</literal>"


def _xml(result: QueryResult) -> str:
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<sparql xmlns="http://www.w3.org/2005/sparql-results#">', "  <head>"]
    out += [f"    <variable name={quoteattr(v)}/>" for v in result.variables]
    out.append("  </head>")
    if result.kind == "ask":
        out.append(f"  <boolean>{'true' if result.boolean else 'false'}</boolean>")
    else:
        out.append("  <results>")
        for row in result.terms:
            out.append("    <result>")
            out += [
                f"      <binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                for v in result.variables if (t := row.get(v)) is not None
            ]
            out.append("    </result>")
        out.append("  </results>")
    out.append("</sparql>")
    return "\n".join(out) + "\n"


_WRITERS = {
    ResultFormat.TABLE: _table,
    ResultFormat.CSV: _csv,
    ResultFormat.TSV: _tsv,
    ResultFormat.JSON: _json,
    ResultFormat.XML: _xml,
    ResultFormat.MARKDOWN: _markdown,
}


# ---------------------------------------------------------------- graph writers


_GRAPH_SYNTAX = {
    ResultFormat.TURTLE: "turtle",
    ResultFormat.NTRIPLES: "nt",
    ResultFormat.JSON: "json-ld",
    ResultFormat.XML: "xml",
}


def _write_graph(result: QueryResult, fmt: ResultFormat) -> str:
    graph = result.graph if result.graph is not None else Graph()
    if fmt in _GRAPH_SYNTAX:
        if fmt is ResultFormat.NTRIPLES:
            # Sorted, so that two runs of the same query give the same file.
            return "".join(sorted(graph.serialize(format="nt").splitlines(keepends=True)))
        return graph.serialize(format=_GRAPH_SYNTAX[fmt])
    triples = QueryResult("select", list(result.variables), result.terms)
    return _WRITERS[fmt](triples)


def graph_result(triples: Iterable[tuple[Node, Node, Node]], *, query: str = "") -> QueryResult:
    """Return the result of a CONSTRUCT or DESCRIBE: its graph, and its triples as rows."""
    graph = Graph()
    for prefix, namespace in _PREFIXES.items():
        graph.bind(prefix, namespace)
    for triple in triples:
        graph.add(triple)
    rows: list[dict[str, Node | None]] = [
        {"subject": s, "predicate": p, "object": o} for s, p, o in sorted(graph)
    ]
    return QueryResult("graph", ["subject", "predicate", "object"], rows, graph=graph, query=query)


TABLE_PREFIXES = {**PREFIXES, "leg": "http://www.legislation.gov.uk/id/"}
"""The prefixes of table output: pgraph's prefix table, and legislation.gov.uk's identifiers
(the query's own PREFIXes win)."""

_PREFIXES = prefixes("pg", "pgv", "pgid", "skos", "dcterms", "org", "prov", "schema", "eli")
