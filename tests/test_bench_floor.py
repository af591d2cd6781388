"""bench/bench_answer_floor.py reads back exactly the answer it stored."""

from __future__ import annotations

from bench.bench_answer_floor import answer_store, floor_queries
from pgraph.query import run_query


def test_the_stored_answer_reads_back_as_the_query_gave_it(built_store, tmp_path):
    result = run_query("co-partnerships", store=built_store)
    assert len(result.terms) > 100  # the bundled data has a co-partnership network
    columns = list(result.variables)
    store = answer_store(result.terms, columns, tmp_path / "answer")
    for name, query in floor_queries(columns).items():
        back = run_query(query, store=store)
        if "ordered" in name:
            assert back.terms == result.terms, name
        else:
            key = lambda row: tuple(str(row[c]) for c in columns)  # noqa: E731
            assert sorted(back.terms, key=key) == sorted(result.terms, key=key), name
