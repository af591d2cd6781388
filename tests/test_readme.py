"""The README stays true: two quick-start commands, every CLI command documented."""

from __future__ import annotations

import re
from pathlib import Path

import click

from pgraph.cli import cli
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def command_paths(group: click.Group, prefix: str = "pgraph") -> list[str]:
    paths = []
    for name, command in sorted(group.commands.items()):
        path = f"{prefix} {name}"
        if isinstance(command, click.Group):
            paths += command_paths(command, path)
        else:
            paths.append(path)
    return paths


def test_every_command_is_in_the_readme():
    missing = [path for path in command_paths(cli) if path not in README]
    assert not missing, f"commands missing from README.md: {missing}"


def test_the_quick_start_is_exactly_two_commands():
    quick_start = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    (block,) = re.findall(r"```sh\n(.*?)```", quick_start, flags=re.S)
    commands = [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]
    assert commands == ["make demo", "make test"]


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_command_has_an_example_in_its_help():
    for path in command_paths(cli):
        command = cli
        for name in path.split()[1:]:
            command = command.commands[name]
        assert "Example:" in (command.help or ""), f"{path} has no Example: in its help"


def _architecture() -> str:
    return README.split("## Architecture", 1)[1].split("\n## ", 1)[0]


def test_the_architecture_table_names_every_package_and_only_what_exists():
    import importlib

    import pgraph

    section = _architecture()
    named = set(re.findall(r"`(pgraph(?:\.[A-Za-z_][A-Za-z0-9_]*)+)`", section))
    for name in sorted(named):
        parts = name.split(".")
        for i in range(len(parts), 0, -1):
            try:
                thing = importlib.import_module(".".join(parts[:i]))
            except ImportError:
                continue
            for attribute in parts[i:]:
                assert hasattr(thing, attribute), f"{name} in the README does not exist"
                thing = getattr(thing, attribute)
            break
    root = Path(pgraph.__file__).parent
    here = {f"pgraph.{p.stem if p.is_file() else p.name}" for p in root.iterdir()
            if (p.suffix == ".py" and p.stem != "__init__") or (p / "__init__.py").is_file()}
    assert here - named == set(), "missing from the README's architecture table"
