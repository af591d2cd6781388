"""Dumps: every format parses back to the store's graph; Turtle and N-Triples are byte-stable."""

from __future__ import annotations

import gzip
import io
import json

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic

from pgraph.errors import PublishError
from pgraph.publish import dumps as dumps_module
from pgraph.publish.dumps import DumpFormat, file_digest, write_dump, write_dumps
from pgraph.publish.jsonld import jsonld_context
from pgraph.resources import ontology_dir

RDFLIB_FORMATS = {
    DumpFormat.TURTLE: "turtle",
    DumpFormat.NTRIPLES: "nt",
    DumpFormat.NQUADS: "nquads",
    DumpFormat.TRIG: "trig",
    DumpFormat.JSONLD: "json-ld",
    DumpFormat.RDFXML: "xml",
}


@pytest.fixture(scope="module")
def store(built_store) -> ox.Store:
    return built_store


@pytest.fixture(scope="module")
def reference(store) -> Dataset:
    """The store as an rdflib Dataset, read from pyoxigraph's own N-Quads (not our writer)."""
    dataset = Dataset()
    dataset.parse(data=ox.serialize(store, format=ox.RdfFormat.N_QUADS), format="nquads")
    return dataset


def merged(dataset: Dataset) -> Graph:
    """Return the merge of every graph of the dataset (a triple in two graphs counts once)."""
    graph = Graph()
    for context in dataset.graphs():
        for triple in context:
            graph.add(triple)
    return graph


def named_graphs(dataset: Dataset) -> dict[str, Graph]:
    return {str(g.identifier): g for g in dataset.graphs()
            if len(g) and isinstance(g.identifier, URIRef)
            and str(g.identifier) != "urn:x-rdflib:default"}


def read_back_rdflib(data: bytes, fmt: DumpFormat) -> Dataset:
    dataset = Dataset()
    dataset.parse(data=data, format=RDFLIB_FORMATS[fmt])
    return dataset


@pytest.mark.parametrize("fmt", list(DumpFormat), ids=lambda f: f.value)
def test_each_format_parses_back_to_the_store(store, reference, tmp_path, fmt):
    path = tmp_path / f"dump.{fmt.extension}"
    dump = write_dump(store, path, fmt)
    data = path.read_bytes()
    assert (dump.byte_size, dump.sha256) == file_digest(path)

    # rdflib
    parsed = read_back_rdflib(data, fmt)
    # pyoxigraph
    oxigraph = ox.Dataset(ox.parse(data, format=fmt.oxigraph_format))
    if fmt.keeps_graphs:
        expected = named_graphs(reference)
        got = named_graphs(parsed)
        assert set(got) == set(expected)
        for name, graph in expected.items():
            assert isomorphic(got[name], graph), name
        assert set(oxigraph) == set(store)
        assert dump.triples == len(store)
    else:
        expected_graph = merged(reference)
        assert isomorphic(merged(parsed), expected_graph)
        assert {q.triple for q in oxigraph} == {q.triple for q in store}
        assert dump.triples == len(expected_graph)


@pytest.mark.parametrize("fmt", list(DumpFormat), ids=lambda f: f.value)
def test_a_gzipped_dump_holds_the_same_bytes(store, tmp_path, fmt):
    plain, zipped = io.BytesIO(), tmp_path / f"dump.{fmt.extension}.gz"
    write_dump(store, plain, fmt)
    dump = write_dump(store, zipped, fmt, gzip=True)
    assert zipped.read_bytes()[:2] == b"\x1f\x8b"
    assert gzip.decompress(zipped.read_bytes()) == plain.getvalue()
    assert (dump.byte_size, dump.sha256) == file_digest(zipped)


@pytest.mark.parametrize("fmt", list(DumpFormat), ids=lambda f: f.value)
def test_two_exports_give_the_same_bytes(store, fmt):
    first, second = io.BytesIO(), io.BytesIO()
    write_dump(store, first, fmt, gzip=True)
    write_dump(store, second, fmt, gzip=True)
    assert first.getvalue() == second.getvalue()


def _shuffled_copy(store: ox.Store) -> ox.Store:
    copy = ox.Store()
    copy.extend(sorted(store, key=lambda q: str(q)[::-1]))
    return copy


@pytest.mark.parametrize("fmt", [DumpFormat.TURTLE, DumpFormat.NTRIPLES, DumpFormat.NQUADS,
                                 DumpFormat.TRIG], ids=lambda f: f.value)
def test_the_same_graph_loaded_in_another_order_gives_the_same_bytes(store, fmt):
    first, second = io.BytesIO(), io.BytesIO()
    write_dump(store, first, fmt)
    write_dump(_shuffled_copy(store), second, fmt)
    assert first.getvalue() == second.getvalue()


def test_ntriples_lines_are_sorted_and_unique(store):
    out = io.BytesIO()
    write_dump(store, out, "ntriples")
    lines = out.getvalue().decode("utf-8").splitlines()
    assert lines == sorted(set(lines))


def test_turtle_uses_the_fixed_prefixes_and_lists_types_first(store):
    out = io.BytesIO()
    write_dump(store, out, "turtle")
    text = out.getvalue().decode("utf-8")
    assert "@prefix pg: <https://w3id.org/pgraph/ontology#> ." in text
    assert "@prefix skos: <http://www.w3.org/2004/02/skos/core#> ." in text
    practice = text.index("<https://w3id.org/pgraph/id/practice/")
    assert text[practice:].split("\n", 1)[0].endswith("a pg:Practice ;")


def _store_with_blank_nodes(labels: tuple[str, str]) -> ox.Store:
    store = ox.Store()
    graph = ox.NamedNode("https://example.org/graph")
    s, p = ox.NamedNode("https://example.org/s"), ox.NamedNode("https://example.org/p")
    a, b = ox.BlankNode(labels[0]), ox.BlankNode(labels[1])
    store.extend([
        ox.Quad(s, p, a, graph),
        ox.Quad(a, p, b, graph),
        ox.Quad(b, ox.NamedNode("https://example.org/label"), ox.Literal("b"), graph),
        ox.Quad(a, ox.NamedNode("https://example.org/label"), ox.Literal("a"), graph),
    ])
    return store


@pytest.mark.parametrize("fmt", [DumpFormat.TURTLE, DumpFormat.NTRIPLES, DumpFormat.NQUADS],
                         ids=lambda f: f.value)
def test_blank_nodes_are_relabelled_canonically(fmt):
    first, second = io.BytesIO(), io.BytesIO()
    write_dump(_store_with_blank_nodes(("x1", "x2")), first, fmt)
    write_dump(_store_with_blank_nodes(("zz", "aa")), second, fmt)
    assert first.getvalue() == second.getvalue()
    assert b"_:c14n" in first.getvalue()


def test_graph_selection_writes_only_those_graphs(store, tmp_path):
    graphs = sorted(g.value for g in store.named_graphs())
    chosen = [g for g in graphs if "/graph/source/" in g][:2]
    dump = write_dump(store, tmp_path / "two.nq", "nquads", graphs=chosen)
    parsed = ox.Dataset(ox.parse(path=tmp_path / "two.nq"))
    assert {q.graph_name.value for q in parsed} == set(chosen)
    assert dump.graphs == tuple(chosen)
    expected = sum(1 for g in chosen for _ in store.quads_for_pattern(None, None, None,
                                                                        ox.NamedNode(g)))
    assert dump.triples == len(parsed) == expected


def test_an_unknown_graph_is_a_clear_error(store, tmp_path):
    with pytest.raises(PublishError, match=r"no graph <https://example.org/nope> in the store"):
        write_dump(store, tmp_path / "x.ttl", "turtle", graphs=["https://example.org/nope"])
    assert not (tmp_path / "x.ttl").exists()


def test_an_unknown_format_names_the_known_ones():
    with pytest.raises(PublishError, match="choose one of turtle, ntriples"):
        DumpFormat.parse("yaml")


def test_formats_are_known_by_name_extension_and_media_type():
    assert DumpFormat.parse("ttl") is DumpFormat.TURTLE
    assert DumpFormat.parse("application/ld+json") is DumpFormat.JSONLD
    assert DumpFormat.parse("json-ld") is DumpFormat.JSONLD
    assert DumpFormat.parse("n-quads") is DumpFormat.NQUADS


def test_a_failed_dump_leaves_no_file_behind(store, tmp_path, monkeypatch):
    target = tmp_path / "pgraph.ttl"
    target.write_bytes(b"previous release\n")

    def broken(quads, fmt, out, **_options):
        out.write(b"@prefix half: <written> .\n")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(dumps_module, "_serialize", broken)
    with pytest.raises(PublishError, match="No space left on device"):
        write_dump(store, target, "turtle")
    assert target.read_bytes() == b"previous release\n"
    assert [p.name for p in tmp_path.iterdir()] == ["pgraph.ttl"]


def test_write_dumps_writes_one_file_per_format(store, tmp_path):
    written = write_dumps(store, tmp_path, gzip=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        f"pgraph.{f.extension}.gz" for f in DumpFormat)
    for dump in written:
        assert (dump.byte_size, dump.sha256) == file_digest(dump.path)


# ---------------------------------------------------------------- JSON-LD


def test_jsonld_is_compacted_with_the_shipped_context(store):
    out = io.BytesIO()
    write_dump(store, out, "jsonld")
    document = json.loads(out.getvalue())
    shipped = json.loads((ontology_dir() / "context.jsonld").read_text())["@context"]
    assert document["@context"] == shipped == jsonld_context()
    text = out.getvalue().decode("utf-8")
    assert '"http://purl.org/dc/terms/title"' not in text  # the term "title" is used
    practice = next(node for graph in document["@graph"] for node in graph.get("@graph", [])
                    if node.get("@type") == "pg:Practice")
    assert set(practice["title"]) <= {"en", "fr", "de", "nl", "it", "es", "bg"}  # language map
    assert practice["country"].startswith("https://w3id.org/pgraph/vocab/country/")


def test_the_context_has_the_required_prefixes():
    context = jsonld_context()
    for prefix in ("pg", "dcterms", "skos", "org", "prov", "schema", "eli", "dcat", "void",
                   "xsd"):
        assert prefix in context
    iri_valued = [name for name, term in context.items()
                  if isinstance(term, dict) and term.get("@type") == "@id"]
    assert {"country", "partnership", "member", "sameAs", "exactMatch"} <= set(iri_valued)


def test_jsonld_keeps_language_tags_plain_strings_datatypes_and_lexical_forms():
    ns = "https://example.org/"
    xsd = "http://www.w3.org/2001/XMLSchema#"
    s = ox.NamedNode("https://w3id.org/pgraph/id/practice/x")
    title = ox.NamedNode("http://purl.org/dc/terms/title")
    quads = [
        (s, title, ox.Literal("Titre", language="fr")),
        (s, title, ox.Literal("Title", language="en")),
        (s, ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"),
         ox.Literal("no language")),
        (s, ox.NamedNode("https://w3id.org/pgraph/ontology#startDate"),
         ox.Literal("2014-01-01", datatype=ox.NamedNode(xsd + "date"))),
        (s, ox.NamedNode("https://w3id.org/pgraph/ontology#year"),
         ox.Literal("1998", datatype=ox.NamedNode(xsd + "gYear"))),
        (s, ox.NamedNode("https://w3id.org/pgraph/ontology#sourceLine"),
         ox.Literal("01", datatype=ox.NamedNode(xsd + "integer"))),
        (s, ox.NamedNode("https://w3id.org/pgraph/ontology#chapter"),
         ox.Literal("37", datatype=ox.NamedNode(xsd + "integer"))),
        (s, ox.NamedNode("http://www.w3.org/ns/prov#endedAtTime"),
         ox.Literal("2024-01-01T10:00:00Z", datatype=ox.NamedNode(xsd + "dateTime"))),
        (s, ox.NamedNode(ns + "other"), ox.NamedNode(ns + "thing")),
    ]
    store = ox.Store()
    store.extend(ox.Quad(*quad, ox.NamedNode(ns + "graph")) for quad in quads)
    out = io.BytesIO()
    write_dump(store, out, "jsonld")
    assert set(ox.parse(out.getvalue(), format=ox.RdfFormat.JSON_LD)) == set(store)
    document = json.loads(out.getvalue())
    node = next(n for n in document["@graph"] if n.get("@id") == s.value)
    assert node["title"] == {"en": "Title", "fr": "Titre"}
    assert node["pg:chapter"] == 37


def test_jsonld_never_names_a_remote_context(store):
    out = io.BytesIO()
    write_dump(store, out, "jsonld")
    document = json.loads(out.getvalue())
    assert isinstance(document["@context"], dict)


# ---------------------------------------------------------------- the CLI


def run(*args):
    from click.testing import CliRunner

    from pgraph.cli import cli

    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_dump_writes_every_format_into_a_folder(built_store_path, tmp_path):
    out = tmp_path / "dist"
    result = run("dump", "--store", built_store_path, "--out", f"{out}/", "--gzip")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"pgraph.{f.extension}.gz" for f in DumpFormat)
    assert result.output.count("Wrote ") == len(DumpFormat)


@pytest.mark.parametrize("formats", [[], ["turtle"]], ids=["every-format", "one-format"])
def test_dump_output_is_always_a_folder(built_store_path, tmp_path, formats):
    out = tmp_path / "dist"  # no trailing slash, not there yet
    options = [a for f in formats for a in ("--format", f)]
    result = run("dump", "--store", built_store_path, "--output", out, *options)
    assert result.exit_code == 0, result.output
    assert out.is_dir()
    expected = formats or [f.value for f in DumpFormat]
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"pgraph.{DumpFormat(f).extension}" for f in expected)


def test_dump_output_is_a_file_only_when_named_with_an_rdf_extension(built_store_path, tmp_path):
    result = run("dump", "--store", built_store_path, "-o", tmp_path / "all.ttl")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "all.ttl").is_file()


def test_dump_to_stdout_equals_the_library_dump(store, built_store_path):
    result = run("dump", "--store", built_store_path, "--format", "ntriples")
    assert result.exit_code == 0
    expected = io.BytesIO()
    write_dump(store, expected, "ntriples")
    assert result.stdout_bytes == expected.getvalue()


def test_dump_infers_the_format_from_the_file_name(built_store_path, tmp_path):
    result = run("dump", "--store", built_store_path, "--output", tmp_path / "all.nq.gz", "--gzip")
    assert result.exit_code == 0, result.output
    data = gzip.decompress((tmp_path / "all.nq.gz").read_bytes())
    assert len(ox.Dataset(ox.parse(data, format=ox.RdfFormat.N_QUADS))) > 0


def test_dump_of_an_unknown_graph_exits_2_with_one_line(built_store_path, tmp_path):
    result = run("dump", "--store", built_store_path, "--graph", "https://example.org/nope",
                 "--output", tmp_path / "x.ttl")
    assert result.exit_code == 2
    assert result.output == (
        "Error: graph: no graph <https://example.org/nope> in the store; "
        "list the store's graphs with `pgraph dump --list-graphs`\n")
    assert not (tmp_path / "x.ttl").exists()
