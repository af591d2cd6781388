"""No function or method in src/pgraph is longer than 80 lines, docstring included.

A long function does many jobs; splitting it along what it does (named helpers)
keeps each one readable. The count runs from the ``def`` line (decorators
excluded) to the function's last line.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pgraph

LIMIT = 80
SOURCE = Path(pgraph.__file__).parent


def long_functions(root: Path, limit: int = LIMIT) -> list[str]:
    """Return ``path:line name (N lines)`` for every function in ``root`` longer than ``limit``."""
    found = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > limit:
                    where = path.relative_to(root.parent)
                    found.append(f"{where}:{node.lineno} {node.name} ({length} lines)")
    return found


def test_no_function_is_over_80_lines():
    assert long_functions(SOURCE) == []


def test_the_checker_finds_a_long_function(tmp_path):
    def lines(n: int, indent: str) -> str:
        return "".join(f"{indent}x{i} = {i}\n" for i in range(n))

    (tmp_path / "long.py").write_text(f"class A:\n    def m(self):\n{lines(LIMIT, ' ' * 8)}")
    (tmp_path / "short.py").write_text(f"def f():\n{lines(LIMIT - 1, ' ' * 4)}")
    assert long_functions(tmp_path) == [f"{tmp_path.name}/long.py:2 m ({LIMIT + 1} lines)"]
