"""How fast the store engine can return a query's answer when it holds exactly that answer.

A library query's time has two parts: computing the rows, and pyoxigraph returning
them (joining the patterns that hold the columns, decoding every term). This writes
the rows of ``--query`` (co-partnerships by default) into a store of their own, one
node per row with a triple per column and one for the row's place, compacts it, and
times returning them: the floor no way of writing the query can go under on this engine.

Run: ``.venv/bin/python bench/bench_answer_floor.py STORE [--query co-partnerships]``
(figures in bench/RESULTS.md, "Speed, round eight").
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

from pgraph.query import run_query
from pgraph.store import to_oxigraph

P = "https://example.org/answer#"
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")


def answer_store(rows: list[dict], columns: list[str], folder: Path) -> ox.Store:
    """Write ``rows`` (rdflib terms by column) to a new store in ``folder``: a node per
    row, a triple per column."""
    store = ox.Store(str(folder))
    graph = ox.NamedNode(f"{P}graph")
    quads = []
    for place, row in enumerate(rows):
        node = ox.NamedNode(f"{P}row/{place}")
        quads.append(ox.Quad(node, ox.NamedNode(f"{P}place"),
                             ox.Literal(str(place), datatype=XSD_INTEGER), graph))
        quads += [ox.Quad(node, ox.NamedNode(P + column), to_oxigraph(row[column]), graph)
                  for column in columns if row.get(column) is not None]
    store.bulk_extend(quads)
    store.flush()
    store.optimize()
    return store


def floor_queries(columns: list[str]) -> dict[str, str]:
    """The ways of reading the rows back: each column by its own scan, joined by hash
    (ordered by place or not), and each column looked up row by row."""
    variables = " ".join(f"?{c}" for c in columns)
    scans = " ".join(f"{{ SELECT ?row ?{c} {{ ?row <{P}{c}> ?{c} }} }}" for c in columns)
    lookups = " ; ".join(f"<{P}{c}> ?{c}" for c in columns)
    return {
        "scans joined by hash, no order": f"SELECT {variables} {{ {scans} }}",
        "scans joined by hash, ordered by place": (
            f"SELECT {variables} {{ {{ SELECT ?row ?place {{ ?row <{P}place> ?place }} }} "
            f"{scans} }} ORDER BY ?place"),
        "looked up row by row, ordered by place": (
            f"SELECT {variables} {{ ?row <{P}place> ?place ; {lookups} }} ORDER BY ?place"),
    }


def median_seconds(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store")
    parser.add_argument("--query", default="co-partnerships")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    source = ox.Store.read_only(args.store)
    result = run_query(args.query, store=source)
    rows, columns = result.terms, list(result.variables)
    seconds = median_seconds(lambda: run_query(args.query, store=source), args.repeat)
    print(f"{args.query}: {len(rows):,} rows of {len(columns)} columns, {seconds:.2f} s")
    with tempfile.TemporaryDirectory() as folder:
        store = answer_store(rows, columns, Path(folder) / "answer")
        for name, query in floor_queries(columns).items():
            seconds = median_seconds(lambda q=query, s=store: run_query(q, store=s), args.repeat)
            print(f"  the answer stored, {name}: {seconds:.2f} s")


if __name__ == "__main__":
    main()
