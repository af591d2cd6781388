"""A file that cannot be read is re-reported by every build, and read again only once it changes.

Such a file has no graph (so no stored hash): without a memory of it, every
rebuild would read it again. The hash cache beside the store remembers its
content hash with its error and warnings.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import pgraph.build.reading as reading
from pgraph.build import build_catalogue
from pgraph.cli import cli
from pgraph.synth import generate_catalogue


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("failures") / "catalogue"
    generate_catalogue(folder, practices=40, seed=5, malformed_share=0.15)
    failing = {e.path for e in build_catalogue([folder], store_path=None).errors}
    assert failing
    shutil.copy(folder.parent / min(failing), folder / "pages" / "zz_another_failure.txt")
    return folder


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """The names of the files the build reads (in this process: fewer than 64 changed)."""
    names: list[str] = []
    original = reading.read_file

    def read_file(job, *, base):
        names.append(job.name)
        return original(job, base=base)

    monkeypatch.setattr(reading, "read_file", read_file)
    return names


def messages(report) -> tuple[list[str], list[str]]:
    """The errors, and the warnings about the files that failed."""
    failed = {e.path for e in report.errors}
    return [str(e) for e in report.errors], [str(w) for w in report.warnings if w.path in failed]


def test_a_failed_file_is_reported_again_without_being_read(catalogue, tmp_path, reads,
                                                             monkeypatch):
    folder = tmp_path / "catalogue"
    shutil.copytree(catalogue, folder)
    monkeypatch.chdir(tmp_path)  # the hash cache is kept for one working folder
    store = tmp_path / "store"
    first = build_catalogue([folder], store_path=store, jobs=1)
    failing = sorted({e.path for e in first.errors})
    assert failing and all(e.line for e in first.errors)  # file, line and field
    reads.clear()
    again = build_catalogue([folder], store_path=store, jobs=1)
    assert reads == []  # nothing changed, the failed files included: nothing read
    assert messages(again) == messages(first)
    assert again.summary().endswith(f"{len(first.errors)} errors")


def test_a_changed_failed_file_is_read_again_and_a_fixed_one_builds(catalogue, tmp_path, reads,
                                                                    monkeypatch):
    folder = tmp_path / "catalogue"
    shutil.copytree(catalogue, folder)
    monkeypatch.chdir(tmp_path)
    store = tmp_path / "store"
    first = build_catalogue([folder], store_path=store, jobs=1)
    by_name = {e.path: e for e in first.errors}
    fixed, edited, *_ = sorted(by_name)
    good = next(p for p in sorted((folder / "pages").glob("*.txt"))
                if f"{folder.name}/pages/{p.name}" not in by_name)
    path_of = {name: folder.parent / name for name in by_name}
    shutil.copy(good, path_of[fixed])
    path_of[edited].write_text(path_of[edited].read_text(encoding="utf-8") + "\nMore.\n",
                               encoding="utf-8")
    reads.clear()
    second = build_catalogue([folder], store_path=store, jobs=1)
    assert sorted(reads) == sorted([fixed, edited])  # only the two edited files
    assert fixed in second.read and fixed not in {e.path for e in second.errors}
    assert str(by_name[edited]) in messages(second)[0]  # still failing, reported
    assert len(second.errors) == len(first.errors) - 1
    # The full rebuild of the same files says the same.
    fresh = build_catalogue([folder], store_path=tmp_path / "fresh", jobs=1)
    assert messages(fresh)[0] == [str(e) for e in second.errors]


def test_pgraph_build_prints_a_remembered_error_each_time(catalogue, tmp_path, monkeypatch):
    folder = tmp_path / "catalogue"
    shutil.copytree(catalogue, folder)
    monkeypatch.chdir(tmp_path)
    command = ["build", str(folder), "--store", str(tmp_path / "store"), "-q"]
    first, second = (CliRunner().invoke(cli, command) for _ in range(2))
    assert first.exit_code == second.exit_code == 2
    errors = [line for line in first.stderr.splitlines() if line.startswith("Error: ")]
    assert errors and errors == [
        line for line in second.stderr.splitlines() if line.startswith("Error: ")]
