"""``pgraph serve`` under load while the store is rebuilt twice, and a runaway query.

A real ``pgraph serve`` subprocess serves a synthetic catalogue (version 1)
on 127.0.0.1. For ``LOAD_SECONDS``, ``CLIENTS`` threads run library queries
against it (``run_query(endpoint=…)``, no retries) while real ``pgraph
build`` subprocesses rebuild the store twice: version 2 (a few pages changed
and one removed: staging graphs, one transaction) and version 3 (another
catalogue: a new store folder swapped in). Then a query that would run for
minutes (a cartesian product) is sent.

Every answer must be exactly the answer of one version (computed beforehand
on a store built from that version alone: a mix of two builds would match
none), no client may go back to an older version, there must be no error,
each new version must be served within ``SWITCH_LIMIT`` seconds of its build
command returning, and the runaway query must be stopped by the server's
timeout while the other clients go on. The figures (requests per second,
latencies, switch delays, the machine's load) go to
``tests/artefacts/serve-load.json``, which ``tests/reliability_figures.py``
prints.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from pgraph.build import build_catalogue
from pgraph.errors import QueryError
from pgraph.query import run_query
from pgraph.query.library import load_query
from pgraph.serve import free_port
from pgraph.synth import generate_catalogue
from tests.test_queries import required_params

pytestmark = [pytest.mark.integration, pytest.mark.slow]

CLIENTS = 16
LOAD_SECONDS = 30.0
PAGES = 110  # version 3 changes 2 x 110 graphs: more than IN_PLACE_LIMIT, a folder swap
QUERY_TIMEOUT = 10.0  # far above any library query, even on a loaded machine
SWITCH_LIMIT = 5.0
REBUILDS_AT = {2: 4.0, 3: 10.0}  # version → seconds into the load
RUNAWAY_AT = 17.0
QUERIES = ["practices-per-country", "practices-per-domain", "organisations-ranked",
           "quality-missing-partners"]
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
ARTEFACT = Path(__file__).resolve().parent / "artefacts" / "serve-load.json"
PGRAPH = [sys.executable, "-c", "from pgraph.cli import main; main()"]


def answer_key(result) -> Counter:
    """An answer, order left out (rows with equal rank may come in any order)."""
    return Counter(
        tuple(sorted((k, v.n3() if v is not None else "") for k, v in row.items()))
        for row in result.terms
    )


def versions(work: Path) -> dict[int, Path]:
    """Three versions of a catalogue, each in a folder called ``catalogue``."""
    v1 = work / "v1" / "catalogue"
    generate_catalogue(v1, practices=PAGES, seed=1, malformed_share=0)
    v2 = work / "v2" / "catalogue"
    shutil.copytree(v1, v2)
    pages = sorted((v2 / "pages").glob("*.txt"))
    for page in pages[:4]:  # the title is the third line
        lines = page.read_text(encoding="utf-8").split("\n")
        lines[2] += " Marker v2"
        page.write_text("\n".join(lines), encoding="utf-8")
    pages[-1].unlink()
    v3 = work / "v3" / "catalogue"
    generate_catalogue(v3, practices=PAGES, seed=2, malformed_share=0)
    return {1: v1, 2: v2, 3: v3}


def expected_answers(folder: Path) -> dict[str, Counter]:
    report = build_catalogue([folder], store_path=None)
    return {name: answer_key(run_query(name, store=report.store, params=_params(name)))
            for name in QUERIES}


def _params(name: str) -> dict:
    return required_params(load_query(name))


class Clients:
    """``CLIENTS`` threads querying the endpoint until ``end``; what they saw."""

    def __init__(self, url: str, expected: dict[int, dict[str, Counter]], end: float) -> None:
        self.url, self.expected, self.end = url, expected, end
        self.latencies: list[tuple[float, float]] = []  # (when, seconds)
        self.errors: list[str] = []
        self.unknown: list[str] = []  # answers of no version: a mix
        self.backwards: list[str] = []
        self.first_seen: dict[int, float] = {}  # version → first answer only it gives
        self.lock = threading.Lock()
        self.stop = threading.Event()  # besides the end: the rebuilds and the runaway are done
        self.threads = [threading.Thread(target=self.run, args=(i,)) for i in range(CLIENTS)]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def join(self) -> None:
        for thread in self.threads:
            thread.join()

    def run(self, number: int) -> None:
        low = 1  # the oldest version this client may still see
        turn = number
        while time.monotonic() < self.end or not self.stop.is_set():
            name = QUERIES[turn % len(QUERIES)]
            turn += 1
            started = time.monotonic()
            try:
                result = run_query(name, endpoint=self.url, params=_params(name),
                                   retries=0, timeout=30)
            except Exception as error:
                with self.lock:
                    self.errors.append(f"{name}: {type(error).__name__}: {error}")
                continue
            now = time.monotonic()
            key = answer_key(result)
            matching = [v for v, answers in self.expected.items() if answers[name] == key]
            with self.lock:
                self.latencies.append((started, now - started))
                if not matching:
                    self.unknown.append(name)
                elif max(matching) < low:
                    self.backwards.append(f"client {number}: {name} from version "
                                          f"{matching} after version {low}")
                else:
                    low = max(low, min(matching))
                    if len(matching) == 1:
                        self.first_seen.setdefault(matching[0], now)
                        self.first_seen[matching[0]] = min(self.first_seen[matching[0]], now)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def test_serve_follows_two_rebuilds_under_load_and_stops_a_runaway_query(tmp_path: Path):
    catalogue = versions(tmp_path)
    expected = {version: expected_answers(folder) for version, folder in catalogue.items()}
    assert expected[1]["practices-per-country"] != expected[2]["practices-per-country"]
    assert expected[2]["practices-per-country"] != expected[3]["practices-per-country"]
    live = tmp_path / "live" / "catalogue"
    shutil.copytree(catalogue[1], live)
    store = tmp_path / "store"
    subprocess.run([*PGRAPH, "build", str(live), "--store", str(store), "--quiet"], check=True)

    port = free_port()
    server = subprocess.Popen(
        [*PGRAPH, "serve", "--store", str(store), "--port", str(port),
         "--timeout", str(QUERY_TIMEOUT)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    url = f"http://127.0.0.1:{port}/query"
    try:
        assert server.stdout.readline().startswith("SPARQL endpoint:")
        start = time.monotonic()
        clients = Clients(url, expected, start + LOAD_SECONDS)
        clients.start()
        built_at: dict[int, float] = {}
        modes = {}
        for version, at in REBUILDS_AT.items():
            time.sleep(max(0.0, start + at - time.monotonic()))
            shutil.rmtree(live)
            shutil.copytree(catalogue[version], live)
            done = subprocess.run(
                [*PGRAPH, "build", str(live), "--store", str(store)],
                capture_output=True, text=True, timeout=120,
            )
            built_at[version] = time.monotonic()
            assert done.returncode == 0, done.stderr
            modes[version] = done.stdout.strip().splitlines()[-1].split(": ", 1)[-1]
        time.sleep(max(0.0, start + RUNAWAY_AT - time.monotonic()))
        runaway_started = time.monotonic()
        with pytest.raises(QueryError, match="HTTP 503") as stopped:
            run_query(RUNAWAY, endpoint=url, retries=0, timeout=60)
        runaway_seconds = time.monotonic() - runaway_started
        time.sleep(1.0)  # the clients see the endpoint after the runaway for a moment
        clients.stop.set()
        clients.join()
        load_seconds = time.monotonic() - start
        after = run_query("practices-per-country", endpoint=url, retries=0)
        server.terminate()
        _, err = server.communicate(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()

    assert clients.errors == [], clients.errors[:5]
    assert clients.unknown == [] and clients.backwards == []
    assert answer_key(after) == expected[3]["practices-per-country"]
    timeline = {"built": {v: round(t - start, 1) for v, t in built_at.items()},
                "first seen": {v: round(t - start, 1) for v, t in clients.first_seen.items()},
                "runaway": round(runaway_started - start, 1), "end": round(load_seconds, 1)}
    assert set(clients.first_seen) == {1, 2, 3}, timeline
    switch = {v: clients.first_seen[v] - built_at[v] for v in built_at}
    assert all(delay < SWITCH_LIMIT for delay in switch.values()), timeline
    assert runaway_seconds < QUERY_TIMEOUT + 3, (runaway_seconds, str(stopped.value))
    assert server.returncode == 0 and "Traceback" not in err, err
    assert not list(tmp_path.glob("store.serve-*")), "the snapshots were not removed"

    latencies = [seconds for _, seconds in clients.latencies]
    window = (runaway_started, runaway_started + runaway_seconds)
    during_runaway = [s for when, s in clients.latencies if window[0] <= when <= window[1]]
    outside = [s for when, s in clients.latencies if not window[0] <= when <= window[1]]
    figures = {
        "clients": CLIENTS,
        "seconds": round(load_seconds, 1),
        "pages per version": PAGES,
        "queries": QUERIES,
        "requests": len(latencies),
        "errors": len(clients.errors),
        "answers of no single build": len(clients.unknown),
        "requests per second": round(len(latencies) / load_seconds, 1),
        "timeline (seconds from the start)": timeline,
        "latency p50 ms": round(1000 * _percentile(latencies, 0.5), 1),
        "latency p99 ms": round(1000 * _percentile(latencies, 0.99), 1),
        "latency p50 / p99 ms while the runaway query ran": [
            round(1000 * _percentile(during_runaway, share), 1) for share in (0.5, 0.99)
        ] if during_runaway else None,
        "latency p50 / p99 ms the rest of the time": [
            round(1000 * _percentile(outside, share), 1) for share in (0.5, 0.99)],
        "new build served, seconds after its build command returned": {
            f"version {v}": round(s, 2) for v, s in switch.items()},
        "rebuilds": modes,
        "runaway query stopped after seconds": round(runaway_seconds, 2),
        "query timeout seconds": QUERY_TIMEOUT,
        "load average (1, 5, 15 min) at the end": [round(x, 2) for x in os.getloadavg()],
        "cores": os.cpu_count(),
    }
    ARTEFACT.parent.mkdir(exist_ok=True)
    ARTEFACT.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
