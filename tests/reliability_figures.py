"""Print the figures of the README (Reliability and security) from the tests themselves.

    .venv/bin/python tests/reliability_figures.py          # from the manifests and settings
    .venv/bin/python tests/reliability_figures.py --run    # and run the tests, with their counts

Bad-input cases come from ``tests/bad_input/cases.yaml``; hypothesis
examples from ``tests/test_properties.py``; kill points from
``tests/test_kill.py`` (and, after ``--run``, the outcome of each kill from
``tests/artefacts/kill-points.json``); fuzzing from ``tests/fuzz/results.json``
and ``tests/fuzz/results-readers.json``, which the last atheris runs' final
statistics were copied into; the load test's figures from
``tests/artefacts/serve-load.json`` (written by ``tests/test_serve_load.py``).
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import yaml

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
RDF = (".ttl", ".nt", ".nq", ".trig", ".rdf", ".jsonld")
RECORDS = (".yaml", ".yml", ".json", ".csv")


def bad_input() -> dict:
    cases = yaml.safe_load((TESTS / "bad_input" / "cases.yaml").read_text(encoding="utf-8"))
    cases = cases["cases"]

    def kind(name: str) -> str:
        return "RDF" if name.endswith(RDF) else "records" if name.endswith(RECORDS) else "pages"

    return {
        "cases": len(cases),
        "by outcome": dict(Counter(c["outcome"] for c in cases)),
        "by kind": dict(Counter(kind(c["file"]) for c in cases)),
        "messages checked (file, line, field)": sum(len(c.get("expect", [])) for c in cases),
    }


def properties() -> dict:
    source = (TESTS / "test_properties.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    given = [
        node.name for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef)
        and any(isinstance(d, ast.Call) and getattr(d.func, "id", "") == "given"
                for d in node.decorator_list)
    ]
    examples = int(re.search(r'"PGRAPH_HYPOTHESIS_EXAMPLES", "(\d+)"', source).group(1))
    return {"properties": len(given), "examples per property": examples,
            "examples in all": len(given) * examples, "names": given}


def kills() -> dict:
    source = (TESTS / "test_kill.py").read_text(encoding="utf-8")
    points = int(re.search(r"^KILL_POINTS = (\d+)", source, re.M).group(1))
    seed = int(re.search(r"^KILL_SEED = (\d+)", source, re.M).group(1))
    pages = int(re.search(r"^PAGES = (\d+)", source, re.M).group(1))
    phases = source.count('": (_')
    figures = {
        "real SIGKILLs": 2 * points, "per scenario": points, "seed": seed,
        "synthetic pages": pages, "phases made directly": phases,
        "phase checks (read-only and read-write open)": 2 * phases,
    }
    artefact = TESTS / "artefacts" / "kill-points.json"
    if artefact.is_file():
        run = json.loads(artefact.read_text(encoding="utf-8"))
        figures["last run"] = dict(Counter(k["outcome"] for k in run["kills"]))
    return figures


def fuzzing() -> dict:
    path = TESTS / "fuzz" / "results.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def fuzzing_readers() -> dict:
    path = TESTS / "fuzz" / "results-readers.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def serving() -> dict:
    """The load test's settings, and (after a run) its figures."""
    source = (TESTS / "test_serve_load.py").read_text(encoding="utf-8")
    figures = {name: re.search(rf"^{name} = ([0-9.]+)", source, re.M).group(1)
               for name in ("CLIENTS", "LOAD_SECONDS", "PAGES", "QUERY_TIMEOUT", "SWITCH_LIMIT")}
    artefact = TESTS / "artefacts" / "serve-load.json"
    if artefact.is_file():
        figures["last run"] = json.loads(artefact.read_text(encoding="utf-8"))
    return figures


def orphans() -> dict:
    source = (TESTS / "test_orphans.py").read_text(encoding="utf-8")
    return {"SIGKILLs of pgraph build": int(re.search(r"^KILLS = (\d+)", source, re.M).group(1)),
            "seed": int(re.search(r"^KILL_SEED = (\d+)", source, re.M).group(1)),
            "synthetic pages": int(re.search(r"^PAGES = (\d+)", source, re.M).group(1)),
            "SIGKILLs of pgraph serve": 1}


def stateful() -> dict:
    source = (TESTS / "test_incremental_states.py").read_text(encoding="utf-8")
    examples = int(re.search(r'"PGRAPH_STATEFUL_EXAMPLES", "(\d+)"', source).group(1))
    steps = int(re.search(r"^STEPS = (\d+)", source, re.M).group(1))
    return {"sequences per run": examples, "steps per sequence (at most)": steps,
            "rules": re.findall(r"^    def (add|modify|rename|delete|break_a_file|fix_a_file)\(",
                                source, re.M)}


def run_tests() -> dict:
    modules = ["tests/test_bad_input.py", "tests/test_properties.py", "tests/test_kill.py",
               "tests/test_no_network.py", "tests/test_paths_and_secrets.py",
               "tests/test_fuzz_regressions.py", "tests/test_serve_load.py",
               "tests/test_orphans.py", "tests/test_publish_mirror.py",
               "tests/test_incremental_states.py"]
    counts = {}
    for module in modules:
        done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                               module], cwd=ROOT, capture_output=True, text=True)
        last = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr
        counts[module] = re.sub(r"=+", "", last).strip()
    return counts


def main() -> None:
    figures = {"bad input": bad_input(), "hypothesis": properties(), "SIGKILL": kills(),
               "atheris": fuzzing(), "atheris, other readers": fuzzing_readers(),
               "serve under load": serving(), "orphans": orphans(),
               "stateful incremental builds": stateful()}
    if "--run" in sys.argv:
        figures["test runs"] = run_tests()
        figures["SIGKILL"] = kills()  # now with the outcome of each kill
        figures["serve under load"] = serving()
    print(json.dumps(figures, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
