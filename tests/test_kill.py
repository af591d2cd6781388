"""Nothing lost, nothing half-done: SIGKILLed builds, builds at once, a full or read-only disk.

A real ``pgraph build`` subprocess builds a synthetic catalogue and is
killed (SIGKILL, with its worker processes) at seeded random moments.
Whatever the moment, the store must then open — for a reader as for the
next build — with exactly the earlier state, or, when the kill came after
the commit, exactly the state a complete build gives. Two scenarios, one per
way the build writes: a first build into an empty store (the new state is
written to a folder beside the store and swapped in) and a rebuild with a few
files changed (staging graphs, then one transaction). Then the state each
phase of a build leaves behind is made directly and opened, so that every
phase is covered whatever the timing.

``KILL_POINTS`` kills per scenario, seeded by ``KILL_SEED``; the outcomes of
a run are written to ``tests/artefacts/kill-points.json`` (the figures of
the README (Reliability and security); ``python tests/reliability_figures.py`` prints them).
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from pgraph.build import build_catalogue
from pgraph.cli import cli
from pgraph.synth import generate_catalogue

pytestmark = pytest.mark.slow

PAGES = 200
KILL_POINTS = 3
KILL_SEED = 7
ARTEFACTS = Path(__file__).resolve().parent / "artefacts"
BUILD = [sys.executable, "-c", "from pgraph.cli import main; main()", "build"]
BUILDS_GRAPH = "https://w3id.org/pgraph/id/graph/builds"
STAGING = "#staging"


# ---------------------------------------------------------------- helpers


def state(store_path: Path, *, read_only: bool = False) -> dict[str, frozenset]:
    """Return {graph: triples} of a store, the build-record graph left out (its times differ).

    ``read_only``: as pgraph's readers (validate, query, site …) open it.
    """
    from pgraph.store import open_store

    store = open_store(store_path, read_only=True) if read_only else ox.Store(str(store_path))
    graphs: dict[str, set] = {}
    for quad in store:
        if isinstance(quad.graph_name, ox.NamedNode) and quad.graph_name.value != BUILDS_GRAPH:
            graphs.setdefault(quad.graph_name.value, set()).add(quad.triple)
    del store
    return {graph: frozenset(triples) for graph, triples in graphs.items()}


def opened_state(store_path: Path) -> dict[str, frozenset]:
    """The state as a build opens the store (finishing or discarding an interrupted swap)."""
    from pgraph.store import open_store

    store = open_store(store_path)
    del store
    return state(store_path)


def start_build(catalogue: Path, store_path: Path, log: Path, *extra: str) -> subprocess.Popen:
    # A session of its own, so that SIGKILL reaches the build's worker processes too.
    return subprocess.Popen(
        [*BUILD, str(catalogue), "--store", str(store_path), "--quiet", *extra],
        stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True,
    )


def kill_group(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=60)


def copy_store(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target


@dataclass
class Scenario:
    name: str
    catalogue: Path
    before: Path  # a closed store holding the earlier build
    before_state: dict[str, frozenset]
    after_state: dict[str, frozenset] = field(default_factory=dict)
    after: Path | None = None  # a closed store holding the complete new build
    duration: float = 0.0


def catalogue_folder(parent: Path, seed: int) -> Path:
    # Both versions live in folders called "catalogue": same file names, same graphs.
    folder = parent / "catalogue"
    generate_catalogue(folder, practices=PAGES, seed=seed)
    return folder


@pytest.fixture(scope="module")
def earlier(tmp_path_factory) -> tuple[Path, Path, dict[str, frozenset]]:
    """The earlier catalogue (seed 1) and a store built from it."""
    root = tmp_path_factory.mktemp("earlier")
    catalogue = catalogue_folder(root / "v1", seed=1)
    store_path = root / "store"
    report = build_catalogue([catalogue], store_path=store_path)
    assert report.practices > PAGES * 0.9
    del report
    return catalogue, store_path, state(store_path)


def run_reference(scenario: Scenario, work: Path) -> Scenario:
    """Run the build to its end once: its state is the 'after', its time scales the kill points."""
    folder = work / f"reference-{len(list(work.glob('reference-*')))}"
    folder.mkdir()
    store_path = copy_store(scenario.before, folder / "store")
    started = time.monotonic()
    process = start_build(scenario.catalogue, store_path, folder / "build.log")
    code = process.wait(timeout=600)
    scenario.duration = time.monotonic() - started
    assert code in (0, 2), (folder / "build.log").read_text()
    scenario.after_state = opened_state(store_path)
    scenario.after = store_path
    assert scenario.after_state != scenario.before_state
    return scenario


@pytest.fixture(scope="module")
def scenarios(earlier, tmp_path_factory) -> list[Scenario]:
    catalogue, store_path, before_state = earlier
    work = tmp_path_factory.mktemp("scenarios")
    # A first build: the new state goes to a new folder, swapped in at the commit.
    empty = work / "empty-store"
    ox.Store(str(empty))  # created, and closed again at once
    first = catalogue_folder(work / "v2", seed=2)
    # A few files changed: staged in memory, then one transaction.
    few = work / "edited" / "catalogue"
    shutil.copytree(catalogue, few)
    for page in sorted((few / "pages").glob("*.txt"))[:12]:
        page.write_text(page.read_text(encoding="utf-8") + "\nEdited after the first build.\n",
                        encoding="utf-8")
    return [
        run_reference(Scenario("first build (new folder, swapped in)", first, empty, {}), work),
        run_reference(Scenario("a few files changed (staged, one transaction)", few,
                               store_path, before_state), work),
    ]


# ---------------------------------------------------------------- SIGKILL


def test_a_killed_build_leaves_the_earlier_state_or_the_complete_new_one(
    scenarios: list[Scenario], tmp_path: Path
) -> None:
    rng = random.Random(KILL_SEED)
    outcomes = []
    for scenario in scenarios:
        for point in range(KILL_POINTS):
            # Spread over the build's run time (process start, reading, writing, commit).
            fraction = (point + rng.random()) / KILL_POINTS
            delay = fraction * scenario.duration
            folder = tmp_path / f"{len(outcomes)}"
            folder.mkdir()
            store_path = copy_store(scenario.before, folder / "store")
            process = start_build(scenario.catalogue, store_path, folder / "build.log")
            time.sleep(delay)
            finished = process.poll() is not None
            kill_group(process)
            # First as a reader opens it (validate, query), then as a build opens it.
            seen = state(store_path, read_only=True)
            opened = opened_state(store_path)
            if opened == scenario.before_state:
                outcome = "earlier state"
            elif opened == scenario.after_state:
                outcome = "complete new state"
            else:
                pytest.fail(
                    f"{scenario.name}: killed after {delay:.2f}s of {scenario.duration:.2f}s, "
                    "the store holds neither the earlier nor the new state: "
                    f"{_difference(opened, scenario.before_state, scenario.after_state)}"
                )
            assert seen == opened, (
                f"{scenario.name}: a reader opening the store right after the kill sees "
                f"another state: {_difference(seen, scenario.before_state, scenario.after_state)}"
            )
            outcomes.append({
                "scenario": scenario.name, "kill_after_s": round(delay, 3),
                "build_s": round(scenario.duration, 3), "finished_before_kill": finished,
                "outcome": outcome,
            })
    ARTEFACTS.mkdir(exist_ok=True)
    (ARTEFACTS / "kill-points.json").write_text(json.dumps({
        "pages": PAGES, "kill_points_per_scenario": KILL_POINTS, "seed": KILL_SEED,
        "kills": outcomes,
    }, indent=2) + "\n", encoding="utf-8")
    assert len(outcomes) == KILL_POINTS * len(scenarios)


def _difference(state_: dict, before: dict, after: dict) -> str:
    graphs = set(state_)
    return (f"{len(graphs - set(before))} graphs not in the earlier state, "
            f"{len(graphs - set(after))} not in the new one, "
            f"{sum(1 for g in graphs & set(before) if state_[g] != before[g])} changed from"
            " earlier")


# ---------------------------------------------------------------- what each phase leaves


def _staging_left(scenario: Scenario, store_path: Path) -> None:
    # What a build of an older pgraph, which staged into the store itself, left when killed
    # after loading its staging graphs, before the MOVE. Such a pgraph did not record in the
    # commit marker that the store holds no staging graphs (CommitMarker.staging_checked).
    marker = store_path / "pgraph-commit.json"
    data = json.loads(marker.read_text(encoding="utf-8"))
    del data["staging_checked"]
    marker.write_text(json.dumps(data), encoding="utf-8")
    store = ox.Store(str(store_path))
    after = ox.Store.read_only(str(scenario.after))
    store.extend(
        ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(q.graph_name.value + STAGING))
        for q in after if isinstance(q.graph_name, ox.NamedNode)
        and scenario.before_state.get(q.graph_name.value) != scenario.after_state.get(
            q.graph_name.value)
    )
    del store, after


def _new_folder_written(scenario: Scenario, store_path: Path) -> None:
    # Killed while the new state was being written beside the store (no commit marker yet).
    shutil.copytree(scenario.after, store_path.with_name("store.new"))


def _new_folder_committed(scenario: Scenario, store_path: Path) -> None:
    # Killed just after the commit marker was written, before the folders were swapped.
    _new_folder_written(scenario, store_path)
    store_path.with_name("store.new.complete").touch()


def _half_swapped(scenario: Scenario, store_path: Path) -> None:
    # Killed between the two renames of the swap: the old store moved away, the new not in.
    _new_folder_committed(scenario, store_path)
    store_path.rename(store_path.with_name("store.old"))


PHASES = {  # phase: (make what it leaves, the scenario it belongs to, the state to find)
    "staging graphs of an older pgraph, not moved": (_staging_left, 1, "earlier state"),
    "new folder written, not committed": (_new_folder_written, 0, "earlier state"),
    "new folder committed, not swapped": (_new_folder_committed, 0, "complete new state"),
    "swap half done": (_half_swapped, 0, "complete new state"),
}


@pytest.mark.parametrize("phase", list(PHASES))
@pytest.mark.parametrize("how", ["read-only", "read-write"])
def test_what_a_build_killed_in_each_phase_leaves_opens_as_one_state(
    scenarios: list[Scenario], tmp_path: Path, phase: str, how: str
) -> None:
    from pgraph.store import open_store

    leave, which, expected = PHASES[phase]
    scenario = scenarios[which]
    store_path = copy_store(scenario.before, tmp_path / "store")
    leave(scenario, store_path)
    store = open_store(store_path, read_only=how == "read-only")
    graphs: dict[str, set] = {}
    for quad in store:
        if isinstance(quad.graph_name, ox.NamedNode) and quad.graph_name.value != BUILDS_GRAPH:
            graphs.setdefault(quad.graph_name.value, set()).add(quad.triple)
    del store
    seen = {graph: frozenset(triples) for graph, triples in graphs.items()}
    wanted = scenario.before_state if expected == "earlier state" else scenario.after_state
    assert seen == wanted, _difference(seen, scenario.before_state, scenario.after_state)
    assert opened_state(store_path) == wanted


# ---------------------------------------------------------------- two builds at once


def test_a_second_build_stops_with_a_clear_message_or_waits(
    scenarios: list[Scenario], tmp_path: Path
) -> None:
    scenario = scenarios[0]
    store_path = copy_store(scenario.before, tmp_path / "store")
    first = start_build(scenario.catalogue, store_path, tmp_path / "first.log")
    try:
        lock = tmp_path / "store.lock"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if lock.exists() and lock.read_text().strip() == f"pid {first.pid}":
                break
            assert first.poll() is None, (tmp_path / "first.log").read_text()
            time.sleep(0.02)
        else:
            pytest.fail("the first build never took the lock")

        second = CliRunner().invoke(cli, ["build", str(scenario.catalogue), "--store",
                                          str(store_path)])
        assert first.poll() is None, "the first build ended before the second one started"
        assert second.exit_code == 2
        assert second.output.strip() == (
            f"Error: {store_path}: another pgraph build (pid {first.pid}) is writing to this"
            " store; wait for it to finish, or pass --wait to queue behind it"
        )

        waiting = start_build(scenario.catalogue, store_path, tmp_path / "third.log", "--wait")
        assert first.wait(timeout=600) in (0, 2)  # 2: a page with a planted fault
        assert waiting.wait(timeout=600) == first.returncode
    finally:
        kill_group(first)
    log = (tmp_path / "third.log").read_text()
    assert "0 files read" in log and "another pgraph build" not in log, log
    assert opened_state(store_path) == scenario.after_state


# ---------------------------------------------------------------- a full or read-only disk


@pytest.fixture
def small_disk(tmp_path: Path):
    """A 6 MB file system of its own (tmpfs; needs root), unmounted afterwards."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a small file system needs root")
    folder = tmp_path / "disk"
    folder.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(folder)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_full_disk_gives_a_clear_error_and_keeps_the_store(
    small_disk: Path, scenarios: list[Scenario], earlier
) -> None:
    seed_pages = Path(__file__).resolve().parents[1] / "data" / "pages"
    store_path = small_disk / "store"
    assert CliRunner().invoke(cli, ["build", str(seed_pages), "--store", str(store_path)]
                              ).exit_code == 0
    before = state(store_path)
    free = os.statvfs(small_disk)
    (small_disk / "filler").write_bytes(b"\0" * (free.f_bavail * free.f_frsize - 200_000))
    result = CliRunner().invoke(cli, ["build", str(scenarios[0].catalogue), "--store",
                                      str(store_path), "--quiet"])
    assert result.exit_code == 2
    error = [line for line in result.output.splitlines() if "No space left on device" in line]
    assert error and error[0].startswith("Error: "), result.output
    assert error[0].endswith("the disk is full; free space or choose another --store")
    assert "Traceback" not in result.output
    assert state(store_path, read_only=True) == before  # readable as it was, disk still full
    (small_disk / "filler").unlink()
    assert opened_state(store_path) == before  # and writable again once there is room


def test_a_read_only_store_location_gives_a_clear_error_and_can_still_be_read(
    small_disk: Path,
) -> None:
    seed_pages = Path(__file__).resolve().parents[1] / "data" / "pages"
    store_path = small_disk / "store"
    assert CliRunner().invoke(cli, ["build", str(seed_pages), "--store", str(store_path)]
                              ).exit_code == 0
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    result = CliRunner().invoke(cli, ["build", str(seed_pages), "--store", str(store_path)])
    assert result.exit_code == 2
    assert result.output.strip() == (
        f"Error: {small_disk / 'store.lock'}: cannot create the lock file: Read-only file system;"
        " the folder is not writable; choose another with --store"
    )
    # Reading needs no write: validate and stats still work.
    assert CliRunner().invoke(cli, ["validate", "--store", str(store_path)]).exit_code == 0
    stats = CliRunner().invoke(cli, ["stats", "--store", str(store_path), "--json"])
    assert stats.exit_code == 0 and json.loads(stats.output)["practices"] == 1


def test_a_folder_without_write_permission_gives_a_clear_error(tmp_path: Path) -> None:
    # The same promise where no file system can be mounted: permissions.
    seed_pages = Path(__file__).resolve().parents[1] / "data" / "pages"
    folder = tmp_path / "shared"
    folder.mkdir()
    store_path = folder / "store"
    assert CliRunner().invoke(cli, ["build", str(seed_pages), "--store", str(store_path)]
                              ).exit_code == 0
    everything = [folder, *folder.rglob("*")]
    for path in everything:
        path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        try:
            (folder / "probe").touch()
        except PermissionError:
            pass
        else:
            pytest.skip("this user may write anywhere (root); the tmpfs test covers it")
        result = CliRunner().invoke(cli, ["build", str(seed_pages), "--store", str(store_path)])
        assert result.exit_code == 2
        assert result.output.strip().endswith("the folder is not writable; choose another with"
                                              " --store"), result.output
        assert "Traceback" not in result.output
    finally:
        for path in everything:
            path.chmod(0o755 if path.is_dir() else 0o644)
