"""The DCAT/VoID description: its figures equal counts made here independently, and it conforms."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
from rdflib import RDF, SH, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, VOID

from pgraph.publish.description import (
    DatasetInfo,
    describe_dataset,
    describe_dump_files,
    write_description,
)
from pgraph.publish.dumps import DumpFormat, write_dumps
from pgraph.resources import ontology_dir
from pgraph.vocab import DEFAULT_BASE

SPDX = Namespace("http://spdx.org/rdf/terms#")
ENDPOINT = "https://sparql.example.org/pgraph/query"
INFO = DatasetInfo(sparql_endpoint=ENDPOINT, modified=dt.date(2024, 5, 1),
                   download_base="https://downloads.example.org/pgraph/")
WIKIDATA = "http://www.wikidata.org/entity/"
LEGISLATION = "http://www.legislation.gov.uk/id/"


@pytest.fixture(scope="module")
def store(built_store) -> ox.Store:
    return built_store


@pytest.fixture(scope="module")
def merged(store) -> Graph:
    """The merge of the store's graphs, read with rdflib from pyoxigraph's N-Triples."""
    graph = Graph()
    graph.parse(data=ox.serialize((q.triple for q in store), format=ox.RdfFormat.N_TRIPLES),
                format="nt")
    return graph


@pytest.fixture(scope="module")
def dumps(store, tmp_path_factory):
    folder = tmp_path_factory.mktemp("dumps")
    return folder, write_dumps(store, folder, [DumpFormat.TURTLE, DumpFormat.NQUADS],
                               gzip=True) + write_dumps(store, folder, [DumpFormat.JSONLD])


@pytest.fixture(scope="module")
def description(store, dumps) -> Graph:
    return describe_dataset(store, dumps[1], info=INFO)


def count(graph: Graph, query: str) -> int:
    return int(next(iter(graph.query(query)))[0])


def value(graph: Graph, subject, predicate) -> int:
    found = list(graph.objects(subject, predicate))
    assert len(found) == 1, (subject, predicate, found)
    return int(found[0])


def test_dataset_figures_equal_independent_counts(description, merged):
    d = INFO.dataset
    assert value(description, d, VOID.triples) == len(merged)
    assert value(description, d, VOID.distinctSubjects) == count(
        merged, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }")
    assert value(description, d, VOID.distinctObjects) == count(
        merged, "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }")
    assert value(description, d, VOID.entities) == count(merged, f"""
        SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{
          ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{DEFAULT_BASE}")) }}""")
    assert value(description, d, VOID.classes) == count(
        merged, "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?s a ?c }")
    assert value(description, d, VOID.properties) == count(
        merged, "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?s ?p ?o }")
    assert str(description.value(d, VOID.uriSpace)) == DEFAULT_BASE


def test_class_partitions_count_instances(description, merged):
    expected = {str(c): int(n) for c, n in merged.query(
        "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c")}
    got = {str(description.value(p, VOID["class"])): int(description.value(p, VOID.entities))
           for p in description.objects(INFO.dataset, VOID.classPartition)}
    assert got == expected
    assert got["https://w3id.org/pgraph/ontology#Practice"] == len(
        set(merged.subjects(RDF.type, URIRef("https://w3id.org/pgraph/ontology#Practice"))))


def test_property_partitions_count_triples(description, merged):
    expected = {str(p): int(n) for p, n in merged.query(
        "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p")}
    got = {str(description.value(p, VOID.property)): int(description.value(p, VOID.triples))
           for p in description.objects(INFO.dataset, VOID.propertyPartition)}
    assert got == expected


@pytest.mark.parametrize("key, namespace", [("wikidata", WIKIDATA),
                                            ("legislation", LEGISLATION)])
def test_linksets_count_links_to_each_target(description, merged, key, namespace):
    expected = {str(p): int(n) for p, n in merged.query(f"""
        SELECT ?p (COUNT(*) AS ?n) WHERE {{
          ?s ?p ?o FILTER(isIRI(?o) && STRSTARTS(STR(?o), "{namespace}")
                          && !STRSTARTS(STR(?s), "{namespace}")) }} GROUP BY ?p""")}
    assert expected, f"the built catalogue should link to {key}"
    linksets = [ls for ls in description.objects(INFO.dataset, VOID.subset)
                if (ls, RDF.type, VOID.Linkset) in description]
    got = {}
    for linkset in linksets:
        target = description.value(linkset, VOID.objectsTarget)
        if str(description.value(target, VOID.uriSpace)) == namespace:
            got[str(description.value(linkset, VOID.linkPredicate))] = int(
                description.value(linkset, VOID.triples))
            assert description.value(linkset, VOID.subjectsTarget) == INFO.dataset
    assert got == expected


def test_wikidata_links_include_country_matches(description):
    linkset = URIRef(f"{INFO.dataset}/linkset/wikidata/skos-exactMatch")
    assert value(description, linkset, VOID.triples) >= 1
    statutory = URIRef(f"{INFO.dataset}/linkset/legislation/pg-statutoryBasis")
    assert value(description, statutory, VOID.triples) >= 1


def test_distributions_have_size_checksum_media_type_and_licence(description, dumps):
    folder, written = dumps
    distributions = {str(description.value(d, DCAT.downloadURL)): d
                     for d in description.objects(INFO.dataset, DCAT.distribution)
                     if description.value(d, DCAT.downloadURL)}
    assert len(distributions) == len(written) == 3
    for path in sorted(folder.iterdir()):
        data = path.read_bytes()
        distribution = distributions[INFO.download_base + path.name]
        assert value(description, distribution, DCAT.byteSize) == len(data)
        assert description.value(distribution, DCAT.byteSize).datatype == XSD.nonNegativeInteger
        checksum = description.value(distribution, SPDX.checksum)
        assert description.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert str(description.value(checksum, SPDX.checksumValue)) == hashlib.sha256(
            data).hexdigest()
        media = str(description.value(distribution, DCAT.mediaType))
        fmt = DumpFormat.parse(path.name.split(".")[1])
        assert media == f"http://www.iana.org/assignments/media-types/{fmt.media_type}"
        assert description.value(distribution, DCTERMS.license) == URIRef(INFO.license)
        zipped = description.value(distribution, DCAT.compressFormat)
        assert (zipped is not None) == path.name.endswith(".gz")
        assert (INFO.dataset, VOID.dataDump, URIRef(INFO.download_base + path.name)) in description


def test_the_sparql_endpoint_is_a_data_service(description):
    services = list(description.subjects(RDF.type, DCAT.DataService))
    assert len(services) == 1
    service = services[0]
    assert description.value(service, DCAT.endpointURL) == URIRef(ENDPOINT)
    assert description.value(service, DCAT.servesDataset) == INFO.dataset
    assert (INFO.catalog, DCAT.service, service) in description
    assert (INFO.dataset, VOID.sparqlEndpoint, URIRef(ENDPOINT)) in description


def test_catalogue_publisher_themes_and_coverage(description, merged):
    assert (INFO.catalog, DCAT.dataset, INFO.dataset) in description
    publisher = description.value(INFO.dataset, DCTERMS.publisher)
    assert publisher == URIRef(INFO.publisher)
    themes = set(description.objects(INFO.dataset, DCAT.theme))
    assert URIRef("http://publications.europa.eu/resource/authority/data-theme/JUST") in themes
    domains = set(merged.objects(None, URIRef("https://w3id.org/pgraph/ontology#domain")))
    curated = {d for d in domains if d.startswith("https://w3id.org/pgraph/vocab/domain/")}
    assert curated <= themes and curated != domains  # unmapped domains are no themes
    codes = {str(c) for c, in merged.query("""
        PREFIX pg: <https://w3id.org/pgraph/ontology#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT DISTINCT ?code WHERE { ?p a pg:Practice ; pg:country/skos:notation ?code }""")}
    import pycountry

    expected = {URIRef("http://publications.europa.eu/resource/authority/country/"
                       + pycountry.countries.get(alpha_2=c).alpha_3) for c in codes}
    assert set(description.objects(INFO.dataset, DCTERMS.spatial)) == expected
    first, last = next(iter(merged.query("""
        PREFIX pg: <https://w3id.org/pgraph/ontology#>
        PREFIX schema: <https://schema.org/>
        SELECT (MIN(?d) AS ?first) (MAX(?d) AS ?last)
        WHERE { ?p a pg:Practice ; pg:startDate ?d }
    """)))
    period = description.value(INFO.dataset, DCTERMS.temporal)
    assert description.value(period, DCAT.startDate) == Literal(str(first), datatype=XSD.date)
    assert description.value(period, DCAT.endDate) == Literal(str(last), datatype=XSD.date)


# ---------------------------------------------------------------- shapes


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(ontology_dir() / "dataset-shapes.ttl")


def validate(graph: Graph, shapes: Graph) -> tuple[bool, str]:
    conforms, _report, text = pyshacl.validate(graph, shacl_graph=shapes, advanced=True)
    return conforms, text


def test_the_description_conforms_to_the_dataset_shapes(description, shapes):
    conforms, text = validate(description, shapes)
    assert conforms, text


def test_the_written_description_reads_back_and_conforms(description, shapes, tmp_path):
    written = write_description(description, tmp_path / "dataset.ttl")
    again = Graph().parse(tmp_path / "dataset.ttl")
    assert len(again) == len(description)
    assert validate(again, shapes)[0]
    first = (tmp_path / "dataset.ttl").read_bytes()
    write_description(description, tmp_path / "dataset.ttl")
    assert (tmp_path / "dataset.ttl").read_bytes() == first
    assert written.byte_size == len(first)


@pytest.mark.parametrize("breakage, message", [
    (lambda g: g.remove((None, DCAT.byteSize, None)), "size in bytes"),
    (lambda g: [g.set((c, SPDX.checksumValue, Literal("ABC", datatype=XSD.hexBinary)))
                for c in list(g.subjects(RDF.type, SPDX.Checksum))], "64 lower-case"),
    (lambda g: g.remove((None, DCTERMS.license, None)), "licence"),
    (lambda g: g.remove((None, DCAT.endpointURL, None)), "endpoint URL"),
    (lambda g: g.remove((None, VOID.triples, None)), "void:triples"),
    (lambda g: g.remove((None, DCTERMS.publisher, None)), "publisher"),
], ids=["byte-size", "checksum", "licence", "endpoint", "triples", "publisher"])
def test_the_shapes_catch_a_broken_description(description, shapes, breakage, message):
    broken = Graph()
    for triple in description:
        broken.add(triple)
    breakage(broken)
    conforms, text = validate(broken, shapes)
    assert not conforms
    assert message in text


def test_describe_dump_files_reads_sizes_and_checksums(dumps):
    folder, written = dumps
    found = {d.path.name: d for d in describe_dump_files(folder)}
    for dump in written:
        assert found[dump.path.name].sha256 == dump.sha256
        assert found[dump.path.name].byte_size == dump.byte_size
        assert found[dump.path.name].gzip == dump.gzip


def test_describe_command_writes_a_conforming_description(built_store_path, tmp_path, shapes):
    from click.testing import CliRunner

    from pgraph.cli import cli

    runner = CliRunner()
    dist = tmp_path / "dist"
    dist.mkdir()
    assert runner.invoke(cli, ["dump", "--store", str(built_store_path), "--out", str(dist),
                               "--format", "turtle", "--format", "jsonld"]).exit_code == 0
    result = runner.invoke(cli, ["describe", "--store", str(built_store_path), "--dumps",
                                 str(dist), "--service-url", ENDPOINT,
                                 "--publisher-name", "Example Publisher"])
    assert result.exit_code == 0, result.output
    description = Graph().parse(dist / "dataset.ttl")
    assert validate(description, shapes)[0]
    sizes = {int(s) for s in description.objects(None, DCAT.byteSize)}
    assert sizes == {(dist / "pgraph.ttl").stat().st_size, (dist / "pgraph.jsonld").stat().st_size}
    assert "Example Publisher" in {str(n) for n in description.objects(
        None, URIRef("http://xmlns.com/foaf/0.1/name"))}
    # Run again: the description beside the dumps is not itself a distribution.
    first = (dist / "dataset.ttl").read_bytes()
    again = runner.invoke(cli, ["describe", "--store", str(built_store_path), "--dumps",
                                str(dist), "--endpoint", ENDPOINT,
                                "--publisher-name", "Example Publisher"])
    assert "describing 2 dumps" in again.output
    assert (dist / "dataset.ttl").read_bytes() == first


def test_modified_defaults_to_the_day_of_the_last_build(store, merged):
    ended = max(str(t) for t in merged.objects(
        None, URIRef("http://www.w3.org/ns/prov#endedAtTime")))
    description = describe_dataset(store, [], info=DatasetInfo())
    assert str(description.value(DatasetInfo().dataset, DCTERMS.modified)) == ended[:10]


# ---------------------------------------------------------------- DCAT-AP 3.0, the official shapes

DCAT_AP = Path(__file__).parent / "fixtures" / "dcat-ap-3.0"
GEOMETRY = {"http://www.w3.org/ns/dcat#bbox", "http://www.w3.org/ns/dcat#centroid"}


def dcat_ap_results(graph: Graph, level: str) -> list[tuple[str, str, str]]:
    """Return (focus node, path, message) of each result of one vendored DCAT-AP shapes file."""
    shapes = Graph().parse(DCAT_AP / f"{level}.ttl")
    _conforms, report, _text = pyshacl.validate(graph, shacl_graph=shapes, advanced=True)
    return sorted((str(report.value(r, SH.focusNode)), str(report.value(r, SH.resultPath)),
                   str(report.value(r, SH.resultMessage)))
                  for r in report.subjects(RDF.type, SH.ValidationResult))


@pytest.mark.parametrize("level", ["shapes", "range"])
def test_the_description_meets_dcat_ap_mandatory_constraints(description, level):
    assert dcat_ap_results(description, level) == []


def test_the_description_has_every_dcat_ap_recommended_property(description):
    """The only gap: the geometry (bbox, centroid) of the EU country IRIs, which pgraph lacks."""
    results = dcat_ap_results(description, "shapes_recommended")
    assert [r for r in results if r[1] not in GEOMETRY] == []
    assert {r[0] for r in results} <= {str(o) for o in description.objects(None, DCTERMS.spatial)}


def test_the_official_shapes_catch_what_pgraph_shapes_did_not(description):
    """An untyped licence or theme, as pgraph wrote before, fails DCAT-AP's range shapes."""
    broken = Graph()
    for triple in description:
        broken.add(triple)
    broken.remove((URIRef(INFO.license), RDF.type, None))
    broken.remove((URIRef("http://publications.europa.eu/resource/authority/data-theme/JUST"),
                   RDF.type, None))
    paths = {r[1] for r in dcat_ap_results(broken, "range")}
    assert {str(DCTERMS.license), str(DCAT.theme)} <= paths


def test_describe_twice_with_another_format_adds_no_dump(built_store_path, tmp_path):
    from click.testing import CliRunner

    from pgraph.cli import cli

    runner = CliRunner()
    dist = tmp_path / "dist"
    assert runner.invoke(cli, ["dump", "--store", str(built_store_path), "--out", str(dist),
                               "--format", "turtle"]).exit_code == 0
    assert sorted(p.name for p in dist.iterdir()) == ["pgraph.ttl"]
    args = ["describe", "--store", str(built_store_path), "--dumps", str(dist)]
    assert runner.invoke(cli, args).exit_code == 0
    assert runner.invoke(cli, [*args, "--format", "jsonld"]).exit_code == 0
    assert (dist / "dataset.jsonld").is_file()
    result = runner.invoke(cli, [*args, "--endpoint", ENDPOINT])
    assert "describing 1 dumps" in result.output
    description = Graph().parse(dist / "dataset.ttl")
    assert len(list(description.objects(INFO.dataset, DCAT.distribution))) == 2  # dump + SPARQL
