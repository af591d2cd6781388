"""One vocabulary across the CLI: the same option has the same name and meaning everywhere."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from pgraph.cli import cli
from tests.test_readme import command_paths


def commands() -> dict[str, click.Command]:
    found = {}
    for path in command_paths(cli):
        command = cli
        for name in path.split()[1:]:
            command = command.commands[name]
        found[path] = command
    return found


def visible_options(command: click.Command) -> dict[str, click.Option]:
    return {
        name: param for param in command.params if isinstance(param, click.Option)
        and not param.hidden for name in param.opts
    }


def test_every_output_flag_is_o_and_output_and_takes_the_old_out():
    with_output = {path: c for path, c in commands().items() if "--output" in visible_options(c)}
    assert {"pgraph dump", "pgraph query", "pgraph network export", "pgraph demo",
            "pgraph describe", "pgraph site", "pgraph docs", "pgraph synth"} <= set(with_output)
    for path, command in commands().items():
        options = visible_options(command)
        if "--out" in options or "--output" in options:
            assert {"-o", "--output", "--out"} <= set(options), path
            assert options["--output"].name == "output", path


def test_no_command_takes_what_it_writes_as_a_positional_argument():
    # An argument naming the output (OUT, OUT_DIR, DIR to write) would be a second
    # spelling beside -o/--output; the folder commands' old positional is optional,
    # deprecated, and fills the same `output` parameter.
    for path, command in commands().items():
        for param in command.params:
            if isinstance(param, click.Argument) and "out" in param.name.lower():
                assert "--output" in visible_options(command), path
                assert not param.required and param.name == "positional_output", path


@pytest.mark.parametrize(("command", "extra", "written"), [
    ("synth", ["-n", "1"], "pages"),
    ("docs", ["--no-querying"], "index.html"),
    ("site", ["--store", "no-store-here"], None),
])
def test_the_folder_commands_still_take_the_old_positional_with_a_note(
    command, extra, written, tmp_path
):
    old = CliRunner().invoke(cli, [command, str(tmp_path / "old"), *extra])
    note = f"Deprecated: the folder as a positional argument; write -o {tmp_path / 'old'}"
    assert note in old.stderr
    if written:
        assert old.exit_code == 0, old.output
        assert (tmp_path / "old" / written).exists()
        new = CliRunner().invoke(cli, [command, "-o", str(tmp_path / "new"), *extra])
        assert new.exit_code == 0 and "Deprecated" not in new.stderr, new.output
        assert (tmp_path / "new" / written).exists()
    else:  # the site needs a store: the positional was taken, then the missing store named
        assert old.exit_code == 2 and "no store here yet" in old.stderr
    both = CliRunner().invoke(cli, [command, str(tmp_path / "a"), "-o", str(tmp_path / "b")])
    assert both.exit_code == 2 and "given twice" in both.stderr
    neither = CliRunner().invoke(cli, [command])
    assert neither.exit_code == 2 and "Missing option '-o' / '--output'" in neither.stderr


def test_endpoint_means_a_sparql_endpoint_read_from_and_nothing_else():
    reading = {path for path, c in commands().items() if "--endpoint" in visible_options(c)}
    assert reading == {"pgraph query", "pgraph network stats", "pgraph network export",
                       "pgraph network draw"}
    assert "--service-url" in visible_options(commands()["pgraph describe"])
    assert "--target" in visible_options(commands()["pgraph publish"])
    assert "--wikidata" in visible_options(commands()["pgraph link"])


@pytest.mark.parametrize(("command", "new"), [
    ("describe", "--service-url"), ("publish", "--target"), ("link", "--wikidata"),
])
def test_the_old_endpoint_spelling_is_still_accepted(command, new):
    captured = {}
    original = cli.commands[command].callback

    def record(**kwargs):
        captured.update(kwargs)

    cli.commands[command].callback = record
    try:
        old = CliRunner().invoke(cli, [command, "--endpoint", "http://127.0.0.1:9/a"])
        given = dict(captured)
        captured.clear()
        both = CliRunner().invoke(cli, [command, "--endpoint", "http://127.0.0.1:9/a",
                                        new, "http://127.0.0.1:9/b"])
    finally:
        cli.commands[command].callback = original
    assert old.exit_code == 0 and both.exit_code == 0, old.output + both.output
    name = new.lstrip("-").replace("-", "_")
    assert given[name] == "http://127.0.0.1:9/a"
    assert captured[name] == "http://127.0.0.1:9/b"  # the new name wins


def test_export_is_another_name_for_dump():
    assert cli.commands["export"] is cli.commands["dump"]
