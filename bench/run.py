"""Benchmark: pgraph end to end against the plain rdflib way, at 1,000 / 10,000 / 100,000 practices.

Each step runs in a fresh process (as a user would run it), timed by wall
clock, with its CPU time (user + system, the process and the workers it
waited for: the comparable figure on a shared machine) and its peak memory,
both from ``wait4``. pgraph's steps: ``pgraph synth``, ``pgraph build`` (a
fresh store), ``pgraph stats`` right after it (opening the freshly built
store), ``pgraph validate`` (a first, full validation), an incremental
rebuild + validation after one page changes (three edits in turn, the
median of each step), every library query
(``pgraph.query.run_query``, parameters as in ``bench/bench_queries.py``, the
median of three runs in process, with its number of rows) and every library
query again as a user runs it (``pgraph query NAME``, one process each),
the co-partnership network and all its statistics (``pgraph.network``), and
``pgraph dump`` of all six syntaxes. "Raw load" puts the dump's N-Quads
through pgraph's write path (``pgraph.store.transaction``) beside the reference:
pyoxigraph's own ``Store(path).bulk_load(path=…, format=N_QUADS)`` and
``flush()`` of the same file.

The plain rdflib way, on the same N-Triples: parse into an ``rdflib.Graph``,
the same bound query texts with rdflib's SPARQL engine, pySHACL on the whole
graph, stopped once the three together pass ``--limit`` (1,500 s). "End to
end" compares it with build, validate and the library as CLI calls.

Medians of ``--repeat`` runs for pgraph; the rdflib way runs once per size
(its steps take minutes). A library query past ``--query-limit`` seconds is
stopped and counted as the limit, on either side. Results, with a table of
each target met or missed, go to the "Every target in one run" section of
``bench/RESULTS.md``; other sections are kept.

Run: ``.venv/bin/python bench/run.py [--sizes 1000,10000,100000] [--repeat 3] [--limit 600]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
WORK = BENCH / "work"
RESULTS = BENCH / "RESULTS.md"
SECTION = "## Every target in one run (bench/run.py)"
PYTHON = sys.executable
PGRAPH = str(Path(PYTHON).with_name("pgraph"))
QUERY_RUNS = 3
"""Each library query runs this many times in process; its figure is the median."""


# ---------------------------------------------------------------- one measured child process


def measure(argv: list[str], *, limit: float | None = None) -> dict:
    """Run ``argv``; return wall and CPU seconds, peak MiB, exit code, whether it was stopped."""
    output_file = tempfile.TemporaryFile()  # noqa: SIM115 - a pipe would fill up and stall a chatty step
    started = time.perf_counter()
    process = subprocess.Popen(argv, cwd=ROOT, stdout=output_file, stderr=subprocess.DEVNULL)
    stopped = False
    deadline = None if limit is None else started + limit
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if deadline is not None and time.perf_counter() > deadline:
            process.kill()
            pid, status, usage = os.wait4(process.pid, 0)
            stopped = True
            break
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    output_file.seek(0)
    output = output_file.read().decode("utf-8", "replace")[-1_000_000:]
    output_file.close()
    process.returncode = os.waitstatus_to_exitcode(status)
    return {
        "seconds": seconds,
        "cpu": usage.ru_utime + usage.ru_stime,
        "peak_mib": usage.ru_maxrss / 1024,
        "code": process.returncode,
        "stopped": stopped,
        "output": output,
    }


def compile_pgraph() -> None:
    """Write pgraph's bytecode (``__pycache__``) once, as ``pip install`` does for a package.

    An editable install (``pip install -e``, as in development) leaves pgraph's
    modules uncompiled, and with ``PYTHONDONTWRITEBYTECODE`` set (as on the
    benchmark machine) every command compiled them again at start-up: 0.1-0.2 s
    of each one-page rebuild and validation that no installed pgraph pays (pip
    compiles a wheel's modules at install time, as it did the dependencies').
    Compiling here measures pgraph as a user installs it; the time it takes is
    printed, not hidden.
    """
    import compileall
    import importlib.util

    package = Path(importlib.util.find_spec("pgraph").origin).parent
    started = time.perf_counter()
    compileall.compile_dir(package, quiet=1)
    print(f"compiled {package} in {time.perf_counter() - started:.2f} s", flush=True)


def step(name: str, *args: str) -> list[str]:
    """The command line of one of this script's in-process steps (``--step``)."""
    return [PYTHON, str(Path(__file__).resolve()), "--step", name, *args]


# ---------------------------------------------------------------- steps run in a child


def _query_child(store: str, name: str, params: dict, pipe) -> None:
    """Run one library query three times; send the median seconds and the number of rows."""
    import pyoxigraph as ox

    from pgraph.query import run_query

    opened = ox.Store.read_only(store)
    seconds, rows = [], 0
    for _ in range(QUERY_RUNS):
        started = time.perf_counter()
        result = run_query(name, store=opened, params=params)
        rows = 1 if result.kind == "ask" else len(result.rows)  # an ASK answers one boolean
        seconds.append(time.perf_counter() - started)
    pipe.send((statistics.median(seconds), rows))


def _library_calls(store: str) -> list[tuple[str, dict[str, str]]]:
    """Each library query with the parameters that find something in this catalogue."""
    import pyoxigraph as ox

    sys.path.insert(0, str(BENCH))
    from bench_queries import bench_params

    from pgraph.query import list_queries

    params = bench_params(ox.Store.read_only(store))
    calls = []
    for info in list_queries():
        query_params = {**params.get(info.name, {})}
        if info.name == "search-practices":
            query_params.setdefault("text", "community")
        calls.append((info.name, query_params))
    return calls


def step_queries(store: str, limit: str) -> None:
    """Each library query, the median of three runs in one forked child stopped past ``limit`` s.

    A query stopped counts as the limit. (An alarm cannot stop Oxigraph while it sorts or
    groups: control comes back to Python only with the first row.)
    """
    import multiprocessing as mp

    context = mp.get_context("fork")
    timings: dict[str, dict | None] = {}
    for name, params in _library_calls(store):
        parent, child = context.Pipe(duplex=False)
        process = context.Process(target=_query_child, args=(store, name, params, child))
        process.start()
        child.close()  # the child's end: a child that fails closes the pipe, not the time limit
        timings[name] = None
        if parent.poll(QUERY_RUNS * float(limit)):
            try:
                seconds, rows = parent.recv()
                timings[name] = {"seconds": seconds, "rows": rows}
            except EOFError:
                print(f"{name}: failed (see above)", file=sys.stderr)
        process.kill()
        process.join()
    total = sum(float(limit) if t is None else t["seconds"] for t in timings.values())
    print(json.dumps({"seconds": total, "per_query": timings}))


def step_queries_cli(store: str, limit: str) -> None:
    """Each library query once as a user runs it: ``pgraph query NAME -p …`` in its own process."""
    started = time.perf_counter()
    for name, params in _library_calls(store):
        argv = [PGRAPH, "query", name, "--store", store, "-f", "csv", "-o", os.devnull]
        for key, value in params.items():
            argv += ["-p", f"{key}={value}"]
        try:
            subprocess.run(argv, check=True, timeout=float(limit), stdout=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            print(f"{name}: stopped after {limit} s", file=sys.stderr)
    print(json.dumps({"seconds": time.perf_counter() - started}))


def step_network(store: str) -> None:
    import pyoxigraph as ox

    from pgraph.network import build, stats

    stats(build("co-partnership", store=ox.Store.read_only(store)))


def step_raw_load(nquads: str, target: str) -> None:
    import pyoxigraph as ox

    from pgraph.store.transaction import bulk_load

    def chunks():
        with open(nquads, "rb") as handle:
            yield from iter(lambda: handle.read(1 << 20), b"")

    store = ox.Store(target)
    bulk_load(store, chunks())
    store.flush()


def step_oxigraph_load(nquads: str, target: str) -> None:
    """The reference: pyoxigraph's own bulk load of the same N-Quads, flushed."""
    import pyoxigraph as ox

    store = ox.Store(target)
    store.bulk_load(path=nquads, format=ox.RdfFormat.N_QUADS)
    store.flush()


def step_rdflib_parse(ntriples: str) -> None:
    import rdflib

    rdflib.Graph().parse(ntriples, format="nt")


def step_rdflib_queries(ntriples: str, store: str, limit: str) -> None:
    """Parse once (not timed), then each bound library query with rdflib, each in a forked child."""
    import multiprocessing as mp

    import rdflib

    sys.path.insert(0, str(BENCH))
    import bench_queries
    import pyoxigraph as ox
    from bench_queries import bound_text, time_rdflib

    from pgraph.query import load_query

    bench_queries._GRAPH = rdflib.Graph().parse(ntriples, format="nt")
    mp.set_start_method("fork", force=True)
    timings = {}
    opened = ox.Store.read_only(store)
    for name, params in _library_calls(store):
        info = load_query(name)
        seconds, _ = time_rdflib(bound_text(info, params, opened), float(limit))
        timings[name] = seconds
    total = sum(float(limit) if s is None else s for s in timings.values())
    print(json.dumps({"seconds": total, "per_query": timings}))


def step_pyshacl(ntriples: str) -> None:
    import rdflib

    from pgraph.validate import validate_graph

    graph = rdflib.Graph().parse(ntriples, format="nt")
    started = time.perf_counter()
    validate_graph(graph)
    print(json.dumps({"seconds": time.perf_counter() - started}))


STEPS = {
    "queries": step_queries,
    "queries-cli": step_queries_cli,
    "network": step_network,
    "raw-load": step_raw_load,
    "oxigraph-load": step_oxigraph_load,
    "rdflib-parse": step_rdflib_parse,
    "rdflib-queries": step_rdflib_queries,
    "pyshacl": step_pyshacl,
}


# ---------------------------------------------------------------- one size


ONE_PAGE_EDITS = 3
"""Edits of one page per run, each rebuilt and revalidated: the rows give their median."""


def change_one_page(catalogue: Path, run: int) -> None:
    page = sorted((catalogue / "pages").glob("*.txt"))[
        len(list((catalogue / "pages").glob("*.txt"))) // 2
    ]
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("\n", f"\nEdited for benchmark run {run}.\n", 1), encoding="utf-8")


def bench_size(
    practices: int, *, repeat: int, limit: float, query_limit: float, seed: int, baseline: bool
) -> dict:
    catalogue, store = WORK / f"scale-{practices}", WORK / f"scale-{practices}.store"
    dumps = WORK / f"scale-{practices}.dumps"
    ntriples, nquads = dumps / "pgraph.nt", dumps / "pgraph.nq"
    runs: dict[str, list[dict]] = {}
    phases: dict[str, dict] = {}  # the last run's, as its build reports kept them

    def record(name: str, result: dict) -> dict:
        # A step that parses first reports the time of its own work (the parse is its own step).
        last = result["output"].strip().splitlines()[-1:] if result["output"].strip() else []
        if last and last[0].startswith("{") and not result["stopped"]:
            data = json.loads(last[0])
            if isinstance(data, dict) and "seconds" in data:
                result["seconds"], result["per_query"] = data["seconds"], data.get("per_query")
        runs.setdefault(name, []).append(result)
        state = "stopped" if result["stopped"] else f"exit {result['code']}"
        print(
            f"  {name:24} {result['seconds']:9.2f} s {result['cpu']:8.2f} s CPU "
            f"{result['peak_mib']:8.0f} MiB  {state}",
            flush=True,
        )
        return result

    load_start = os.getloadavg()
    for run in range(repeat):
        print(f"{practices} practices, run {run + 1} of {repeat}", flush=True)
        # A fresh store: no validation state, hash cache or report left beside it.
        for path in store.parent.glob(f"{store.name}*"):
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(
                missing_ok=True
            )
        record(
            "synth",
            measure(
                [
                    PGRAPH,
                    "synth",
                    "-o",
                    str(catalogue),
                    "--practices",
                    str(practices),
                    "--seed",
                    str(seed),
                ]
            ),
        )
        record("build", measure([PGRAPH, "build", str(catalogue), "--store", str(store), "-q"]))
        phases["build"] = build_phases(store)
        record("stats after build", measure([PGRAPH, "stats", "--store", str(store)]))
        record("validate", measure([PGRAPH, "validate", "--store", str(store), "--no-warnings"]))
        for edit in range(ONE_PAGE_EDITS):  # a second-long step: one sample is the VM's mood
            change_one_page(catalogue, run * ONE_PAGE_EDITS + edit)
            record(
                "rebuild one page",
                measure([PGRAPH, "build", str(catalogue), "--store", str(store), "-q"]),
            )
            phases["rebuild one page"] = build_phases(store)
            record(
                "revalidate one page",
                measure([PGRAPH, "validate", "--store", str(store), "--no-warnings"]),
            )
        record("queries", measure(step("queries", str(store), str(query_limit))))
        record("queries as CLI calls", measure(step("queries-cli", str(store), str(query_limit))))
        record("network statistics", measure(step("network", str(store))))
        shutil.rmtree(dumps, ignore_errors=True)
        record("dump (6 syntaxes)",
               measure([PGRAPH, "dump", "--store", str(store), "--out", f"{dumps}/", "-q"]))
        for name, argv in (
            ("raw load (pgraph)", step("raw-load", str(nquads))),
            ("bulk load (pyoxigraph)", step("oxigraph-load", str(nquads))),
        ):
            target = WORK / f"scale-{practices}.load"
            shutil.rmtree(target, ignore_errors=True)
            record(name, measure([*argv, str(target)]))
            shutil.rmtree(target, ignore_errors=True)
        if baseline and run == 0:
            # The rdflib way has one budget (``limit``) for its three steps together.
            budget = limit
            for name, argv in (
                ("rdflib parse", step("rdflib-parse", str(ntriples))),
                ("rdflib queries", step("rdflib-queries", str(ntriples), str(store),
                                        str(query_limit))),
                ("pyshacl whole graph", step("pyshacl", str(ntriples))),
            ):
                result = record(name, measure(argv, limit=max(budget, 1.0)))
                budget -= result["seconds"]
    with open(ntriples, "rb") as handle:
        triples = sum(1 for _ in handle)
    return {
        "practices": practices,
        "load_start": load_start,
        "triples": triples,
        "dump_bytes": {p.name: p.stat().st_size for p in sorted(dumps.iterdir())},
        "runs": runs,
        "phases": phases,
        "limit": limit,
        "query_limit": query_limit,
        "repeat": repeat,
    }


def build_phases(store: Path) -> dict:
    """Where the store's last build spent its time (``BuildReport.phases``, kept with it)."""
    from pgraph.build.report import read_kept_report

    return dict(read_kept_report(store).last_build.get("phases") or {})


# ---------------------------------------------------------------- report


def median(results: list[dict], key: str = "seconds") -> float:
    return statistics.median(r[key] for r in results)


def cell(results: list[dict] | None, limit: float) -> str:
    if not results:
        return "—"
    if any(r["stopped"] for r in results):
        return f"> {limit:g} (stopped)"
    return f"{median(results):.2f}"


def _query_times(size: dict) -> dict[str, dict | None]:
    """Each library query's median seconds and rows, from the first run (None: stopped)."""
    return size["runs"]["queries"][0].get("per_query") or {}


def _milliseconds(timing: dict | None) -> str:
    return "stopped" if timing is None else f"{timing['seconds'] * 1000:.0f} ms"


def end_to_end(size: dict) -> tuple[float, float, bool] | None:
    """pgraph's end to end (build, validate, every library query as a CLI call), the rdflib way's,
    and whether the rdflib way was stopped; None without the rdflib way."""
    runs = size["runs"]
    plain = ["rdflib parse", "rdflib queries", "pyshacl whole graph"]
    if not all(name in runs for name in plain):
        return None
    ours = sum(median(runs[n]) for n in ("build", "validate", "queries as CLI calls"))
    theirs = sum(median(runs[n]) for n in plain)
    return ours, theirs, any(r["stopped"] for n in plain for r in runs[n])


def targets_table(size: dict) -> list[str]:
    """Return issue 13's table of targets (met, missed, or n/a at this size) for one size."""
    runs, practices = size["runs"], size["practices"]
    at_10k, at_100k = practices == 10_000, practices == 100_000

    def peak(*names: str) -> float:
        return max(median(runs[n], "peak_mib") for n in names if n in runs)

    def seconds_cpu(*names: str) -> tuple[float, str]:
        wall = sum(median(runs[n]) for n in names)
        return wall, f"{wall:.2f} s (CPU {sum(median(runs[n], 'cpu') for n in names):.2f} s)"

    build_validate, build_validate_text = seconds_cpu("build", "validate")
    reference = median(runs["bulk load (pyoxigraph)"])
    incremental, incremental_text = seconds_cpu("rebuild one page", "revalidate one page")
    opening, opening_text = seconds_cpu("stats after build")
    network, network_text = seconds_cpu("network statistics")
    queries = _query_times(size)
    small = {q: t for q, t in queries.items() if t is None or t["rows"] <= 1_000}
    over = sorted(q for q, t in small.items()
                  if q != "co-partnerships" and (t is None or t["seconds"] > 0.1))
    pairs = queries.get("co-partnerships")
    pairs_seconds = size["query_limit"] if pairs is None else pairs["seconds"]
    # (row, measured, target, value, unit, "max" or "min")
    rows = [
        ("build + validate, as a multiple of pyoxigraph's bulk load + flush of the same N-Quads",
         f"{build_validate_text} / {reference:.2f} s = {build_validate / reference:.2f}x",
         1.5 if at_10k else None, build_validate / reference, "x", "max"),
        ("one changed page: rebuild + revalidate", incremental_text,
         1.5 if at_10k else None, incremental, "s", "max"),
        ("opening the freshly built store (`pgraph stats` right after the build)", opening_text,
         2.0 if at_10k or at_100k else None, opening, "s", "max"),
        ("build + validate", build_validate_text, 180.0 if at_100k else None, build_validate,
         "s", "max"),
        ("peak memory, build and validate", f"{peak('build', 'validate'):.0f} MiB",
         4096.0 if at_100k else None, peak("build", "validate"), "MiB", "max"),
        ("peak memory, `pgraph dump` of all six syntaxes", f"{peak('dump (6 syntaxes)'):.0f} MiB",
         1536.0 if at_100k else None, peak("dump (6 syntaxes)"), "MiB", "max"),
        ("library queries returning ≤ 1,000 rows, each ≤ 100 ms (median of 3, in process)",
         f"{len(small) - len(over)} of {len(small)} within"
         + ("; over: " + ", ".join(f"{q} ({_milliseconds(small[q])})" for q in over)
            if over else ""),
         0.0 if at_10k else None, float(len(over)), "", "max"),
        ("co-partnerships (median of 3, in process)", f"{pairs_seconds:.2f} s",
         1.5 if at_10k else None, pairs_seconds, "s", "max"),
        ("co-partnership network and all its statistics", network_text,
         10.0 if at_10k else None, network, "s", "max"),
    ]
    compared = end_to_end(size)
    if compared is not None:
        ours, theirs, stopped = compared
        rows.append((
            "end to end (build, validate, every library query as a CLI call) against the rdflib "
            "way (rdflib parse of the dump, rdflib SPARQL, pySHACL)",
            f"pgraph {ours:.1f} s; rdflib {'> ' if stopped else ''}{theirs:.0f} s: "
            f"{'≥ ' if stopped else ''}{theirs / ours:.1f}x",
            20.0 if at_10k else None, theirs / ours, "x", "min"))
    table = [f"Targets at {practices:,} practices (a target applies at the size it names):", "",
             "| row | measured | target | status |", "| --- | --- | --- | --- |"]
    for name, measured, target, value, unit, sense in rows:
        if target is None:
            table.append(f"| {name} | {measured} | — | n/a at this size |")
            continue
        sign = "≤" if sense == "max" else "≥"
        shown = "none over" if unit == "" and target == 0 else f"{sign} {target:g} {unit}".strip()
        met = value <= target if sense == "max" else value >= target
        table.append(f"| {name} | {measured} | {shown} | {'met' if met else '**missed**'} |")
    return table


def phases_table(phases: dict) -> list[str]:
    """Where each build's time went (its kept report's phases), as a Markdown table."""
    if not phases:
        return []
    lines = ["", "Where the builds' time went (their kept reports, `pgraph report`; last run):", "",
             "| build | phase | seconds | CPU s (build) | CPU s (workers) |",
             "| --- | --- | ---: | ---: | ---: |"]
    for build, timed in phases.items():
        for phase, t in timed.items():
            lines.append(f"| {build} | {phase} | {t['seconds']:.2f} | {t['cpu']:.2f} "
                         f"| {t['workers_cpu']:.2f} |")
    return lines


def report(sizes: list[dict]) -> str:
    from bench_queries import machine

    pg_steps = [
        "synth",
        "build",
        "stats after build",
        "validate",
        "rebuild one page",
        "revalidate one page",
        "queries",
        "queries as CLI calls",
        "network statistics",
        "dump (6 syntaxes)",
        "raw load (pgraph)",
        "bulk load (pyoxigraph)",
    ]
    rd_steps = ["rdflib parse", "rdflib queries", "pyshacl whole graph"]
    versions = ", ".join(
        f"{p} {version(p)}" for p in ("pgraph", "pyoxigraph", "rdflib", "pyshacl", "networkx")
    )
    lines = [
        SECTION,
        "",
        f"`bench/run.py --sizes {','.join(str(s['practices']) for s in sizes)} "
        f"--repeat {sizes[0]['repeat']}` — {dt.date.today().isoformat()}",
        "",
        f"- Machine: {machine()}; load average (1, 5, 15 min) at the start: "
        f"{', '.join(f'{x:.1f}' for x in sizes[0]['load_start'])}, at the end: "
        f"{', '.join(f'{x:.1f}' for x in os.getloadavg())} (a shared machine: other jobs ran "
        "beside the benchmark, so wall times are upper bounds; CPU times are comparable)",
        f"- Versions: Python {platform.python_version()}, {versions}",
        "- Each step is a fresh process (imports included); seconds are wall-clock medians "
        f"(of the runs; the one-page rebuild and revalidation: of {ONE_PAGE_EDITS} edits a run), "
        "CPU the user + system time of the process and its workers, "
        "memory the peak resident set of the process and its workers.",
        "",
    ]
    for size in sizes:
        runs, limit = size["runs"], size["limit"]
        lines += [
            f"### {size['practices']:,} practices ({size['triples']:,} triples)",
            "",
            "| step | seconds | CPU s | peak MiB |",
            "| --- | ---: | ---: | ---: |",
        ]
        for name in pg_steps + rd_steps:
            if name in runs:
                lines.append(
                    f"| {name} | {cell(runs[name], limit)} | {median(runs[name], 'cpu'):.2f} "
                    f"| {median(runs[name], 'peak_mib'):.0f} |"
                )
        lines += ["", *targets_table(size), ""]
        lines += [
            f"- raw load: pgraph's write path {median(runs['raw load (pgraph)']):.2f} s, "
            f"pyoxigraph's bulk load {median(runs['bulk load (pyoxigraph)']):.2f} s "
            f"(ratio {median(runs['raw load (pgraph)']) / median(runs['bulk load (pyoxigraph)']):.2f})",  # noqa: E501
        ]
        compared = end_to_end(size)
        if compared is not None:
            slow = [q for q, s in (runs["rdflib queries"][0].get("per_query") or {}).items()
                    if s is None]
            if slow:
                lines.append(
                    f"- rdflib queries stopped after {size['query_limit']:g} s each "
                    f"(counted as {size['query_limit']:g} s): {', '.join(sorted(slow))}"
                )
        lines += phases_table(size.get("phases", {}))
        lines += ["", "Each library query (median of 3, in process; first run):", "",
                  "| query | ms | rows |", "| --- | ---: | ---: |"]
        for name, timing in sorted(_query_times(size).items()):
            rows = "—" if timing is None else f"{timing['rows']:,}"
            lines.append(f"| {name} | {_milliseconds(timing).removesuffix(' ms')} | {rows} |")
        lines.append("")
    return "\n".join(lines)


def write_section(text: str) -> None:
    current = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmarks\n"
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(current):
        current = pattern.sub(lambda _: text + "\n", current)
    else:
        current = current.rstrip("\n") + "\n\n" + text
    RESULTS.write_text(current.rstrip("\n") + "\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--limit", type=float, default=1500.0,
        help="seconds before the rdflib way (parse, queries, pySHACL together) is stopped"
    )
    parser.add_argument(
        "--query-limit", type=float, default=60.0, help="seconds before one rdflib query is stopped"
    )
    parser.add_argument("--no-baseline", action="store_true", help="skip the rdflib way")
    parser.add_argument("--no-write", action="store_true", help="do not touch bench/RESULTS.md")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args()
    if args.step:
        STEPS[args.step](*rest)
        return 0
    WORK.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(BENCH))
    compile_pgraph()
    sizes = []
    for practices in (int(s) for s in args.sizes.split(",")):
        sizes.append(
            bench_size(
                practices,
                repeat=args.repeat,
                limit=args.limit,
                query_limit=args.query_limit,
                seed=args.seed,
                baseline=not args.no_baseline,
            )
        )
        (WORK / f"scale-results-{args.sizes}.json").write_text(json.dumps(sizes, indent=1))
        text = report(sizes)
        print(text, flush=True)
        if not args.no_write:
            write_section(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
