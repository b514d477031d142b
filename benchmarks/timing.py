"""Measuring: medians of process and in-process timings, and the machine they ran on."""

from __future__ import annotations

import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
WARMUP = True  # one unmeasured run before each measured series (run.py --quick turns it off)


def tool(name: str) -> str:
    """A command from this interpreter's environment (the .venv), else from PATH."""
    local = BIN / name
    if local.exists():
        return str(local)
    found = shutil.which(name)
    if found is None:
        raise RuntimeError(f"{name} is not installed (pip install -e '.[dev]')")
    return found


def run_time(argv: Sequence[str], *, env: dict[str, str] | None = None,
             before: Callable[[], None] | None = None) -> float:
    """Wall seconds of one run of a process (stdout discarded); it must exit 0."""
    if before is not None:
        before()
    started = time.perf_counter()
    done = subprocess.run(list(argv), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          env=env, cwd=ROOT, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[:3])} exited {done.returncode}: "
                           f"{done.stderr.decode(errors='replace').strip()[:300]}")
    return elapsed


def median_process(argv: Sequence[str], runs: int, *, env: dict[str, str] | None = None,
                   before: Callable[[], None] | None = None, warmup: bool = True) -> float:
    """Median wall seconds over `runs` runs (after one unmeasured warm-up run)."""
    if warmup and WARMUP:
        run_time(argv, env=env, before=before)
    return statistics.median(run_time(argv, env=env, before=before) for _ in range(runs))


def alternated_medians(
    a: Sequence[str], b: Sequence[str], runs: int, *, env: dict[str, str] | None = None,
    before_a: Callable[[], None] | None = None, before_b: Callable[[], None] | None = None,
) -> tuple[float, float]:
    """Median wall seconds of two commands run turn about (after one warm-up of each), so that
    a burst of load on a shared machine falls on both alike."""
    if WARMUP:
        run_time(a, env=env, before=before_a)
        run_time(b, env=env, before=before_b)
    times_a, times_b = [], []
    for _ in range(runs):
        times_a.append(run_time(a, env=env, before=before_a))
        times_b.append(run_time(b, env=env, before=before_b))
    return statistics.median(times_a), statistics.median(times_b)


def median_call(fn: Callable[[], object], runs: int) -> float:
    """Median seconds of calling `fn` in this process."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def machine() -> str:
    """CPU model, cores, Python and OS: the line every figure of the table depends on."""
    model = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}")


def clean_env(**extra: str) -> dict[str, str]:
    """The environment for timed commands: no stack, no colour, the venv first on PATH."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"FESTIVAL_STACK", "FESTIVAL_DB", "AWS_PROFILE"}}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["NO_COLOR"] = "1"
    env.update(extra)
    return env
