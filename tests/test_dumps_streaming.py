"""Streaming dumps: byte-identical to the whole-list writer, with bounded memory.

The oracle is the writer as it was before streaming (tests/dumps_reference.py);
the streaming writer is run with its normal run size and with a tiny one, so
that the external merge of many sorted runs on disk is exercised too. Besides
the two catalogues (whose bytes change when the model does), the SHA-256 of
the N-Triples and N-Quads of a small store with shared blank nodes, from the
whole-list writer, pins the bytes.
"""

from __future__ import annotations

import io
import random

import pyoxigraph as ox
import pytest

from pgraph.publish import dumps as dumps_module
from pgraph.publish.dumps import DumpFormat, write_dump, write_triples
from pgraph.publish.sorting import ExternalSort
from tests.dumps_reference import reference_dump


@pytest.fixture(scope="module")
def synthetic_store(tmp_path_factory) -> ox.Store:
    """A store built from 40 synthetic practices (pgraph synth, seed 3)."""
    from pgraph.build import build_catalogue
    from pgraph.synth import generate_catalogue

    folder = tmp_path_factory.mktemp("synth")
    generate_catalogue(folder / "catalogue", practices=40, seed=3)
    build_catalogue([folder / "catalogue"], store_path=folder / "store")
    return ox.Store.read_only(str(folder / "store"))


def _store_with_shared_blank_nodes() -> ox.Store:
    """Blank nodes that two graphs share, a default graph, a triple in two graphs."""
    store = ox.Store()
    g1, g2 = ox.NamedNode("https://example.org/g1"), ox.NamedNode("https://example.org/g2")
    s, title = ox.NamedNode("https://example.org/s"), ox.NamedNode("http://purl.org/dc/terms/title")
    a, b = ox.BlankNode("x1"), ox.BlankNode("x2")
    store.extend([
        ox.Quad(s, title, a, g1), ox.Quad(a, title, b, g2),
        ox.Quad(b, title, ox.Literal("b\u2028\x00\r\n", language="fr"), g1),
        ox.Quad(s, title, ox.Literal("t"), ox.DefaultGraph()),
        ox.Quad(s, title, ox.Literal("t"), g2),
        ox.Quad(ox.NamedNode("https://example.org/x"),
                ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                ox.NamedNode("http://www.w3.org/2004/02/skos/core#Concept"), g2),
    ])
    return store


def _streamed(store, fmt, **options) -> bytes:
    out = io.BytesIO()
    write_dump(store, out, fmt, **options)
    return out.getvalue()


@pytest.mark.parametrize("gzip", [False, True], ids=["plain", "gzip"])
@pytest.mark.parametrize("fmt", list(DumpFormat), ids=lambda f: f.value)
def test_streamed_dumps_equal_the_whole_list_writer(built_store, synthetic_store, fmt, gzip):
    for store in (built_store, synthetic_store, _store_with_shared_blank_nodes()):
        assert _streamed(store, fmt, gzip=gzip) == reference_dump(store, fmt, gzip=gzip)


@pytest.mark.parametrize("fmt", list(DumpFormat), ids=lambda f: f.value)
def test_many_runs_merged_from_disk_give_the_same_bytes(synthetic_store, monkeypatch, fmt):
    expected = reference_dump(synthetic_store, fmt)
    monkeypatch.setattr(dumps_module, "RUN_SIZE", 997)  # dozens of runs spilled to disk
    assert _streamed(synthetic_store, fmt) == expected


def test_selected_graphs_equal_the_whole_list_writer(synthetic_store):
    graphs = sorted(g.value for g in synthetic_store.named_graphs())[:5]
    for fmt in DumpFormat:
        assert (_streamed(synthetic_store, fmt, graphs=[*graphs, graphs[0]])
                == reference_dump(synthetic_store, fmt, graphs=[*graphs, graphs[0]]))


GOLDEN = {
    # The whole-list writer's N-Triples and N-Quads of that store (2026-12-06): they depend on
    # no prefix table or context that the ontology may change.
    "ntriples": "39bbab1d47bc843ba803d88c07060566dea5e2a114ab1f90a0394c8f5b218c45",
    "nquads": "ef76fb0f476affebdf2bcb584b318166f040ed6b8aeefc6337e6fba3c4f1b742",
}


@pytest.mark.parametrize("fmt", [DumpFormat.NTRIPLES, DumpFormat.NQUADS], ids=lambda f: f.value)
def test_blank_node_dumps_keep_their_golden_bytes(fmt):
    import hashlib

    assert hashlib.sha256(_streamed(_store_with_shared_blank_nodes(), fmt)).hexdigest() \
        == GOLDEN[fmt.value]


def test_write_triples_sorts_like_a_dump():
    title = ox.NamedNode("http://purl.org/dc/terms/title")
    triples = [ox.Triple(ox.NamedNode(f"https://example.org/{i}"), title, ox.Literal(str(i)))
               for i in range(30)]
    random.Random(1).shuffle(triples)
    out = io.BytesIO()
    dump = write_triples([*triples, triples[0]], out, "ntriples")
    lines = out.getvalue().decode().splitlines()
    assert lines == sorted(lines) and len(lines) == 30 == dump.triples


def test_external_sort_merges_runs_in_order_once_each(tmp_path):
    items = [random.Random(7).randrange(1000) for _ in range(5000)]
    with ExternalSort(run_size=300, directory=tmp_path) as sorter:
        sorter.extend(items)
        assert len(list(tmp_path.iterdir())) in (0, 16)  # anonymous temporary files, or 16 runs
        assert list(sorter.merged()) == sorted(items)
        assert list(sorter.merged(unique=True)) == sorted(set(items))
        assert sorter.count == 5000


def test_external_sort_in_memory_touches_no_file(tmp_path):
    with ExternalSort(run_size=10, directory=tmp_path) as sorter:
        sorter.extend([3, 1, 2])
        assert list(sorter.merged()) == [1, 2, 3]
        assert sorter._runs == []


def test_write_triples_keeps_derived_datatypes():
    # A Store would turn xsd:nonNegativeInteger into xsd:integer (dcat:byteSize needs the former).
    count = ox.NamedNode("http://www.w3.org/2001/XMLSchema#nonNegativeInteger")
    triple = ox.Triple(ox.NamedNode("https://example.org/d"),
                       ox.NamedNode("http://www.w3.org/ns/dcat#byteSize"),
                       ox.Literal("7", datatype=count))
    out = io.BytesIO()
    write_triples([triple], out, "ntriples")
    assert out.getvalue().endswith(b'"7"^^<' + count.value.encode() + b"> .\n")


def test_the_sorted_lines_reach_the_parser_a_block_at_a_time():
    # The reader must not gather the whole (sorted) dump before Oxigraph parses it.
    taken = []

    def blocks():
        for i in range(1000):
            taken.append(i)
            yield b"<https://e.org/s> <https://e.org/p> \"%d\" .\n" % i

    reader = dumps_module._LineReader(blocks())
    assert reader.read(10) == b"<https://e"
    assert len(taken) == 1
    whole = dumps_module._LineReader(blocks())
    assert len(list(ox.parse(whole, format=ox.RdfFormat.N_TRIPLES))) == 1000


@pytest.mark.parametrize("fmt", list(DumpFormat), ids=lambda f: f.value)
def test_graphs_larger_than_a_chunk_give_the_same_bytes(synthetic_store, monkeypatch, fmt):
    # Every graph of more than 23 statements comes in pieces (JSON-LD regroups them by subject
    # on disk, a few subjects at a time); the blank-node store keeps its graphs whole.
    from pgraph.publish import jsonld

    expected = [reference_dump(store, fmt)
                for store in (synthetic_store, _store_with_shared_blank_nodes())]
    monkeypatch.setattr(dumps_module, "GRAPH_CHUNK", 23)
    monkeypatch.setattr(jsonld, "SUBJECT_BATCH", 7)
    assert [_streamed(synthetic_store, fmt), _streamed(_store_with_shared_blank_nodes(), fmt)] \
        == expected


def test_a_large_graph_alone_is_the_document_with_its_context(synthetic_store, monkeypatch):
    from pgraph.publish import jsonld

    sizes = {g.value: len(list(synthetic_store.quads_for_pattern(None, None, None, g)))
             for g in synthetic_store.named_graphs()}
    largest = max(sizes, key=sizes.__getitem__)
    expected = reference_dump(synthetic_store, DumpFormat.JSONLD, graphs=[largest])
    monkeypatch.setattr(dumps_module, "GRAPH_CHUNK", sizes[largest] // 3)
    monkeypatch.setattr(jsonld, "SUBJECT_BATCH", 5)
    assert _streamed(synthetic_store, DumpFormat.JSONLD, graphs=[largest]) == expected


def test_large_keys_compare_as_their_text(tmp_path):
    from pgraph.publish.jsonld import _LargeKey

    texts = ["", "a", "ab", "abc" * 5000, "abc" * 5000 + "d", "abd", "b"]
    keys = []
    for index, text in enumerate(texts):
        path = tmp_path / f"{index}.key"
        path.write_text(text, encoding="utf-8")
        keys.append(_LargeKey(path))
    for text, key in zip(texts, keys, strict=True):
        for other_text, other in zip(texts, keys, strict=True):
            assert (key < other) == (text < other_text) == (key < other_text)
            assert (key == other) == (text == other_text) == (key == other_text)
            assert (other_text > key) == (other_text > text)


def test_several_formats_read_the_store_once_and_give_the_same_bytes(synthetic_store, tmp_path,
                                                                     monkeypatch):
    # write_dumps copies the graphs into one temporary N-Quads file and parses it per format.
    from pgraph.publish.dumps import write_dumps

    def read_again(*_args):
        pytest.fail("the store was read once per format")

    for index, source in enumerate((synthetic_store, _store_with_shared_blank_nodes())):
        with monkeypatch.context() as patch:
            patch.setattr(dumps_module, "_store_graphs", read_again)
            written = write_dumps(source, tmp_path / str(index), list(DumpFormat))
        assert [dump.format for dump in written] == list(DumpFormat)
        for dump in written:
            assert dump.path.read_bytes() == reference_dump(source, dump.format), dump.format
