"""The local endpoint: every library query gives the same result on the Oxigraph server as locally.

These tests start the real Oxigraph server (``oxigraph`` from PyPI) on
127.0.0.1 over the store built from data/, and ``pgraph serve`` itself.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib.compare import isomorphic

from pgraph.cli import cli
from pgraph.errors import StoreError
from pgraph.query import list_queries, run_query
from pgraph.serve import free_port, server_command, start_server
from tests.test_queries import required_params

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def server(built_store_path: Path):
    with start_server(built_store_path) as handle:
        yield handle


def _ordered(text: str) -> bool:
    return re.search(r"\bORDER\s+BY\b", text, re.IGNORECASE) is not None


PARAMS = {
    "practices-per-domain": {"lang": "fr"},
    "practices-rated-at-least": {"criterion": "Pertinence", "rating": "relevant", "country": "GB"},
    "search-practices": {"text": "Police"},
    "describe-resource": {"resource": "http://www.legislation.gov.uk/id/ukpga/1998/37"},
    "co-partnerships": {"min_shared": 2},
}


@pytest.mark.parametrize("info", list_queries(), ids=lambda info: info.name)
def test_every_query_gives_the_same_result_on_the_server(server, built_store, info):
    params = {**required_params(info), **PARAMS.get(info.name, {})}
    local = run_query(info, store=built_store, params=params)
    remote = run_query(info, endpoint=server.url, params=params)
    assert (remote.kind, remote.variables, remote.boolean) == (
        local.kind,
        local.variables,
        local.boolean,
    )
    if local.kind == "graph":
        assert isomorphic(local.graph, remote.graph)
        assert len(local.graph) > 0
    elif _ordered(info.text):
        assert remote.terms == local.terms
    else:
        assert Counter(map(_key, remote.terms)) == Counter(map(_key, local.terms))
    if info.name == "practices-per-domain":
        assert any(r["label"] == "Extrémisme violent" for r in remote.rows)


def _key(row: dict) -> tuple:
    return tuple(sorted((k, v.n3() if v is not None else "") for k, v in row.items()))


def test_the_server_is_read_only(server):
    request = urllib.request.Request(
        server.base_url + "/update",
        data=b"update=DROP%20ALL",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(request, timeout=5)
    assert run_query("ASK { ?s ?p ?o }", endpoint=server.url).boolean is True


def test_the_server_command_uses_the_union_default_graph(built_store_path):
    command = server_command(built_store_path, 7878)
    assert command[1:6] == [
        "serve-read-only",
        "--location",
        str(built_store_path),
        "--bind",
        "127.0.0.1:7878",
    ]
    assert "--union-default-graph" in command


def test_no_store_no_server(tmp_path):
    with pytest.raises(StoreError, match="no store here yet"):
        start_server(tmp_path / "missing")


def test_a_taken_port_is_a_clear_error(server, built_store_path):
    with pytest.raises(StoreError, match=f"port {server.port} on 127.0.0.1 is already in use"):
        start_server(built_store_path, server.port)
    result = CliRunner().invoke(
        cli, ["serve", "--store", str(built_store_path), "--port", str(server.port)]
    )
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: port {server.port} on 127.0.0.1 is already in use; choose another with --port\n"
    )


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_pgraph_serve_prints_the_url_and_stops_cleanly(built_store_path, stop):
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from pgraph.cli import main; main()",
            "serve",
            "--store",
            str(built_store_path),
            "--port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        first = process.stdout.readline()
        url = f"http://127.0.0.1:{port}/query"
        assert first == f"SPARQL endpoint: {url} (read-only)\n"
        rows = run_query("practices-per-country", endpoint=url).rows
        assert any(r["code"] == "GB" for r in rows)
        process.send_signal(stop)
        out, err = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert out.rstrip().endswith("Stopped.") and "Traceback" not in err
    time.sleep(0.2)
    with pytest.raises(OSError):
        urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=2)
