"""No orphans: a killed ``pgraph build`` or ``pgraph serve`` leaves no process and no open file.

A real ``pgraph build`` with worker processes is killed with SIGKILL — the
build's own process only, as ``kill -9 PID`` does — at seeded random moments
while its workers run. Within a few seconds no process started by it may be
left (they are found by a token in their environment, whatever their parent
is now), no process may hold a file of the store open (``/proc/*/fd``), and
the next build must run (an orphaned worker would hold the store's lock).
The same for ``pgraph serve``: its Oxigraph servers go with it.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from pgraph.serve import free_port
from pgraph.synth import generate_catalogue

pytestmark = pytest.mark.slow

KILLS = 3
KILL_SEED = 11
PAGES = 600  # well above PARALLEL_THRESHOLD: the workers read for about a second
PGRAPH = [sys.executable, "-c", "from pgraph.cli import main; main()"]
TOKEN = "PGRAPH_ORPHAN_TEST"


def tagged_processes(token: str) -> list[int]:
    """Return the processes whose environment holds ``TOKEN=token`` (started by the test)."""
    found = []
    needle = f"{TOKEN}={token}".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            if needle in (entry / "environ").read_bytes().split(b"\0") and not _zombie(entry):
                found.append(int(entry.name))
    return found


def _zombie(entry: Path) -> bool:
    stat = (entry / "stat").read_text()
    return stat[stat.rindex(")") + 2] == "Z"


def open_files_under(folder: Path) -> list[str]:
    """Return ``pid: file`` for every open file, of any process, under ``folder``."""
    found = []
    prefix = str(folder.resolve())
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        with contextlib.suppress(OSError):
            for fd in (entry / "fd").iterdir():
                with contextlib.suppress(OSError):
                    target = os.readlink(fd)
                    if target.startswith(prefix):
                        found.append(f"{entry.name}: {target}")
    return found


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def settle(token: str, folder: Path, seconds: float = 10.0) -> tuple[list[int], list[str]]:
    """Wait until nothing tagged ``token`` runs and nothing holds ``folder`` open (or time out)."""
    deadline = time.monotonic() + seconds
    while True:
        left, files = tagged_processes(token), open_files_under(folder)
        if (not left and not files) or time.monotonic() > deadline:
            return left, files
        time.sleep(0.1)


def start(command: list[str], token: str, log: Path) -> subprocess.Popen:
    # A session of its own only so that the test can clean up if it fails.
    return subprocess.Popen(command, stdout=log.open("wb"), stderr=subprocess.STDOUT,
                            env={**os.environ, TOKEN: token}, start_new_session=True)


def test_a_build_killed_at_random_moments_leaves_no_worker_and_no_open_file(tmp_path: Path):
    catalogue = tmp_path / "catalogue"
    generate_catalogue(catalogue, practices=PAGES, seed=3, malformed_share=0)
    store = tmp_path / "stores" / "store"
    build = [*PGRAPH, "build", str(catalogue), "--store", str(store), "--jobs", "2", "--quiet"]
    chance = random.Random(KILL_SEED)
    seen_workers = []
    for kill in range(KILLS):
        token = uuid.uuid4().hex
        process = start(build, token, tmp_path / f"build-{kill}.log")
        try:
            deadline = time.monotonic() + 120
            while not children(process.pid) and process.poll() is None:
                assert time.monotonic() < deadline, "the build started no worker"
                time.sleep(0.02)
            time.sleep(chance.uniform(0.0, 0.4))  # a random moment while the workers read
            seen_workers.append(len(tagged_processes(token)) - 1)
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
            left, files = settle(token, store.parent)
            assert left == [], f"kill {kill}: processes left: {left}"
            assert files == [], f"kill {kill}: files of the store held open: {files}"
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
    assert max(seen_workers) >= 1, seen_workers  # the kills did fall while workers ran
    done = subprocess.run(build, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr  # no orphan holds the store's lock


def test_a_killed_server_leaves_no_oxigraph_server(tmp_path: Path, built_store_path: Path):
    import shutil

    store = tmp_path / "store"
    shutil.copytree(built_store_path, store)
    token = uuid.uuid4().hex
    port = free_port()
    process = start([*PGRAPH, "serve", "--store", str(store), "--port", str(port)], token,
                    tmp_path / "serve.log")
    try:
        deadline = time.monotonic() + 60
        while len(tagged_processes(token)) < 2:  # pgraph serve and its Oxigraph server
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        left, files = settle(token, tmp_path)
        assert left == [] and files == [], (left, files)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
