"""Coverage-guided fuzzing (atheris) of the record and RDF readers and of the parameter parser.

One harness per target, chosen by the first argument; each takes bytes the
way pgraph takes them and raises only for a crash:

- ``yaml``, ``json``, ``csv``: a record file — bytes decoded (``decode_text``),
  read (``read_yaml_records`` …), mapped (``map_practices``) and every term
  converted for the store (``to_oxigraph``, which refuses an invalid IRI or
  language tag). A ``PgraphError`` is a correct answer.
- ``html``: a catalogue page as HTML — ``read_html_page`` (lxml, then the
  page reader), mapped (``map_practice``) and every term converted.
- ``rdf``: an RDF file of one of the seven syntaxes (the first byte picks
  it) — ``read_rdf``, then every term converted for the store.
- ``params``: ``--param`` pairs for a query of the library (bytes picked by
  ``atheris.FuzzedDataProvider``: which query, which names, which values) —
  parsed as the CLI parses them, bound (``bind_params``), written into the
  query (``bind_query``) and run on an empty store. A ``QueryError`` is a
  correct answer; a SPARQL syntax error in the bound query is a crash (a
  value escaped its quotes).

Run (atheris is in the ``dev`` extra)::

    .venv/bin/python tests/fuzz/fuzz_readers.py yaml tests/fuzz/corpora/yaml -atheris_runs=50000

``tests/fuzz/corpora/<target>/`` holds the seeds (links to the fixtures and
bad-input files of that kind); crashes found are kept in
``tests/fuzz/crashes/<target>/`` and replayed by
``tests/test_fuzz_regressions.py``. ``PGRAPH_FUZZ_COLLECT=FOLDER`` keeps one
input per kind of crash instead of stopping at the first (as in
``fuzz_pages.py``). Results: ``tests/fuzz/RESULTS.md``.
"""

from __future__ import annotations

import sys

RDF_SUFFIXES = (".ttl", ".nt", ".nq", ".trig", ".rdf", ".owl", ".jsonld")


def _store_terms(triples) -> None:
    from pgraph.store import to_oxigraph

    for triple in triples:
        for term in triple:
            to_oxigraph(term)


def _check_records(data: bytes, suffix: str) -> None:
    from pgraph.errors import PgraphError
    from pgraph.mapping import map_practices
    from pgraph.sources.decoding import decode_text
    from pgraph.sources.records_files import (
        read_csv_records,
        read_json_records,
        read_yaml_records,
    )

    reader = {".yaml": read_yaml_records, ".json": read_json_records,
              ".csv": read_csv_records}[suffix]
    name = f"fuzz{suffix}"
    try:
        text, _ = decode_text(data, name=name)
        practices, _ = reader(text, name=name)
    except PgraphError:
        return
    _store_terms(map_practices(practices).triples)


def check_yaml(data: bytes) -> None:
    """Read, map and convert one YAML record file; raise only for a crash."""
    _check_records(data, ".yaml")


def check_json(data: bytes) -> None:
    """Read, map and convert one JSON record file; raise only for a crash."""
    _check_records(data, ".json")


def check_csv(data: bytes) -> None:
    """Read, map and convert one CSV record file; raise only for a crash."""
    _check_records(data, ".csv")


def check_html(data: bytes) -> None:
    """Read, map and convert one HTML catalogue page; raise only for a crash."""
    from pgraph.errors import PgraphError
    from pgraph.mapping import map_practice
    from pgraph.sources.html_pages import read_html_page

    try:
        practice, _ = read_html_page(data, name="fuzz.html")
    except PgraphError:
        return
    if practice is not None:
        _store_terms(map_practice(practice).triples)


def check_rdf(data: bytes) -> None:
    """Read one RDF file (its first byte picks the syntax), convert its terms; raise on a crash."""
    from pgraph.errors import PgraphError
    from pgraph.sources.rdf_files import read_rdf

    if not data:
        return
    suffix = RDF_SUFFIXES[data[0] % len(RDF_SUFFIXES)]
    try:
        triples, _ = read_rdf(data[1:], name=f"fuzz{suffix}", suffix=suffix)
    except PgraphError:
        return
    _store_terms(triples)


def params_from_bytes(data: bytes) -> tuple[str, tuple[str, ...]]:
    """Return (query name, ``--param`` pairs) decoded from fuzzer bytes, deterministically."""
    # No atheris needed to replay: a small reader of the bytes (1 byte = a choice,
    # then length-prefixed UTF-8 text), so crashes replay in the test suite.
    from pgraph.query import list_queries

    queries = sorted(info.name for info in list_queries())
    position = 0

    def byte() -> int:
        nonlocal position
        value = data[position] if position < len(data) else 0
        position += 1
        return value

    def text() -> str:
        nonlocal position
        size = byte()
        chunk = data[position : position + size]
        position += size
        return chunk.decode("utf-8", errors="replace")

    name = queries[byte() % len(queries)]
    info = next(info for info in list_queries() if info.name == name)
    declared = [spec.name for spec in info.params]
    pairs = []
    for _ in range(byte() % 4):
        choice = byte()
        if declared and choice % 4:
            key = declared[choice % len(declared)]
            pairs.append(f"{key}={text()}")
        else:
            pairs.append(text())  # anything, with or without "="
    return name, tuple(pairs)


def check_params(data: bytes) -> None:
    """Parse, bind and run ``--param`` pairs for a library query; raise only for a crash."""
    import pyoxigraph as ox

    from pgraph.cli.query import _parse_params
    from pgraph.errors import QueryError
    from pgraph.query.binding import bind_params, bind_query
    from pgraph.query.library import load_query

    name, pairs = params_from_bytes(data)
    info = load_query(name)
    try:
        bound = bind_params(info, _parse_params(pairs))
        text = bind_query(info.text, bound)
    except QueryError:
        return
    result = _empty_store().query(text, use_default_graph_as_union=True)
    if isinstance(result, ox.QuerySolutions | ox.QueryTriples):
        list(result)


_EMPTY: list = []


def _empty_store():
    import pyoxigraph as ox

    if not _EMPTY:
        _EMPTY.append(ox.Store())
    return _EMPTY[0]


CHECKS = {"yaml": check_yaml, "json": check_json, "csv": check_csv, "html": check_html,
          "rdf": check_rdf, "params": check_params}
"""Target name → the function that checks one input."""

_MODULES = {
    "yaml": ["pgraph.sources.records_files", "pgraph.sources.safe_yaml", "pgraph.records",
             "pgraph.mapping", "pgraph.sources.decoding"],
    "json": ["pgraph.sources.records_files", "pgraph.records", "pgraph.mapping",
             "pgraph.sources.decoding"],
    "csv": ["pgraph.sources.records_files", "pgraph.records", "pgraph.mapping",
            "pgraph.sources.decoding"],
    "html": ["pgraph.sources.html_pages", "pgraph.sources.pages", "pgraph.sources.page_lines",
             "pgraph.sources.page_fields", "pgraph.sources.decoding", "pgraph.mapping"],
    "rdf": ["pgraph.sources.rdf_files", "pgraph.store"],
    "params": ["pgraph.query.binding", "pgraph.query.library", "pgraph.cli.query"],
}


def main(argv: list[str]) -> None:
    import importlib
    import importlib.util
    import os
    from pathlib import Path

    import atheris

    target = argv.pop(1)
    with atheris.instrument_imports(include=["pgraph"]):
        for module in _MODULES[target]:
            importlib.import_module(module)
    check = CHECKS[target]
    for seed in sorted(Path(__file__).parent.joinpath("corpora", target).glob("*"))[:3]:
        check(seed.read_bytes())  # load the tables once, before the clock starts
    collect = os.environ.get("PGRAPH_FUZZ_COLLECT")
    if collect:
        spec = importlib.util.spec_from_file_location(
            "fuzz_pages", Path(__file__).with_name("fuzz_pages.py"))
        pages = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(pages)
        check = pages.collecting(check, collect)
    atheris.Setup(argv, check)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
