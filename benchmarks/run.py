#!/usr/bin/env python3
"""festival's benchmarks: one table, every figure a ratio against a baseline measured in the run.

    python benchmarks/run.py            # 100,000-record files (a few minutes)
    python benchmarks/run.py --quick    # small files: a smoke test of every row (seconds)
    python benchmarks/run.py --markdown # the table as Markdown (docs/performance.md)

Process timings are medians of several runs after a warm-up; in-process timings medians too.
DynamoDB rows count requests in moto (moto neither throttles nor bills: counts, not times).
Exit status 1 when a row could not be measured (never for a missed target: the table says so).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere: the checkout's packages first
    sys.path.insert(0, str(ROOT))

from benchmarks.timing import (  # noqa: E402
    alternated_medians,
    clean_env,
    machine,
    median_call,
    median_process,
    tool,
)


@dataclass
class Row:
    """One line of the table: our figure, its baseline, their ratio and the target."""

    what: str
    ours: str = ""
    baseline: str = ""
    ratio: float | None = None
    target: str = ""  # e.g. "<= 0.7"; "" when the figure is shown for information
    met: bool | None = None
    error: str | None = None

    def cells(self) -> list[str]:
        if self.error is not None:
            return [self.what, "error", "", "", self.target, self.error]
        ratio = "" if self.ratio is None else f"{self.ratio:.2f}x"
        verdict = "" if self.met is None else ("yes" if self.met else "NO")
        return [self.what, self.ours, self.baseline, ratio, self.target, verdict]


def timed(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def ratio_row(what: str, ours: float, base: float, base_name: str, limit: float | None,
              ) -> Row:
    r = ours / base
    return Row(what, timed(ours), f"{timed(base)} {base_name}", r,
               f"<= {limit}x" if limit is not None else "",
               None if limit is None else r <= limit)


class Bench:
    """Runs every row; a row that fails is reported in the table, the others still run."""

    def __init__(self, quick: bool) -> None:
        self.quick = quick
        self.records = 1_000 if quick else 100_000
        self.moto_sets = 500 if quick else 20_000
        self.runs = 1 if quick else 5
        self.work = Path(tempfile.mkdtemp(prefix="festival-bench-"))
        self.env = clean_env()
        self.rows: list[Row] = []
        self.festival = tool("festival")
        self._files: dict[str, Path] = {}

    # -- inputs --------------------------------------------------------------------------
    @property
    def lineup_file(self) -> Path:
        """`records` sets as a bare JSON array: format 1, and what sqlite-utils inserts."""
        return self._file("lineup.json", clash=False)

    @property
    def clash_file(self) -> Path:
        """The same, every set running into the next on its stage: ~93 % of them warned about."""
        return self._file("clash.json", clash=True)

    def _file(self, name: str, *, clash: bool) -> Path:
        if name not in self._files:
            from tests.factories import big_lineup

            records = []
            for p in big_lineup(self.records, clash=clash):
                r = p.to_record()
                if r["popularity"] is None:
                    del r["popularity"]
                records.append(r)
            self._files[name] = self.work / name
            self._files[name].write_text(json.dumps(records))
        return self._files[name]

    def fresh(self, name: str, folder: Path | None = None) -> Callable[[], None]:
        """What removes the store `name` (in the work folder, or `folder`) before a run."""
        path = (folder or self.work) / name

        def remove() -> None:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)

        return remove

    def row(self, what: str, measure: Callable[[], Row | list[Row]]) -> None:
        print(f"  measuring: {what}", file=sys.stderr, flush=True)
        try:
            result = measure()
        except Exception as exc:  # the table shows it; the exit status says so
            self.rows.append(Row(what, error=f"{type(exc).__name__}: {exc}"[:200]))
            return
        self.rows.extend(result if isinstance(result, list) else [result])

    # -- the rows ------------------------------------------------------------------------
    def local_upload(self) -> list[Row]:
        n = f"{self.records:,}"
        db = self.work / "upload.db"
        upload = [self.festival, "upload", "--db", str(db), str(self.lineup_file)]
        base_db = self.work / "sqlite-utils.db"
        insert = [tool("sqlite-utils"), "insert", str(base_db), "performances",
                  str(self.lineup_file)]
        first, base = alternated_medians(upload, insert, self.runs, env=self.env,
                                         before_a=self.fresh("upload.db"),
                                         before_b=self.fresh("sqlite-utils.db"))
        self.fresh("upload.db")()
        median_process(upload, 1, env=self.env, warmup=False)  # the store holds the lineup
        again = median_process(upload, self.runs, env=self.env)
        return [
            ratio_row(f"festival upload, {n} records, empty local store (validated, indexed)",
                      first, base, "sqlite-utils insert", 0.5),
            ratio_row(f"festival upload again, {n} unchanged records", again, first,
                      "first upload", 0.5),
        ]

    def clashing_upload(self) -> Row:
        """A file whose stages clash everywhere: every warning found and counted, 20 shown."""
        warned = self._warnings(self.clash_file)
        upload = [self.festival, "upload", "--db", str(self.work / "clash.db"),
                  str(self.clash_file)]
        insert = [tool("sqlite-utils"), "insert", str(self.work / "clash-su.db"),
                  "performances", str(self.clash_file)]
        ours, base = alternated_medians(upload, insert, self.runs, env=self.env,
                                        before_a=self.fresh("clash.db"),
                                        before_b=self.fresh("clash-su.db"))
        return ratio_row(f"festival upload, {self.records:,} records, stages clash everywhere "
                         f"({warned:,} warnings)", ours, base, "sqlite-utils insert", 0.7)

    @staticmethod
    def _warnings(path: Path) -> int:
        from festival_cli.core.lineup import check_lineup

        report = check_lineup(path.read_bytes(), path.name, shown=0)
        if not report.ok:
            raise RuntimeError(f"the clashing lineup is invalid: {report.errors[:1]}")
        return report.warning_total

    def validation(self) -> list[Row]:
        from festival_cli.core import lineup as lineup_module
        from festival_cli.core.lineup import check_lineup

        data = self.lineup_file.read_bytes()
        n = f"{self.records:,}"
        report = check_lineup(data, "lineup.json")
        if not report.ok:
            raise RuntimeError(f"the benchmark lineup is invalid: {report.errors[:1]}")
        loads = median_call(lambda: json.loads(data), self.runs)

        def unlocated(text: str, errors: list[Any], warnings: list[Any],
                      anchors: dict[int, str]) -> tuple[list[Any], list[Any]]:
            return errors, warnings

        # Alternated, so that a burst of load on the machine falls on both alike.
        with_positions: list[float] = []
        without: list[float] = []
        for _ in range(self.runs):
            with_positions.append(median_call(lambda: check_lineup(data, "lineup.json"), 1))
            with mock.patch.object(lineup_module, "_located", unlocated):
                without.append(median_call(lambda: check_lineup(data, "lineup.json"), 1))
        full, bare = statistics.median(with_positions), statistics.median(without)
        return [
            ratio_row(f"validation of {n} records", full, loads, "json.loads alone", None),
            ratio_row(f"validation with positions vs without, valid {n}-record file", full,
                      bare, "without", 1.2),
        ]

    def startup(self) -> list[Row]:
        python = sys.executable
        aws = median_process([tool("aws"), "--version"], self.runs, env=self.env)
        nothing = median_process([python, "-c", "pass"], self.runs, env=self.env)
        help_ = median_process([self.festival, "--help"], self.runs, env=self.env)
        db = self.work / "query.db"
        from tests.factories import big_lineup

        small = self.work / "small.json"
        small.write_text(json.dumps([p.to_record() for p in big_lineup(2_000)]))
        self.fresh("query.db")()
        median_process([self.festival, "upload", "--db", str(db), str(small)], 1,
                       env=self.env, warmup=False)
        query = median_process([self.festival, "query", "--db", str(db), "--date",
                                "2026-07-10", "--output", "json"], self.runs, env=self.env)
        handler = median_process([python, "-c", "import lambda_handler.handler"], self.runs,
                                 env=self.env)
        boto3 = median_process([python, "-c", "import boto3"], self.runs, env=self.env)
        return [
            ratio_row("festival --help", help_, aws, "aws --version", 0.5),
            ratio_row("festival --help", help_, nothing, "python -c pass", None),
            ratio_row("festival query --date D --output json (local store)", query, aws,
                      "aws --version", 0.3),
            ratio_row("import lambda_handler.handler (cold)", handler, boto3, "import boto3",
                      None),
        ]

    def dynamodb(self) -> list[Row]:
        from benchmarks.dynamodb_counts import counts

        rows = []
        for c in counts(self.moto_sets):
            ratio = c.made / c.floor if c.floor else None
            met = c.made <= c.floor
            service = "S3" if c.what.startswith(("PutObject", "ListObjectsV2")) else "DynamoDB"
            rows.append(Row(f"{service} (moto): {c.what}", f"{c.made:,}",
                            f"{c.floor:,} floor", ratio, f"<= {c.floor:,}", met))
        return rows

    def package(self) -> Row:
        from festival_cli.aws.package import VENDORED, build_package, own_size

        built = build_package()
        limit = 200 * 1024
        own = own_size(built)
        ours = sum(1 for f in built.files if f.split("/")[0] not in VENDORED)
        return Row(f"function package, our code ({ours} files, zip; tzdata adds "
                   f"{(built.size - own) / 1024:,.0f} KB)",
                   f"{own / 1024:,.0f} KB", "200 KB", own / limit, "<= 1.0x", own <= limit)

    def page(self) -> list[Row]:
        from benchmarks.page_draw import TARGET_SECONDS, draw_times

        sets = 1_000  # the day, in quick runs too: one browser, a few seconds
        ours, bare = draw_times(sets, self.runs)
        what = f"timetable page: first grid of a day of {sets:,} sets (headless Chromium)"
        return [
            Row(what, timed(ours), f"{timed(TARGET_SECONDS)} target", ours / TARGET_SECONDS,
                "<= 1.0x", ours <= TARGET_SECONDS),
            ratio_row(f"{what} vs the same titles as a bare list", ours, bare, "bare <ul>",
                      None),
        ]

    def publishing(self) -> list[Row]:
        """festival publish of a lineup into a folder, against uploading that lineup: in a
        memory file system (the target), and in the work folder on disk (for information).

        Why in memory: a publish makes 253 new files, an upload one or two. On a journal-less
        ext4 (this project's build machines) each new file looks past every inode its folder's
        group freed in the last minutes, and this row deletes a site before each run: 253
        empty files take ~2 ms in memory, 4-5 ms in a quiet part of the disk, and up to 150 ms
        where thousands of files were just deleted. In memory, both commands are timed doing
        their own work; the disk row shows what this machine's disk adds."""
        from tests.factories import big_lineup

        sets = 1_000 if self.quick else 10_000
        lineup = self.work / "publish-lineup.json"
        lineup.write_text(json.dumps({
            "festival": "Big Fest", "timezone": "Europe/London",
            "performances": [p.to_record() for p in big_lineup(sets)]}))
        memory = Path("/dev/shm")
        if memory.is_dir() and os.access(memory, os.W_OK):
            folder = Path(tempfile.mkdtemp(prefix="festival-bench-", dir=memory))
            try:
                rows = [self._publishing(lineup, sets, folder, "in memory (tmpfs)", 1.0)]
            finally:
                shutil.rmtree(folder, ignore_errors=True)
        else:  # no memory file system: the disk row is the target
            return [self._publishing(lineup, sets, self.work, "on disk", 1.0)]
        return [*rows, self._publishing(lineup, sets, self.work, "on this disk", None)]

    def _publishing(self, lineup: Path, sets: int, folder: Path, where: str,
                    limit: float | None) -> Row:
        published_db = folder / "publish.db"
        self.fresh("publish.db", folder)()
        median_process([self.festival, "upload", "--db", str(published_db), str(lineup)], 1,
                       env=self.env, warmup=False)
        site = folder / "site"
        publish = [self.festival, "publish", str(site), "--db", str(published_db)]
        upload = [self.festival, "upload", "--db", str(folder / "publish-upload.db"),
                  str(lineup)]

        # Into an empty folder each time: every file written, none found unchanged.
        ours, base = alternated_medians(publish, upload, self.runs, env=self.env,
                                        before_a=lambda: shutil.rmtree(site, True),
                                        before_b=self.fresh("publish-upload.db", folder))
        return ratio_row(f"festival publish DIR, {sets:,}-set lineup (local store), {where}",
                         ours, base, "festival upload of it", limit)

    def run(self) -> list[Row]:
        # Byte-compile our sources first, as a regular `pip install` does for every package
        # (aws's included): an editable install under PYTHONDONTWRITEBYTECODE=1 would otherwise
        # recompile each module on every start (~12 ms here), measuring the checkout, not festival.
        import compileall

        for package in ("festival_cli", "lambda_handler"):
            compileall.compile_dir(str(ROOT / package), quiet=1)
        self.row("local upload", self.local_upload)
        self.row("publish", self.publishing)
        self.row("local upload, stages clashing", self.clashing_upload)
        self.row("validation", self.validation)
        self.row("start-up", self.startup)
        self.row("DynamoDB requests", self.dynamodb)
        self.row("function package", self.package)
        self.row("timetable page", self.page)
        return self.rows


HEADER = ["figure", "festival", "baseline", "ratio", "target", "met"]


def render(rows: list[Row], *, markdown: bool) -> str:
    table = [HEADER, *(r.cells() for r in rows)]
    if markdown:
        lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
        lines += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in table[1:]]
        return "\n".join(lines)
    widths = [max(len(r[i]) for r in table) for i in range(len(HEADER))]
    out = []
    for i, r in enumerate(table):
        out.append("  ".join(c.ljust(widths[j]) if j in (0, 1, 2, 4) else c.rjust(widths[j])
                             for j, c in enumerate(r)).rstrip())
        if i == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small inputs (a smoke test)")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    parser.add_argument("--moto-sets", type=int, default=None,
                        help="sets for the DynamoDB (moto) rows [default: 20,000; quick 500]")
    args = parser.parse_args(argv)
    bench = Bench(args.quick)
    if args.quick:
        import benchmarks.timing

        benchmarks.timing.WARMUP = False
    if args.moto_sets:
        bench.moto_sets = args.moto_sets
    print(f"festival benchmarks ({'quick' if args.quick else 'full'}: {bench.records:,} "
          f"records; DynamoDB rows {bench.moto_sets:,} sets; medians of {bench.runs} runs)")
    print(f"machine: {machine()}")
    print()
    try:
        rows = bench.run()
    finally:  # its files (a few hundred MB at full size) are not left in the temp folder
        shutil.rmtree(bench.work, ignore_errors=True)
    print(render(rows, markdown=args.markdown))
    errors = [r for r in rows if r.error is not None]
    if errors:
        print(f"\n{len(errors)} row(s) could not be measured", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
