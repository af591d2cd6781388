"""Commands that never draw, measure networks or run pySHACL do not import those libraries.

An incremental ``pgraph build``, ``pgraph stats`` and ``pgraph query`` start in
well under a second of imports when matplotlib, pyshacl, networkx and pandas
stay out (networkx alone costs ~0.2 s, matplotlib ~0.5 s).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from tests.conftest import DATA

HEAVY = ("matplotlib", "pyshacl", "networkx", "pandas")

RUN = """
import atexit, json, sys
heavy = {heavy!r}
atexit.register(lambda: print("MODULES " + json.dumps(sorted(
    name for name in sys.modules if name.split(".")[0] in heavy)), file=sys.stderr))
from pgraph.cli import main
sys.argv = ["pgraph", *{argv!r}]
main()
"""


def imported_by(argv: list[str], probe: str = RUN) -> list[str]:
    """Return the heavy modules that ``pgraph ARGV`` imported (run in a fresh interpreter);
    ``probe`` is the script that runs it and lists the modules (default: ``RUN``)."""
    result = subprocess.run([sys.executable, "-c", probe.format(heavy=HEAVY, argv=argv)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode in (0, 1), result.stderr
    line = next(x for x in result.stderr.splitlines() if x.startswith("MODULES "))
    return json.loads(line.removeprefix("MODULES "))


@pytest.fixture(scope="module")
def small_build(tmp_path_factory):
    """A store built from three pages, then one page changed (the next build is incremental)."""
    folder = tmp_path_factory.mktemp("lazy")
    pages = folder / "pages"
    pages.mkdir()
    for page in sorted((DATA / "synthetic" / "pages").glob("*.txt"))[:3]:
        shutil.copy(page, pages / page.name)
    store = folder / "store"
    assert imported_by(["build", str(pages), "--store", str(store), "-q"]) is not None
    changed = sorted(pages.glob("*.txt"))[1]
    changed.write_text(changed.read_text(encoding="utf-8") + "\nEdited.\n", encoding="utf-8")
    return pages, store


def test_an_incremental_build_imports_no_heavy_library(small_build):
    pages, store = small_build
    assert imported_by(["build", str(pages), "--store", str(store), "-q"]) == []


def test_stats_and_query_import_no_heavy_library(small_build):
    _pages, store = small_build
    assert imported_by(["stats", "--store", str(store)]) == []
    assert imported_by(["query", "practices-per-country", "--store", str(store)]) == []


def test_a_network_command_does_import_networkx(small_build):
    # The check can fail: the same probe sees networkx when a command needs it.
    _pages, store = small_build
    assert "networkx" in imported_by(["network", "stats", "co-partnership", "--store",
                                      str(store)])


def test_a_command_imports_only_its_own_command_module(small_build):
    # pgraph.cli loads a command's module when the command runs (a lazy click group).
    _pages, store = small_build
    probe = RUN.replace('name.split(".")[0] in heavy', 'name.startswith("pgraph.cli.")')
    result = subprocess.run(
        [sys.executable, "-c", probe.format(heavy=HEAVY, argv=["stats", "--store", str(store)])],
        capture_output=True, text=True, timeout=300)
    line = next(x for x in result.stderr.splitlines() if x.startswith("MODULES "))
    assert json.loads(line.removeprefix("MODULES ")) == [
        "pgraph.cli.main", "pgraph.cli.options", "pgraph.cli.stats"]


def test_the_lazy_group_names_every_command_of_every_module():
    import importlib
    import pkgutil

    import pgraph.cli
    from pgraph.cli import cli

    for module in pkgutil.iter_modules(pgraph.cli.__path__):
        importlib.import_module(f"pgraph.cli.{module.name}")
    # Every command a module adds is one the group loads that module for, and no other.
    assert set(cli._commands) == set(cli.lazy)
    for name, command in cli._commands.items():
        assert command.callback.__module__ == cli.lazy[name], name
    help_text = CliRunner().invoke(cli, ["--help"]).output
    assert all(f"\n  {name} " in help_text for name in cli.lazy)


def test_build_and_validate_import_no_query_library(small_build):
    # pgraph.query is imported at its first use (pgraph.__getattr__): a rebuild and a
    # validation need none of it. The same probe sees it where a command needs it.
    pages, store = small_build
    probe = RUN.replace('name.split(".")[0] in heavy', 'name.startswith("pgraph.query")')

    def query_modules(argv: list[str]) -> list[str]:
        return imported_by(argv, probe)

    assert query_modules(["build", str(pages), "--store", str(store), "-q"]) == []
    assert query_modules(["validate", "--store", str(store), "--no-warnings"]) == []
    assert "pgraph.query" in query_modules(["query", "practices-per-country", "--store",
                                            str(store)])
