"""Progress bars: drawn on a terminal, never into pipes or files, off with --quiet."""

from __future__ import annotations

import io
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from pgraph import progress
from pgraph.cli import cli


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_without_progress_track_returns_the_iterable_itself():
    items = [1, 2, 3]
    assert progress.track(items, "stage") is items
    with progress.stage("stage", total=3) as advance:
        advance(3)


def test_on_a_terminal_a_bar_shows_stage_count_rate_and_time_left():
    screen = Terminal()
    with progress.shown(stream=screen) as visible:
        assert visible and progress.is_shown()
        assert sum(progress.track(range(2000), "dump: graphs", unit="graph")) == 1999 * 1000
    text = screen.getvalue()
    assert "dump: graphs" in text
    assert "/2000" in text and "graph/s" in text  # done/total and rate
    assert "<" in text  # elapsed<left
    assert not progress.is_shown()


def test_no_bar_into_a_file_or_with_quiet():
    for stream, on in ((io.StringIO(), True), (Terminal(), False)):
        with progress.shown(on, stream=stream) as visible:
            assert not visible
            list(progress.track(range(10), "stage"))
        assert stream.getvalue() == ""


def test_the_cli_draws_no_bar_when_stderr_is_not_a_terminal(built_store_path, tmp_path):
    result = CliRunner().invoke(cli, ["dump", "--store", str(built_store_path), "--format",
                                      "nquads", "--out", str(tmp_path / "x.nq")])
    assert result.exit_code == 0, result.output
    assert "dump:" not in result.output and "\r" not in result.output


def _run_on_a_terminal(argv: list[str]) -> str:
    """Run pgraph with standard error on a pseudo-terminal; return what it drew there."""
    controller, terminal = pty.openpty()
    pgraph = str(Path(sys.executable).with_name("pgraph"))
    process = subprocess.Popen([pgraph, *argv], stdout=subprocess.PIPE,
                               stderr=terminal, env={**os.environ, "COLUMNS": "120"})
    os.close(terminal)
    screen = b""
    while True:
        ready, _, _ = select.select([controller], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        screen += chunk
    process.communicate(timeout=120)
    os.close(controller)
    assert process.returncode == 0, screen
    return screen.decode("utf-8", "replace")


def test_the_cli_draws_progress_on_a_real_terminal_and_not_with_quiet(built_store_path,
                                                                       tmp_path: Path):
    argv = ["dump", "--store", str(built_store_path), "--format", "ntriples"]
    screen = _run_on_a_terminal([*argv, "--out", str(tmp_path / "a.nt")])
    assert "dump: reading graphs" in screen and "graph" in screen
    quiet = _run_on_a_terminal([*argv, "--out", str(tmp_path / "b.nt"), "--quiet"])
    assert "dump:" not in quiet
    assert (tmp_path / "a.nt").read_bytes() == (tmp_path / "b.nt").read_bytes()
