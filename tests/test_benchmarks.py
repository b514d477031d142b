"""The benchmark script runs and prints every row (a smoke test: it asserts no timing)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

ROWS = (
    "festival upload, 1,000 records, empty local store",
    "festival upload again, 1,000 unchanged records",
    "festival publish DIR, 1,000-set lineup (local store), in memory (tmpfs)",
    "festival publish DIR, 1,000-set lineup (local store), on this disk",
    "festival upload, 1,000 records, stages clash everywhere (904 warnings)",
    "validation of 1,000 records",
    "validation with positions vs without",
    "festival --help",
    "festival query --date D --output json (local store)",
    "import lambda_handler.handler (cold)",
    "DynamoDB (moto): BatchWriteItem, ingest of 500 new sets",
    "DynamoDB (moto): items in the largest BatchWriteItem",
    "DynamoDB (moto): BatchWriteItem, re-ingest of the same 500 sets",
    "DynamoDB (moto): BatchWriteItem, revision changing 1 % (5 sets)",
    "DynamoDB (moto): Query, --date:",
    "DynamoDB (moto): Query, --performer:",
    "DynamoDB (moto): Scan, in all of the above",
    "function package",
    "timetable page: first grid of a day of 1,000 sets (headless Chromium)",
    "vs the same titles as a bare list",
)


def test_the_quick_benchmark_prints_every_row_and_exits_0(tmp_path: Path) -> None:
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick"],
                          capture_output=True, text=True, timeout=300, check=False, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "machine: " in done.stdout and "Python " in done.stdout
    for row in ROWS:
        assert row in done.stdout, row
    assert not list(tmp_path.glob("festival-*"))  # its work folders (the page's too) are removed
    assert "\nerror" not in done.stdout
