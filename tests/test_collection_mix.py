"""Any mix of test files on the command line finds each directory's conftest fixtures.

pytest 9.1 lost tests/aws/conftest.py's fixtures for files named after a file directly under
tests/ (see the pin in pyproject.toml): `world` not found, and the autouse fake AWS silently
missing. The plan (`--setup-plan`: no test runs, no fixture is set up) shows it in a second.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Subpackage files around top-level ones, the order that re-collected tests/ under 9.1.
MIX = ["tests/aws/test_handler.py", "tests/test_plan.py", "tests/aws/test_handler_publish.py",
       "tests/contract/test_store_basics.py", "tests/test_memo.py",
       "tests/contract/test_store_dates.py"]


def test_interleaved_files_of_tests_and_its_subpackages_keep_their_fixtures() -> None:
    plan = subprocess.run([sys.executable, "-m", "pytest", "--setup-plan", "-q", *MIX],
                          cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert "not found" not in plan.stdout, plan.stdout[-3000:]
    assert plan.returncode == 0, plan.stdout[-3000:] + plan.stderr[-3000:]
    publish = [line for line in plan.stdout.splitlines()
               if "test_handler_publish.py::" in line]
    assert publish and all("aws, " in line and "world" in line for line in publish)
    assert any("test_store_dates.py::" in line and "store" in line
               for line in plan.stdout.splitlines())
