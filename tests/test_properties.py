"""Property-based tests (hypothesis): readers, parameter binding and IRI minting never misbehave.

For any input, the readers either give records or raise pgraph's own
``SourceError`` (never another exception, never the "bug in pgraph's
readers" error), and whatever records they give map to triples that an RDF
store accepts (every IRI valid, every language tag valid). Binding any value
to any parameter type either fails with ``QueryError`` or yields a query that
parses and binds exactly that one value. Minted IRIs are always valid, under
the base, and the same for the same key.

``EXAMPLES`` is the number of examples per property (reported in
the README (Reliability and security); ``python tests/reliability_figures.py`` prints it).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import string
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from rdflib import Literal, URIRef

from pgraph.errors import MappingError, QueryError, SourceError
from pgraph.mapping import Iris, map_practice, organisation_key
from pgraph.query.binding import bind_params, bind_query, sparql_term, to_term
from pgraph.query.library import PARAM_TYPES, parse_header
from pgraph.records import Practice
from pgraph.sources import read_page, read_source
from pgraph.sources.records_files import read_csv_records, read_json_records, read_yaml_records
from pgraph.store import replace_graphs, to_oxigraph
from pgraph.vocab import PGV, vocabularies

EXAMPLES = int(os.environ.get("PGRAPH_HYPOTHESIS_EXAMPLES", "200"))
"""Examples hypothesis tries per property (PGRAPH_HYPOTHESIS_EXAMPLES=5000 for a deeper run)."""

SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.function_scoped_fixture],
)
BUG = "bug in pgraph"

ROOT = Path(__file__).resolve().parents[1]
SEED_LINES = (ROOT / "data" / "pages" / "000_370808593d96a53c.txt").read_text(
    encoding="utf-8").splitlines()

# ---------------------------------------------------------------- strategies

HOSTILE = [
    '"', "'", '"""', "\\", "{", "}", "<", ">", "#", "\n", "\r", "\t", "\x00", "\u202e",
    "} ; DROP ALL ; {", '" . } DROP ALL { "', "\\u0022", "?x", "$x", "@en", "^^", "<>",
    "javascript:alert(1)", "file:///etc/passwd", "../../etc/passwd", "%2e%2e/", "&amp;",
    "<script>alert(1)</script>", "\u0645\u0631\u062d\u0628\u0627", "n/a", "*", "•",
    "https://", "http://[", "https://e.org/{x}", "https://e.org/a b", "31st February 2014",
    "Crime and Disorder Act (1998)", "The Safer City Partnership", "\ufeff", "\u2028",
]
texts = st.one_of(
    st.text(max_size=40),
    st.sampled_from(HOSTILE),
    st.lists(st.one_of(st.text(max_size=8), st.sampled_from(HOSTILE)), max_size=5).map("".join),
)


@st.composite
def page_lines(draw) -> str:
    """A line a catalogue page could hold: headings, bullets, labelled values, seed lines, junk."""
    headings = sorted(vocabularies().headings())
    kind = draw(st.integers(0, 7))
    if kind == 0:
        return draw(st.sampled_from(headings))
    if kind == 1:
        return draw(st.sampled_from(["  •\u00a0", "• ", "- ", "* ", "▪ "])) + draw(texts)
    if kind == 2:
        label = draw(st.sampled_from(["Date de début", "Start date", "Language", "Categories",
                                      "Calendrier", "Types"]))
        return f"{label}: {draw(texts)}"
    if kind == 3:
        return draw(st.sampled_from(SEED_LINES))
    if kind == 4:
        return draw(st.sampled_from(["https://", "http://"])) + draw(texts)
    if kind == 5:
        return draw(st.sampled_from(headings)) + " " + draw(texts)
    if kind == 6:
        return ""
    return draw(texts)


@st.composite
def pages(draw) -> str:
    """A page: the chrome line (mostly), a title (mostly), then lines, with any line ends."""
    lines = []
    if draw(st.booleans()):
        lines += ["Curricula - Knowledge - Navigation", ""]
    if draw(st.integers(0, 4)):
        lines.append(draw(st.text(min_size=1, max_size=30)))
    lines += draw(st.lists(page_lines(), max_size=40))
    end = draw(st.sampled_from(["\n", "\r\n", "\r", "\u2028"]))
    return end.join(lines)


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), texts),
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(texts, children, max_size=4),
    ),
    max_leaves=12,
)
FIELDS = [*Practice.model_fields, "partners", "statutory_act", "rating_impact",
          "assessment_relevance", "partnership_name", "unknown"]


@st.composite
def records(draw) -> dict:
    """A record: practice field names (and a few others) with any JSON values, often a title."""
    record = draw(st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=8))
    if draw(st.integers(0, 3)):
        record["title"] = draw(texts)
    return record


# ---------------------------------------------------------------- helpers


def assert_storable(practices: list[Practice]) -> None:
    """Map the practices and load the triples into a store: every term must be valid RDF."""
    for practice in practices:
        mapped = map_practice(practice)
        for triple in mapped.triples:
            for term in triple:
                to_oxigraph(term)  # raises ValueError for an invalid IRI or language tag
        replace_graphs(ox.Store(), {URIRef("https://e.org/g"): mapped.triples})


def read_or_refuse(reader, text: str, name: str) -> list[Practice]:
    try:
        practices, warnings = reader(text, name=name)
    except SourceError as error:
        assert BUG not in str(error)
        assert str(error).startswith(name), str(error)
        return []
    assert all(str(w).startswith(name) for w in warnings)
    return practices


# ---------------------------------------------------------------- page reader


@SETTINGS
@given(pages())
@example("Curricula - Knowledge - Navigation\n\nT\n • n/a\n • Date de début: n/a\nObjectives\n\nx")
@example("T\n• France\nLiens utiles\nhttps://e.org/{x}\nRéférences\nR. https://a b.\nObjectives\nx")
@example("T\n• France\nÉchelons\n" + "• L\n" * 600 + "Objectives\nx")
def test_page_reader_gives_a_record_or_a_source_error(page: str) -> None:
    try:
        practice, warnings = read_page(page, name="p.txt")
    except SourceError as error:
        assert str(error).startswith("p.txt")
        return
    assert all(str(w).startswith("p.txt") for w in warnings)
    assert_storable([practice])


@SETTINGS
@given(st.binary(max_size=2000), st.sampled_from([".txt", ".yaml", ".json", ".csv", ".ttl",
                                                   ".nt", ".rdf", ".jsonld", ".trig", ".nq"]))
def test_any_bytes_in_any_source_file_never_crash_the_reader(tmp_path_factory, data, suffix):
    folder = tmp_path_factory.mktemp("bytes", numbered=True)
    path = folder / f"f{suffix}"
    path.write_bytes(data)
    records = read_source(path, root=folder, source_urls={})
    assert records.error is None or BUG not in str(records.error), str(records.error)
    assert records.error is None or str(records.error).startswith(f"f{suffix}")
    assert_storable(records.practices)
    for triple in records.triples:
        for term in triple:
            to_oxigraph(term)


# ---------------------------------------------------------------- record readers


@SETTINGS
@given(st.one_of(records(), st.lists(records(), max_size=4), json_values))
def test_json_records_give_records_or_a_source_error(data) -> None:
    text = json.dumps(data, ensure_ascii=bool(len(str(data)) % 2))
    assert_storable(read_or_refuse(read_json_records, text, "r.json"))


@SETTINGS
@given(st.one_of(records(), st.lists(records(), max_size=4)))
def test_yaml_records_give_records_or_a_source_error(data) -> None:
    try:
        text = yaml.safe_dump(data, allow_unicode=True)
    except yaml.YAMLError:
        return
    assert_storable(read_or_refuse(read_yaml_records, text, "r.yaml"))


@SETTINGS
@given(st.lists(st.sampled_from(FIELDS), min_size=1, max_size=6),
       st.lists(st.lists(texts, max_size=7), max_size=5))
def test_csv_records_give_records_or_a_source_error(header, rows) -> None:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    assert_storable(read_or_refuse(read_csv_records, buffer.getvalue(), "r.csv"))


@SETTINGS
@given(st.text(max_size=300))
@example("title: A\nx: &a [*a]\n")
@example("- &a [*a, *a]\n")
@example("title: !!python/name:os.system\n")
def test_any_yaml_text_gives_records_or_a_source_error(text: str) -> None:
    assert_storable(read_or_refuse(read_yaml_records, text, "r.yaml"))


# ---------------------------------------------------------------- parameter binding

QUERY = "\n".join(
    ["# title: every type", *(f"# param: p_{kind} {kind} -" for kind in PARAM_TYPES),
     "SELECT * WHERE { }"]
)
INFO = parse_header(QUERY, name="every-type")
values = st.one_of(
    texts,
    st.integers(min_value=-(10**30), max_value=10**30),
    st.dates(),
    st.builds(lambda text, tag: f"{text}@{tag}", texts, st.from_regex(r"[a-z]{1,3}(-[A-Z]{2})?",
                                                                       fullmatch=True)),
    st.builds(lambda rest: "https://e.org/" + rest, texts),
    st.floats(allow_nan=False),
    st.booleans(),
)


@SETTINGS
@given(st.sampled_from(PARAM_TYPES), values)
@example("langstring", "x@a")
@example("iri", "a:%zz")
@example("string", "\x00")
@example("string", '} ; DROP ALL ; { "')
def test_binding_any_value_gives_one_exact_term_or_a_query_error(kind: str, value) -> None:
    name = f"p_{kind}"
    try:
        bound = bind_params(INFO, {name: value})
    except QueryError as error:
        assert BUG not in str(error)
        return
    term = bound[name]
    text = bind_query(INFO.text, bound)
    # The value arrives as exactly one solution binding exactly that term.
    rows = list(ox.Store().query(text))
    assert len(rows) == 1
    assert rows[0][name] == to_oxigraph(term)
    if kind == "string":
        assert str(term) == str(value)
    # No other variable appears: the value cannot have opened a second binding.
    assert [v.value for v in ox.Store().query(text).variables] == [name]


@SETTINGS
@given(texts, st.sampled_from(PARAM_TYPES))
def test_to_term_and_sparql_term_agree(value: str, kind: str) -> None:
    try:
        term = to_term(value, kind, "v")
    except QueryError:
        return
    written = sparql_term(term)
    rows = list(ox.Store().query(f"SELECT ?v WHERE {{ BIND({written} AS ?v) }}"))
    assert rows[0]["v"] == to_oxigraph(term)


# ---------------------------------------------------------------- IRI minting

bases = st.one_of(
    st.sampled_from(["https://w3id.org/pgraph/", "https://example.org/x#", "http://e.org",
                     "urn:x:", "https://e.org/a b/", "javascript:alert(1)//", "", "e.org/"]),
    st.builds(lambda t: "https://e.org/" + t, texts),
    texts,
)


@SETTINGS
@given(texts, texts, st.one_of(st.none(), st.integers(-5000, 5000)))
@example("../../etc/passwd", "\x00", 1998)
@example("", "", None)
@example("\u01b1THE:0", "", None)  # an article behind a letter the slug cannot spell
@example("La La Land Trust", "", None)  # an article followed by another
def test_minted_iris_are_valid_under_the_base_and_stable(key: str, other: str, year) -> None:
    iris = Iris("https://example.org/base/")
    minted = [
        iris.practice(key), iris.assessment(key, other), iris.reference(key, 3),
        iris.section(key, other), iris.organisation(key), iris.partnership(key),
        iris.concept(PGV.domain, key), iris.legislation(key, year), iris.source_graph(key),
        iris.graph(key),
    ]
    minted.append(iris.membership(minted[5], minted[4]))
    for iri in minted:
        ox.NamedNode(str(iri))  # raises ValueError for an invalid IRI
        assert str(iri).startswith("https://example.org/base/")
        tail = str(iri)[len("https://example.org/base/"):]
        assert ".." not in tail.split("/") and "\x00" not in tail
    again = Iris("https://example.org/base/")
    assert again.practice(key) == minted[0]
    assert again.organisation(key) == minted[4]
    assert again.source_graph(key) == minted[8]
    # The organisation key is a fixed point: a key names the same organisation again.
    assert organisation_key(organisation_key(key)) == organisation_key(key) or not key.strip()


@SETTINGS
@given(bases, texts)
def test_a_base_gives_valid_iris_or_a_mapping_error(base: str, key: str) -> None:
    try:
        iris = Iris(base)
    except MappingError as error:
        assert "base" in str(error)
        return
    ox.NamedNode(str(iris.practice(key)))
    ox.NamedNode(str(iris.organisation(key)))


@SETTINGS
@given(st.text(alphabet=string.ascii_letters + string.digits + " -'\u2019.&*()", max_size=40))
def test_organisation_names_differing_only_in_case_spacing_or_the_mark_are_one_node(name):
    iris = Iris()
    assert iris.organisation(name) == iris.organisation(f"  {name.upper()}* ")


def test_the_readme_reports_these_properties_and_examples() -> None:
    import re

    source = Path(__file__).read_text(encoding="utf-8")
    properties = source.count("\n@given(")
    default = int(re.search(r'"PGRAPH_HYPOTHESIS_EXAMPLES", "(\d+)"', source)[1])
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    reported = re.search(r"(\d+) properties × (\d+) examples = ([\d,]+)", readme)  # noqa: RUF001
    assert reported is not None, "the README's figure of property-based tests is gone"
    assert (int(reported[1]), int(reported[2])) == (properties, default)
    assert int(reported[3].replace(",", "")) == properties * default


@pytest.mark.parametrize("value", [dt.date(2014, 1, 1), "2014-01-01"])
def test_a_date_binds_as_xsd_date(value) -> None:
    assert to_term(value, "date", "d") == Literal("2014-01-01", datatype=URIRef(
        "http://www.w3.org/2001/XMLSchema#date"))


# ---------------------------------------------------------------- queries built for `pgraph link`


@SETTINGS
@given(st.lists(texts, min_size=1, max_size=3))
def test_link_queries_carry_any_organisation_name_as_one_literal(names) -> None:
    from pgraph.publish import link

    organisations = [link.Organisation(f"https://e.org/o{i}", name)
                     for i, name in enumerate(names) if name.strip()]
    sent = [query for _batch, query in link.candidate_queries(organisations)]
    wanted = {(str(i), v) for i, o in enumerate(organisations) for v in link.name_variants(o)}
    got = set()
    for query in sent:
        values = query.split("WHERE {", 1)[1].rsplit("?item rdfs:label", 1)[0]
        probe = f"SELECT ?key ?name WHERE {{ {values.strip()} }}"
        got |= {(row["key"].value, row["name"].value) for row in ox.Store().query(probe)}
    assert got == wanted


# ---------------------------------------------------------------- every parameterised query

HOSTILE_VALUES = [
    '} ; DROP ALL ; {', '" } DROP ALL { "', "'''} UNION { ?s ?p ?o }'''", "\\\" ) } #",
    "x\n} INSERT DATA { <a:b> <a:c> <a:d> }", "http://x/a> } DROP ALL { <http://x/b",
    "Police@en } UNION { ?s ?p ?o", "2014-01-01\" } #", "1 } UNION { ?s ?p ?o }",
]


def _parameterised_queries():
    from pgraph.query.library import list_queries

    return [(info, spec) for info in list_queries() for spec in info.params]


@pytest.mark.parametrize(("info", "spec"), _parameterised_queries(),
                         ids=lambda x: getattr(x, "name", ""))
def test_every_parameter_of_every_library_query_binds_hostile_text_as_one_term(info, spec):
    from pgraph.query import run_query
    from pgraph.query.binding import values_block

    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("https://e.org/s"), ox.NamedNode("https://e.org/p"),
                      ox.Literal("o"), ox.NamedNode("https://e.org/g")))
    for value in HOSTILE_VALUES:
        try:
            bound = bind_params(info, {spec.name: value})
        except QueryError:
            continue  # refused: not an IRI, a date, an integer, a language-tagged string
        term = bound[spec.name]
        rows = list(ox.Store().query(f"SELECT * WHERE {{ {values_block({spec.name: term})} }}"))
        assert [r[spec.name] for r in rows] == [to_oxigraph(term)]
        assert value.strip() in (term.value if hasattr(term, "value") else str(term)) or (
            spec.type == "langstring")
        try:
            run_query(info, store=store, params={spec.name: value})
        except QueryError as error:
            assert BUG not in str(error)
        assert len(store) == 1  # nothing dropped, nothing inserted
