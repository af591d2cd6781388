"""pgraph.query.results: every result format read back by a standard parser gives the same terms."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pyoxigraph as ox
import pytest
from rdflib import XSD, BNode, Graph, Literal, URIRef

from pgraph.query import run_query
from pgraph.query.results import RESULT_FORMATS, QueryResult, graph_result, python_value
from pgraph.store import TermConverter, from_oxigraph
from pgraph.store.terms import python_value_of

ROWS = [
    {"org": URIRef("https://e.org/a"), "n": Literal(3), "d": Literal(' été, "x"\n', lang="fr")},
    {"org": BNode("b1"), "n": None, "d": Literal("2014-01-01", datatype=XSD.date)},
    {"org": URIRef("https://e.org/b"), "n": Literal("1.50", datatype=XSD.decimal),
     "d": Literal("tab\there")},
]
SELECT = QueryResult("select", ["org", "n", "d"], ROWS)
PARSERS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "tsv": ox.QueryResultsFormat.TSV,
}


def read_back(text: str, fmt: str) -> list[dict]:
    convert = TermConverter()
    solutions = ox.parse_query_results(text.encode(), format=PARSERS[fmt])
    names = [v.value for v in solutions.variables]
    return [{n: convert(t) for n, t in zip(names, row, strict=True)} for row in solutions]


@pytest.mark.parametrize("fmt", sorted(PARSERS))
def test_select_results_read_back_as_the_same_terms(fmt):
    got = read_back(SELECT.serialize(fmt), fmt)
    # A blank node's label is the writer's; the rest is exact.
    assert [{k: v for k, v in row.items() if k != "org"} for row in got] == [
        {k: v for k, v in row.items() if k != "org"} for row in ROWS
    ]
    assert [isinstance(row["org"], BNode) for row in got] == [False, True, False]


def test_csv_gives_plain_values_quoted_as_rfc_4180_says():
    assert SELECT.serialize("csv").splitlines()[:3] == [
        "org,n,d", 'https://e.org/a,3," été, ""x""', '"',
    ]


@pytest.mark.parametrize(("answer", "word"), [(True, "true"), (False, "false")])
def test_an_ask_answer_reads_back(answer, word):
    result = QueryResult("ask", [], [], boolean=answer)
    for fmt in ("json", "xml"):
        assert bool(ox.parse_query_results(result.serialize(fmt).encode(),
                                           format=PARSERS[fmt])) is answer
    assert word in result.serialize("csv")


def test_a_graph_result_reads_back_as_the_same_graph():
    triples = [
        (URIRef("https://w3id.org/pgraph/id/practice/x"),
         URIRef("http://purl.org/dc/terms/title"), Literal("X", lang="en")),
        (URIRef("https://w3id.org/pgraph/id/practice/x"),
         URIRef("https://w3id.org/pgraph/ontology#startDate"),
         Literal("2014-01-01", datatype=XSD.date)),
    ]
    result = graph_result(triples)
    for fmt, syntax in (("turtle", "turtle"), ("ntriples", "nt")):
        assert set(Graph().parse(data=result.serialize(fmt), format=syntax)) == set(triples)
    assert "dcterms:title" in result.serialize("turtle")
    assert [row["object"] for row in result.rows] == ["X", dt.date(2014, 1, 1)]


def test_every_result_format_writes_something_for_a_select():
    for fmt in RESULT_FORMATS:
        if fmt in ("turtle", "ntriples"):
            continue
        assert SELECT.serialize(fmt).strip(), fmt


@pytest.mark.parametrize(("term", "value"), [
    (Literal("2014-01-01", datatype=XSD.date), dt.date(2014, 1, 1)),
    (Literal(3), 3),
    (Literal("1.50", datatype=XSD.decimal), Decimal("1.50")),
    (Literal("true", datatype=XSD.boolean), True),
    (Literal("texte", lang="fr"), "texte"),
    (Literal("plain"), "plain"),
    (URIRef("https://e.org/a"), "https://e.org/a"),
    (Literal("31st February", datatype=XSD.date), "31st February"),  # ill-typed: as written
    (None, None),
])
def test_python_values(term, value):
    assert python_value(term) == value
    assert type(python_value(term)) is type(value)


_XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.mark.parametrize("term", [
    ox.NamedNode("https://example.org/a"),
    ox.BlankNode("b1"),
    ox.Literal("text"),
    ox.Literal("texte", language="fr"),
    *[ox.Literal(text, datatype=ox.NamedNode(_XSD + "integer"))
      for text in ("7", "07", "+7", "-12", " 7", "seven", "")],
    *[ox.Literal(text, datatype=ox.NamedNode(_XSD + "date"))
      for text in ("2014-01-01", "2014-02-30", "2014-01-01Z", "2014-1-1", "x")],
    *[ox.Literal(text, datatype=ox.NamedNode(_XSD + kind))
      for kind, text in (("decimal", "1.50"), ("double", "1e3"), ("boolean", "true"),
                         ("boolean", "0"), ("dateTime", "2024-01-01T10:00:00Z"),
                         ("gYear", "2014"), ("anyURI", "https://e.org/"))],
    ox.Literal("x", datatype=ox.NamedNode("https://example.org/datatype")),
], ids=repr)
def test_cells_read_straight_from_pyoxigraph_equal_their_rdflib_python_values(term):
    assert python_value_of(term) == python_value(from_oxigraph(term))
    assert type(python_value_of(term)) is type(python_value(from_oxigraph(term)))


def test_a_local_select_gives_the_same_rows_and_terms_as_converting_each_term():
    store = ox.Store()
    objects = [ox.Literal("x", language="en"), ox.BlankNode("b"), ox.NamedNode("https://e.org/o"),
               ox.Literal("5", datatype=ox.NamedNode(_XSD + "integer"))]
    store.extend(ox.Quad(ox.NamedNode(f"https://e.org/s{i}"), ox.NamedNode("https://e.org/p"),
                         term, ox.DefaultGraph()) for i, term in enumerate(objects))
    result = run_query("SELECT * WHERE { ?s ?p ?o }", store=store)
    convert = TermConverter()
    raw = store.query("SELECT * WHERE { ?s ?p ?o }")
    names = [v.value for v in raw.variables]
    terms = [dict(zip(names, map(convert, solution), strict=True)) for solution in raw]
    assert result.terms == terms
    assert result.rows == [{v: python_value(row[v]) for v in result.variables} for row in terms]
