"""Parameters are bound as typed terms, never pasted: each type, hostile values, headers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import XSD, Literal, URIRef

from pgraph.cli import cli
from pgraph.errors import QueryError
from pgraph.query import bind_params, bind_query, load_query, parse_header, run_query
from pgraph.query.binding import check_iri, query_variables, sparql_term

HOSTILE_TEXT = [
    "} ; DROP ALL ; {",
    'say "hi" } DROP ALL',
    "it's",
    "'''",
    '"""',
    "line\nbreak\r\n",
    "tab\there",
    "back\\slash\\",
    "\\u0022 and \\U00000022",
    "} } } INSERT DATA { <http://x/s> <http://x/p> <http://x/o> } #",
    "# not a comment",
    "?param $other <http://x/iri>",
    "Ünïcödé ✓ 日本語 \u00a0",
    "",
]


def echo(kind: str) -> str:
    """A query that gives back the bound value of one declared parameter."""
    return f"# title: echo\n# param: value {kind} required — echoed\nSELECT ?value WHERE {{ }}\n"


@pytest.fixture
def store() -> ox.Store:
    s = ox.Store()
    s.add(
        ox.Quad(
            ox.NamedNode("http://x/s"),
            ox.NamedNode("http://x/p"),
            ox.Literal("o"),
            ox.NamedNode("http://x/g"),
        )
    )
    return s


def run_echo(store, kind, value):
    result = run_query(echo(kind), store=store, params={"value": value})
    assert len(store) == 1  # nothing was written, whatever the value
    return result.terms[0]["value"]


# ---------------------------------------------------------------- strings and concepts


@pytest.mark.parametrize("value", HOSTILE_TEXT)
def test_hostile_strings_are_matched_literally(store, value):
    assert run_echo(store, "string", value) == Literal(value)


@pytest.mark.parametrize("value", [v for v in HOSTILE_TEXT if v.strip()])
def test_hostile_concept_labels_are_matched_literally(store, value):
    assert str(run_echo(store, "concept", value)) == value.strip()


def test_a_hostile_string_finds_only_itself(store):
    store.add(
        ox.Quad(
            ox.NamedNode("http://x/a"),
            ox.NamedNode("http://x/p"),
            ox.Literal("} ; DROP ALL ; {"),
            ox.NamedNode("http://x/g"),
        )
    )
    query = (
        "# title: t\n# param: text string required — t\nSELECT ?s WHERE { ?s <http://x/p> ?text }"
    )
    assert run_query(query, store=store, params={"text": "} ; DROP ALL ; {"}).rows == [
        {"s": "http://x/a"}
    ]
    assert run_query(query, store=store, params={"text": '"o"'}).rows == []


def test_an_empty_concept_is_rejected(store):
    with pytest.raises(QueryError, match="value: a concept label cannot be empty"):
        run_echo(store, "concept", "  ")


# ---------------------------------------------------------------- language-tagged strings


@pytest.mark.parametrize("value", [v for v in HOSTILE_TEXT if "@" not in v])
def test_langstrings_keep_text_and_tag(store, value):
    assert run_echo(store, "langstring", f"{value}@en-GB") == Literal(value, lang="en-GB")


@pytest.mark.parametrize(
    "value", ["no tag", "x@", "x@en GB", "x@en} DROP ALL {", 'x@en"', "x@e\nn", "x@123456789"]
)
def test_langstrings_without_a_valid_tag_are_rejected(store, value):
    with pytest.raises(QueryError, match=r"value: .* has no valid language tag"):
        run_echo(store, "langstring", value)


def test_a_langstring_can_contain_at_signs(store):
    assert run_echo(store, "langstring", "a@b.org@fr") == Literal("a@b.org", lang="fr")


# ---------------------------------------------------------------- IRIs


@pytest.mark.parametrize(
    "value",
    [
        "https://w3id.org/pgraph/id/practice/z-community-policing-in-the-uk",
        "<http://www.legislation.gov.uk/id/ukpga/1998/37>",
        "urn:isbn:0451450523",
        "http://example.org/é?q=1&r=2#frag",
    ],
)
def test_valid_iris_are_bound(store, value):
    assert run_echo(store, "iri", value) == URIRef(value.strip("<>"))


@pytest.mark.parametrize(
    "value",
    [
        "http://x/a> } DROP ALL ; { <http://x/b",
        "http://x/a b",
        'http://x/"a',
        "http://x/{a}",
        "http://x/a|b",
        "http://x/^a",
        "http://x/`a",
        "http://x/a\\b",
        "http://x/a\nb",
        "no-scheme",
        "/relative/path",
        "",
        "<http://x/a>>",
    ],
)
def test_invalid_iris_are_rejected_naming_the_parameter(store, value):
    with pytest.raises(QueryError, match=r"^value: .* is not an IRI"):
        run_echo(store, "iri", value)


# ---------------------------------------------------------------- dates and integers


@pytest.mark.parametrize("value", ["2014-01-01", dt.date(2014, 1, 1), dt.datetime(2014, 1, 1, 9)])
def test_dates_are_typed(store, value):
    assert run_echo(store, "date", value) == Literal("2014-01-01", datatype=XSD.date)


@pytest.mark.parametrize(
    "value",
    ["2014-02-31", "1st January 2014", '2014-01-01" } DROP ALL {', "2014-01-01\nX", "", 2014],
)
def test_bad_dates_are_rejected(store, value):
    with pytest.raises(QueryError, match=r"value: .* is not a date"):
        run_echo(store, "date", value)


@pytest.mark.parametrize(("value", "expected"), [("3", 3), (3, 3), ("-12", -12), (" 7 ", 7)])
def test_integers_are_typed(store, value, expected):
    term = run_echo(store, "integer", value)
    assert term.datatype == XSD.integer and term.toPython() == expected


@pytest.mark.parametrize("value", ["3.5", "1; DROP ALL", "1e3", True, 2.0, "", "0x10"])
def test_non_integers_are_rejected(store, value):
    with pytest.raises(QueryError, match=r"value: .* is not an integer"):
        run_echo(store, "integer", value)


# ---------------------------------------------------------------- names, defaults, headers


def test_unknown_parameters_are_rejected_listing_the_accepted_ones():
    with pytest.raises(
        QueryError,
        match=r"unknown parameter colour for practices-rated-at-least; "
        r"it accepts: criterion, rating, country, domain, lang",
    ):
        bind_params(load_query("practices-rated-at-least"), {"colour": "red"})


def test_a_missing_required_parameter_is_named():
    with pytest.raises(QueryError, match="search-practices needs the parameter text"):
        bind_params(load_query("search-practices"), {})


def test_defaults_are_bound_and_optional_parameters_stay_unbound():
    bound = bind_params(load_query("practices-rated-at-least"), {"country": "GB", "domain": None})
    assert bound == {
        "criterion": Literal("Effectiveness"),
        "rating": Literal("Effective"),
        "country": Literal("GB"),
        "lang": Literal("en"),
    }


def test_undeclared_queries_accept_their_own_variables_only(store):
    text = "SELECT ?s WHERE { ?s ?p ?o }"
    assert run_query(text, store=store, params={"o": "o"}).rows == [{"s": "http://x/s"}]
    assert run_query(text, store=store, params={"s": "<http://x/s>"}).rows == [{"s": "http://x/s"}]
    with pytest.raises(
        QueryError,
        match=r"unknown parameter x: the query has no variable \?x; "
        r"it accepts: o, p, s",
    ):
        run_query(text, store=store, params={"x": 1})


def test_the_values_block_opens_the_where_clause_whatever_comes_before():
    values = 'VALUES (?v) { ("x") }'
    cases = [  # (query up to and with the brace of the WHERE clause, the rest)
        ("SELECT * {", " ?s ?p ?v }"),
        ("ASK WHERE {", " ?s ?p ?v }"),
        (
            "# {\nPREFIX ex: <http://x/where>\nSELECT ('{' AS ?b) (\"}\" AS ?c) WHERE {",
            " ?s ?p ?v }",
        ),
        ("CONSTRUCT { ?s ?p ?v } WHERE {", " ?s ?p ?v }"),
        ("CONSTRUCT { ?s ?p ?v } FROM <http://x/g> {", " ?s ?p ?v }"),
        ("DESCRIBE ?s WHERE {", " ?s ?p ?v }"),
        ("SELECT (EXISTS { ?a ?b ?c } AS ?e) WHERE {", " ?s ?p ?v }"),
    ]
    for head, tail in cases:
        bound = bind_query(head + tail, {"v": Literal("x")})
        assert bound == f"{head} {values}{tail}"
        ox.Store().query(bound)  # and it parses


def test_the_construct_short_form_cannot_take_parameters():
    with pytest.raises(QueryError, match=r"CONSTRUCT WHERE .* short form cannot take parameters"):
        bind_query("CONSTRUCT WHERE { ?s ?p ?v }", {"v": Literal("x")})


def test_sparql_term_escapes_every_literal():
    for value in HOSTILE_TEXT:
        written = sparql_term(Literal(value))
        parsed = next(iter(ox.Store().query(f"SELECT ?v WHERE {{ VALUES ?v {{ {written} }} }}")))
        assert parsed["v"].value == value
    with pytest.raises(QueryError):
        sparql_term(URIRef("http://x/a> <b"))
    assert check_iri("http://x/a", "p") == URIRef("http://x/a")


def test_query_variables_ignore_comments_and_strings():
    assert query_variables('SELECT ?a WHERE { ?a ?b "?c" } # ?d') == {"a", "b"}


def test_header_parsing():
    info = parse_header(
        "# title: A title\n"
        "# description: First line,\n"
        "#   second line.\n"
        '# param: label concept "Violent extremism" — a label with spaces\n'
        "# param: n integer 3 -- the count\n"
        "# param: since date - - optional\n"
        "# param: who iri required — the organisation\n"
        "# example: pgraph query x --param n=4\n"
        "SELECT * WHERE { }\n",
        name="x",
    )
    assert (info.title, info.description) == ("A title", "First line, second line.")
    assert [(p.name, p.type, p.default, p.required, p.description) for p in info.params] == [
        ("label", "concept", "Violent extremism", False, "a label with spaces"),
        ("n", "integer", "3", False, "the count"),
        ("since", "date", None, False, "optional"),
        ("who", "iri", None, True, "the organisation"),
    ]
    assert info.example == "pgraph query x --param n=4"
    with pytest.raises(QueryError, match="unknown type 'colour'"):
        parse_header("# param: x colour red\nASK {}")
    with pytest.raises(QueryError, match="declared twice"):
        parse_header("# param: x string\n# param: x string\nASK {}")
    with pytest.raises(QueryError, match="not a SPARQL variable name"):
        parse_header("# param: x-y string\nASK {}")


# ---------------------------------------------------------------- syntax errors and updates


def test_a_syntax_error_in_a_file_names_file_line_and_column(tmp_path: Path):
    path = tmp_path / "mine.rq"
    path.write_text("# title: mine\nSELECT ?s\nWHERE {\n  ?s ?p\n}\n", encoding="utf-8")
    with pytest.raises(QueryError) as caught:
        run_query(path, store=ox.Store())
    # Oxigraph reports where it stopped: the closing brace, or just after it.
    assert caught.value.line in (5, 6)
    assert str(caught.value).startswith(
        f"{path}:{caught.value.line}: SPARQL syntax error at column "
    )


def test_a_syntax_error_in_text_names_line_and_column():
    with pytest.raises(QueryError, match=r"^SPARQL syntax error at line 2, column \d+: "):
        run_query("SELECT ?s\nWHERE { ?s ?p }", store=ox.Store())


def test_updates_are_not_queries(store):
    with pytest.raises(QueryError, match="not updates"):
        run_query("DROP ALL", store=store)
    assert len(store) == 1


def test_cli_errors_are_one_line(tmp_path, built_store_path):
    runner = CliRunner()
    path = tmp_path / "bad.rq"
    path.write_text("SELECT * WHERE {", encoding="utf-8")
    cases = {
        (str(path),): f"Error: {path}:1: SPARQL syntax error at column 17: expected one of ",
        (
            "practice-partners",
            "-p",
            "practice=http://x/a> } DROP ALL {",
        ): "Error: practice: 'http://x/a> } DROP ALL {' is not an IRI: it contains '>'; ",
        (
            "practices-per-domain",
            "-p",
            "colour=red",
        ): "Error: unknown parameter colour for practices-per-domain; it accepts: lang",
        ("practices-per-domain", "-p", "lang"): "Error: --param 'lang' is not name=value",
        ("no-such-query",): "Error: no query named 'no-such-query' in the library",
        ("co-partnerships", "-p", "min_shared=two"): "Error: min_shared: 'two' is not an integer",
    }
    for args, start in cases.items():
        result = runner.invoke(cli, ["query", *args, "--store", str(built_store_path)])
        assert result.exit_code == 2, (args, result.output)
        assert result.stderr.startswith(start), (args, result.stderr)
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_parameters_reach_sub_selects_that_mention_them():
    text = (
        "SELECT ?n WHERE { { SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?v } } "
        "{ SELECT ?other WHERE { ?other ?p ?o } } }"
    )
    bound = bind_query(text, {"v": Literal("x")})
    assert bound.count('VALUES (?v) { ("x") }') == 2  # the WHERE clause and the first sub-SELECT
    assert "{ SELECT ?other WHERE { ?other" in bound
    store = ox.Store()
    for value in ("x", "y", "x"):
        store.add(
            ox.Quad(
                ox.NamedNode(f"http://x/{value}"),
                ox.NamedNode("http://x/p"),
                ox.Literal(value),
                ox.NamedNode("http://x/g"),
            )
        )
    query = "# title: t\n# param: v string required — v\n" + text
    assert run_query(query, store=store, params={"v": "x"}).rows[0]["n"] == 1
