"""docs/ci.md: its GitHub Actions workflow parses, uses OIDC (no stored keys), and every `festival`
command and option it runs exists in the real command line."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import typer.main
import yaml

from festival_cli.cli.app import app

DOC = Path(__file__).resolve().parent.parent / "docs" / "ci.md"
FENCE = re.compile(r"```yaml\n(.*?)```", re.DOTALL)


def workflow() -> dict[Any, Any]:
    """The fenced YAML block of docs/ci.md that has `jobs:`."""
    blocks = [yaml.safe_load(block) for block in FENCE.findall(DOC.read_text(encoding="utf-8"))]
    [found] = [b for b in blocks if isinstance(b, dict) and "jobs" in b]
    return found


def steps(flow: dict[Any, Any]) -> list[dict[str, Any]]:
    return [step for job in flow["jobs"].values() for step in job["steps"]]


def festival_calls(flow: dict[Any, Any]) -> list[list[str]]:
    """Each `festival …` command line of every `run:` step, split like a shell would."""
    calls = []
    for step in steps(flow):
        for line in str(step.get("run", "")).splitlines():
            line = re.sub(r"\$\{\{[^}]*\}\}", "VALUE", line)  # GitHub expressions
            words = shlex.split(line)
            if words and words[0] == "festival":
                calls.append(words[1:])
    return calls


def registered() -> dict[str, Any]:
    """The commands of the real app, through the group's interface (it loads them lazily)."""
    group: Any = typer.main.get_command(app)
    commands = {name: group.get_command(None, name) for name in group.list_commands(None)}
    return {name: command for name, command in commands.items() if command is not None}


def test_the_workflow_validates_pull_requests_and_publishes_main() -> None:
    flow = workflow()
    triggers = flow.get("on", flow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert "pull_request" in triggers
    assert triggers["push"]["branches"] == ["main"]
    commands = [call[0] for call in festival_calls(flow)]
    assert {"validate", "deploy", "upload"} <= set(commands)
    validate = next(call for call in festival_calls(flow) if call[0] == "validate")
    assert validate[1:3] == ["--output", "github"]


def test_aws_credentials_come_from_oidc_not_stored_keys() -> None:
    flow = workflow()
    publish = flow["jobs"]["publish"]
    assert publish["permissions"]["id-token"] == "write"
    [aws] = [s for s in steps(flow)
             if str(s.get("uses", "")).startswith("aws-actions/configure-aws-credentials")]
    assert "role-to-assume" in aws["with"]
    text = DOC.read_text(encoding="utf-8")
    for stored in ("aws-access-key-id", "aws-secret-access-key", "AWS_SECRET_ACCESS_KEY"):
        assert stored not in text


def test_upload_waits_for_the_ingestion() -> None:
    [upload] = [call for call in festival_calls(workflow()) if call[0] == "upload"]
    assert "--no-wait" not in upload


@pytest.mark.parametrize("call", festival_calls(workflow()), ids=lambda call: call[0])
def test_every_festival_command_and_option_exists(call: list[str]) -> None:
    name, *args = call
    commands = registered()
    assert name in commands, (
        f"`festival {name}` is used in docs/ci.md but not registered "
        f"(registered: {', '.join(sorted(commands))})")
    known = {opt for param in commands[name].params for opt in param.opts + param.secondary_opts
             if opt.startswith("-")}
    used = {arg.split("=", 1)[0] for arg in args if arg.startswith("-")}
    assert used <= known, f"festival {name}: no option {sorted(used - known)}"
    # And click accepts the whole line as written (values, arguments) without running it.
    context = commands[name].make_context(name, list(args), resilient_parsing=False)
    assert context.params is not None


def test_zizmor_finds_nothing_in_the_workflow(tmp_path: Path) -> None:
    """The GitHub Actions security linter, offline (no GitHub token, no network), on the
    workflow exactly as docs/ci.md shows it."""
    import json
    import os
    import subprocess
    import sys

    blocks = [b for b in FENCE.findall(DOC.read_text(encoding="utf-8")) if "jobs:" in b]
    path = tmp_path / ".github" / "workflows" / "lineup.yml"
    path.parent.mkdir(parents=True)
    path.write_text(blocks[0], encoding="utf-8")
    zizmor = Path(sys.executable).parent / "zizmor"
    env = {k: v for k, v in os.environ.items()
           if k not in {"GH_TOKEN", "GITHUB_TOKEN", "ZIZMOR_GITHUB_TOKEN"}}
    done = subprocess.run([str(zizmor), "--offline", "--format", "json", str(path)],
                          capture_output=True, text=True, env=env, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout) == []


def test_actions_are_pinned_to_commits_and_keep_no_credentials() -> None:
    used = [step for step in steps(workflow()) if "uses" in step]
    assert used and all(re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", step["uses"])
                        for step in used)
    checkouts = [s for s in used if s["uses"].startswith("actions/checkout@")]
    assert checkouts and all(s["with"]["persist-credentials"] is False for s in checkouts)
    for step in steps(workflow()):
        assert "${{" not in str(step.get("run", "")), step["run"]
