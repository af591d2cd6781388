"""``pgraph publish`` mirrors, on the real Oxigraph server and Virtuoso.

A synthetic catalogue (with an IRI base of its own, so that the shared
Virtuoso's other graphs are never pgraph's here) is built and published; its
pages are then deleted, changed and added, and each rebuilt store published
again. Each time the remote store must hold exactly the local store's graphs
under the base, the report must say which were added, replaced, removed and
unchanged (unchanged ones are not sent), ``--keep-removed`` must keep what
it says, and graphs that are not pgraph's — another graph, a graph under
another base — must be left alone. Last, a publication (SPARQL Update, in
small chunks, so that it takes a while) is killed with SIGKILL half-way and
run again: the remote store converges to the local one, staging graphs
included.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from pgraph.build import build_catalogue
from pgraph.publish.http import HttpClient
from pgraph.publish.mirror import STAGING_PREFIX, local_graphs, own_prefix, remote_graphs
from pgraph.publish.stores import publish_store
from pgraph.store import open_store
from pgraph.synth import generate_catalogue
from tests.servers import running_oxigraph

pytestmark = pytest.mark.integration

PGRAPH = [sys.executable, "-c", "from pgraph.cli import main; main()"]
FOREIGN = "https://example.org/someone-else/graph"
PAGES = 12


@dataclass
class Target:
    """Where to publish: the store's query, update and Graph Store URLs."""

    query: str
    update: str
    graph_store: str


@pytest.fixture(params=["oxigraph", "virtuoso"])
def target(request, tmp_path):
    if request.param == "oxigraph":
        with running_oxigraph(tmp_path / "oxigraph") as server:
            yield Target(server.query, server.update, server.store)
    else:
        server = request.getfixturevalue("virtuoso_server")
        yield Target(server.sparql, server.sparql, server.graph_store)


def insert(target: Target, graph: str) -> None:
    update = f'INSERT DATA {{ GRAPH <{graph}> {{ <{graph}#s> <{graph}#p> "kept" }} }}'
    HttpClient(None, timeout=30).send(
        "POST", target.update, urllib.parse.urlencode({"update": update}).encode(),
        {"Content-Type": "application/x-www-form-urlencoded"})


def remote_state(target: Target, base: str) -> dict:
    return {g: (r.triples, r.content_hash)
            for g, r in remote_graphs(target.query, own_prefix(base), credentials=None,
                                      timeout=60).items()}


def staging_left(target: Target, base: str) -> list[str]:
    return [g for g in remote_graphs(target.query, own_prefix(base), credentials=None,
                                     timeout=60) if g.startswith(STAGING_PREFIX)]


def build(catalogue: Path, store: Path, base: str):
    report = build_catalogue([catalogue], store_path=store, base=base)
    assert not report.errors, report.errors
    del report
    opened = open_store(store, read_only=True)
    state = {g: (n.triples, n.content_hash)
             for g, n in local_graphs(opened, list(opened.named_graphs())).items()}
    return opened, state


def source_graph(state: dict, page: Path) -> str:
    stem = page.stem.lower().replace("_", "-")
    return next(g for g in state if "/graph/source/" in g and stem in g)


def retitle(page: Path, words: str) -> None:
    lines = page.read_text(encoding="utf-8").split("\n")
    lines[2] += f" {words}"
    page.write_text("\n".join(lines), encoding="utf-8")


def test_publishing_mirrors_the_local_store(target: Target, tmp_path: Path):
    base = f"https://example.org/mirror-{uuid.uuid4().hex[:8]}/"
    other_base_graph = f"https://example.org/other-{uuid.uuid4().hex[:8]}/graph/source/x"
    insert(target, FOREIGN)
    insert(target, other_base_graph)
    catalogue = tmp_path / "catalogue"
    generate_catalogue(catalogue, practices=PAGES, seed=5, malformed_share=0)
    pages = sorted((catalogue / "pages").glob("*.txt"))
    gsp = {"graph_store": target.graph_store, "endpoint": target.query}

    # 1. First publication: everything added; again: nothing sent.
    store, state = build(catalogue, tmp_path / "store1", base)
    report = publish_store(store, **gsp)
    assert report.plan.added == sorted(state) and not report.plan.removed
    assert remote_state(target, base) == state
    again = publish_store(store, **gsp)
    assert again.graphs == [] and again.plan.unchanged == sorted(state), again.summary()
    assert "0 added, 0 replaced, 0 removed" in again.summary()

    # 2. Two pages deleted, one changed, one added: mirrored.
    deleted = [source_graph(state, page) for page in pages[:2]]
    changed = source_graph(state, pages[2])
    for page in pages[:2]:
        page.unlink()
    retitle(pages[2], "Changed")
    added_page = catalogue / "pages" / "999999_added-practice.txt"
    shutil.copy(pages[3], added_page)
    retitle(added_page, "Added")
    store, state = build(catalogue, tmp_path / "store2", base)
    report = publish_store(store, **gsp)
    assert sorted(report.plan.removed) == sorted(deleted)
    assert report.plan.added == [source_graph(state, added_page)]
    assert changed in report.plan.replaced
    assert sum("/graph/source/" in g for g in report.plan.unchanged) == PAGES - 3
    assert remote_state(target, base) == state
    for graph in deleted:
        assert f"  removed {graph}" in report.summary()

    # 3. --keep-removed keeps a deleted page's graph; the CLI without it removes it.
    kept = source_graph(state, pages[3])
    pages[3].unlink()
    store, state = build(catalogue, tmp_path / "store3", base)
    report = publish_store(store, keep_removed=True, **gsp)
    assert report.plan.removed == [] and kept in remote_state(target, base)
    del store
    result = subprocess.run(
        [*PGRAPH, "publish", "--store", str(tmp_path / "store3"), "--graph-store",
         target.graph_store, "--target", target.query], capture_output=True, text=True,
        timeout=300)
    assert result.returncode == 0, result.stderr
    assert f"  removed {kept}" in result.stdout
    assert "0 added, 0 replaced, 1 removed" in result.stdout, result.stdout
    assert remote_state(target, base) == state

    # 4. Interrupted half-way (SIGKILL), then run again: converges.
    for page in pages[4:10]:
        retitle(page, "Interrupted")
    store, state = build(catalogue, tmp_path / "store4", base)
    del store
    slow = [*PGRAPH, "publish", "--store", str(tmp_path / "store4"), "--target", target.query,
            "--update-endpoint", target.update, "--method", "update", "--chunk-size", "1"]
    before = remote_state(target, base)
    process = subprocess.Popen(slow, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while remote_state(target, base) == before or not staging_left(target, base):
            assert process.poll() is None, "the publication ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.02)
        # Staging graphs on the remote store: the publication is half-way; kill it now
        # (on a quiet machine it finishes within a fraction of a second).
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    half = remote_state(target, base)
    assert half != state  # it was killed half-way
    result = subprocess.run(
        [*PGRAPH, "publish", "--store", str(tmp_path / "store4"), "--graph-store",
         target.graph_store, "--target", target.query], capture_output=True, text=True,
        timeout=300)
    assert result.returncode == 0, result.stderr
    assert remote_state(target, base) == state
    assert staging_left(target, base) == []

    # Never another's graph.
    for graph in (FOREIGN, other_base_graph):
        answer = HttpClient(None, timeout=30).send(
            "POST", target.query,
            urllib.parse.urlencode({"query": f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"}).encode(),
            {"Content-Type": "application/x-www-form-urlencoded",
             "Accept": "application/sparql-results+json"})
        assert b"true" in answer, graph
