"""The core never spells a CLI flag: what it says is the CLI's to phrase (`--date`, `--db`).

Every string constant of festival_cli/core (docstrings aside: they may explain which option a
function serves) is checked for something that reads as a flag.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import festival_cli.core

CORE = Path(festival_cli.core.__file__).parent
FLAG = re.compile(r"(?<![\w-])--[a-z][a-z-]*")


def _flags(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value) for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [(node.lineno, flag) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and id(node) not in docstrings for flag in FLAG.findall(node.value)]


def test_no_core_string_names_a_cli_flag() -> None:
    found = {path.name: _flags(path) for path in sorted(CORE.rglob("*.py"))}
    assert {name: flags for name, flags in found.items() if flags} == {}


def test_the_check_sees_a_flag() -> None:  # the test above can fail
    assert FLAG.findall("give another --db, or --stage Main") == ["--db", "--stage"]
    assert FLAG.findall("2026-07-10 -- a note, x--y") == []
