"""The pre-commit hook, run for real: `pre-commit try-repo` installs this project into its own
environment and runs `festival validate` on the lineup files of another repository.

Slow: try-repo builds a fresh environment with pip on every run (15-25 s here, more on a busy
machine), so ONE run checks the pattern, a good file and a bad file together.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.factories import document, record

ROOT = Path(__file__).resolve().parent.parent
PRE_COMMIT = Path(sys.executable).with_name("pre-commit")
BAD = document(record(start="25:00"))


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=festival", "-c", "user.email=festival@example.org",
                    "-c", "commit.gpgsign=false", *args], cwd=repo, check=True,
                   capture_output=True)


def project_copy(target: Path) -> Path:
    """This project as a committed git repository (what `rev:` would point at)."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("festival_cli", "lambda_handler"):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, target / name, ignore=ignore)
    for name in ("pyproject.toml", ".pre-commit-hooks.yaml", "README.md", "LICENSE"):
        if (ROOT / name).exists():
            shutil.copy(ROOT / name, target / name)
    if not (target / "README.md").exists():
        (target / "README.md").write_text("festival\n")
    git(target, "init", "-q")
    git(target, "add", ".")
    git(target, "commit", "-q", "-m", "festival")
    return target


def try_repo(project: Path, repo: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    env["PRE_COMMIT_HOME"] = str(home)
    return subprocess.run([str(PRE_COMMIT), "try-repo", str(project), "festival-validate",
                           *args], cwd=repo, env=env, capture_output=True, text=True,
                          timeout=600)


def test_the_hook_is_declared() -> None:
    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert (hook["id"], hook["entry"], hook["language"]) == (
        "festival-validate", "festival validate", "python")


@pytest.mark.slow
def test_pre_commit_runs_the_hook_on_lineup_files(tmp_path: Path) -> None:
    project = project_copy(tmp_path / "festival")
    repo = tmp_path / "festival-2026"
    (repo / "lineups").mkdir(parents=True)
    (repo / "lineups" / "friday.json").write_bytes((ROOT / "examples" / "lineup.json")
                                                   .read_bytes())
    (repo / "saturday-lineup.json").write_bytes(BAD)
    (repo / "package.json").write_text("{}")  # not a lineup: the pattern leaves it out
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "lineups")
    home = tmp_path / "pre-commit-home"

    result = try_repo(project, repo, home, "--all-files")
    assert result.returncode == 1, result.stdout + result.stderr
    assert ("saturday-lineup.json:9:13: error: performances[0].start: '25:00' is not a time "
            "(HH:MM, 24-hour)") in result.stdout
    assert "lineups/friday.json: valid, 76 performances" in result.stdout
    assert "package.json" not in result.stdout
