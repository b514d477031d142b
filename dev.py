#!/usr/bin/env python3
"""Set-up and checks in one place, needing nothing but Python 3.11+.

    python3 dev.py demo    # ingest examples/lineup.json into a local store, query it, show a day
    python3 dev.py test    # ruff, mypy, import contracts, template checks, the test suite
    python3 dev.py test --quick   # the inner loop: ruff, then the tests that need no moto,
                                  # subprocess, browser or pre-commit (under a minute)

Both create `.venv` on first use and refresh it when pyproject.toml changes: `demo` installs
only what the command needs to run (the runtime dependencies) and runs it from this checkout,
`test` installs the project with its dev extra.
`test` also needs Chromium and its driver for the timetable page's browser tests: where they are
missing it installs Debian's `chromium` and `chromium-driver` (as root on Debian or Ubuntu), and
otherwise says what to install and fails.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
# One stamp per install: what pyproject.toml was when it was made. The dev one covers both.
STAMPS = {"dev": VENV / ".festival-installed", "runtime": VENV / ".festival-runtime"}


def run(*args: str | Path, check: bool = True) -> int:
    print("$", " ".join(str(a) for a in args), flush=True)
    return subprocess.run([str(a) for a in args], cwd=ROOT, check=check).returncode


def runtime_dependencies() -> list[str]:
    """The project's runtime dependencies, as pyproject.toml lists them."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return list(project["dependencies"])


def ensure_venv(extra: str = "dev") -> None:
    """Create .venv and install, unless an install that covers it is up to date: the project
    with its dev extra (`extra="dev"`), or only its runtime dependencies (`extra="runtime"`:
    the demo runs `python -m festival_cli` from this checkout, so nothing is built)."""
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    enough = ("dev",) if extra == "dev" else ("dev", "runtime")
    if any(STAMPS[k].exists() and STAMPS[k].read_text() == wanted for k in enough):
        return
    if not (BIN / "python").exists():
        print(f"creating {VENV}", flush=True)
        venv.create(VENV, with_pip=True)
    if extra == "dev":
        run(BIN / "python", "-m", "pip", "install", "--quiet", "--upgrade", "pip")
        # compat mode: a plain .pth path entry instead of an import finder (25 ms less per
        # start).
        run(BIN / "python", "-m", "pip", "install", "--quiet", "-e", ".[dev]",
            "--config-settings", "editable_mode=compat")
    else:  # the quickest first run: the pip Python brings, no build of the project
        run(BIN / "python", "-m", "pip", "install", "--quiet", *runtime_dependencies())
    STAMPS[extra].write_text(wanted)


def demo() -> int:
    ensure_venv("runtime")
    db = ROOT / ".venv" / "demo.db"
    db.unlink(missing_ok=True)
    festival = (BIN / "python", "-m", "festival_cli")  # from this checkout (run's cwd)
    run(*festival, "upload", "--db", db, "examples/lineup.json")
    run(*festival, "query", "--db", db, "--date", "2026-07-10", "--min-popularity", "90")
    # The night of the 10th at a glance, the club's sets after midnight included.
    return run(*festival, "timetable", "--db", db, "--date", "2026-07-10", "--step", "30",
               check=False)


# The font: the example lineup's Japanese names in the page's screenshots (1.6 MB, optional).
BROWSER_PACKAGES = ("chromium", "chromium-driver", "fonts-wqy-microhei")


def ensure_chromium() -> bool:
    """Chromium and chromedriver on PATH, installed with apt-get when missing and possible."""
    if shutil.which("chromium") and shutil.which("chromedriver"):
        return True
    debian = Path("/etc/debian_version").exists() and shutil.which("apt-get") is not None
    if debian and hasattr(os, "geteuid") and os.geteuid() == 0:
        print(f"installing {' '.join(BROWSER_PACKAGES)} for the page's browser tests", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        for step in (("apt-get", "update", "-q"),
                     ("apt-get", "install", "-y", "-q", "--no-install-recommends",
                      *BROWSER_PACKAGES)):
            print("$", " ".join(step), flush=True)
            if subprocess.run(step, env=env, check=False).returncode != 0:
                break
        if shutil.which("chromium") and shutil.which("chromedriver"):
            return True
    print("FAILED: the timetable page's browser tests need Chromium and its driver on PATH "
          "(`chromium` and `chromedriver`).\n"
          "  Debian: sudo apt-get install chromium chromium-driver\n"
          "  Ubuntu: sudo apt-get install chromium-browser chromium-chromedriver (or any "
          "Chromium with its matching chromedriver on PATH)\n"
          "  then run python3 dev.py test again.", flush=True)
    return False


def test(extra: list[str]) -> int:
    ensure_venv()
    if "--quick" in extra:
        rest = [a for a in extra if a != "--quick"]
        if run(BIN / "ruff", "check", ".", check=False) != 0:
            return 1
        return run(BIN / "python", "-m", "pytest", "-m", "not world", *rest, check=False)
    if not ensure_chromium():
        return 1
    checks: list[tuple[str | Path, ...]] = [
        (BIN / "ruff", "check", "."),
        (BIN / "mypy",),
        (BIN / "lint-imports",),
        (BIN / "cfn-lint", "cloudformation/template.yaml"),
        # --skip-download: offline, and no Prisma Cloud look-up (it fails without network).
        (BIN / "checkov", "-f", "cloudformation/template.yaml", "--quiet", "--compact",
         "--framework", "cloudformation", "--skip-download"),
    ]
    for check in checks:
        if run(*check, check=False) != 0:
            print(f"FAILED: {' '.join(str(c) for c in check)}", flush=True)
            return 1
    return run(BIN / "python", "-m", "pytest", *extra, check=False)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"demo", "test"}:
        print(__doc__)
        return 2
    return demo() if argv[0] == "demo" else test(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
