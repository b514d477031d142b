"""Check lineup files without writing anything: every error and warning, at its line.

Each problem is shown like a compiler's (`lineup.json:214:16: error: performances[12].start:
'25:00' is not a time (HH:MM, 24-hour)`) on stderr, and each file's verdict on stdout. Every
file is checked, even after a bad or missing one. Exit 0 when every file is valid (warnings
allowed; --strict makes them errors), 1 when any file is invalid or cannot be read.

--output json prints one JSON document for all the files; --output github prints GitHub
Actions annotations, so problems show on the pull request (the default when GITHUB_ACTIONS=true).
Use - as FILE to read standard input.
"""

from __future__ import annotations

import itertools
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from festival_cli.cli.console import answer, message, to_json
from festival_cli.cli.files import STDIN, read_input
from festival_cli.cli.options import StrictOption
from festival_cli.core.checks import rest_text
from festival_cli.core.errors import SourceError, UsageError
from festival_cli.core.lineup import Report, check_lineup
from festival_cli.core.problems import SHOWN, Problem

RULE_UNREADABLE = "unreadable"  # a file that could not be read at all (json/github output)


class ValidateOutput(StrEnum):
    """Where the verdicts go: text for people, json for scripts, github for CI annotations."""

    text = "text"
    json = "json"
    github = "github"


@dataclass(frozen=True)
class Checked:
    """One file's outcome: its report, or why it could not be read."""

    source: str
    report: Report | None = None
    unreadable: str | None = None  # the one-line reason

    @property
    def valid(self) -> bool:
        return self.report is not None and self.report.ok


def command(
    files: Annotated[list[Path], typer.Argument(
        metavar="FILE", help="Lineup files (format 1); - reads standard input.",
        show_default=False)],
    strict: StrictOption = False,
    output: Annotated[ValidateOutput | None, typer.Option(
        "--output", "-o", case_sensitive=False, show_default=False,
        help="text for people, json for scripts, github for GitHub Actions annotations. "
        "[default: github when GITHUB_ACTIONS=true, else text]")] = None,
) -> None:
    if output is None:
        github = os.environ.get("GITHUB_ACTIONS") == "true"
        output = ValidateOutput.github if github else ValidateOutput.text
    if sum(str(path) == STDIN for path in files) > 1:
        raise UsageError("- (standard input) can be given only once")
    # Text shows a person the first problems of each file: only those are written out and
    # located. JSON and GitHub annotations list every one.
    shown = SHOWN if output is ValidateOutput.text else None
    checked = [check_file(path, strict=strict, shown=shown) for path in files]
    for item in checked:
        if item.unreadable is not None:
            message(f"error: {item.unreadable}")
    if output is ValidateOutput.json:
        answer(to_json(json_document(checked)))
    elif output is ValidateOutput.github:
        for item in checked:
            for line in github_lines(item):
                answer(line)
            if item.report is not None:
                message(verdict(item))
    else:
        for item in checked:
            if item.report is None:
                continue
            for line in text_lines(item):
                message(line)
            answer(verdict(item))
        if len(checked) > 1:
            bad = sum(not item.valid for item in checked)
            answer(f"{len(checked)} files: {len(checked) - bad} valid, {bad} not")
    if not all(item.valid for item in checked):
        raise typer.Exit(1)


def check_file(path: Path, *, strict: bool, shown: int | None = None) -> Checked:
    """Read and check one file; a file that cannot be read is an outcome, not an exception."""
    try:
        source, data = read_input(path)
    except SourceError as exc:
        return Checked(str(path), unreadable=str(exc))
    return Checked(source, check_lineup(data, source, strict=strict, shown=shown))


def problems(item: Checked) -> Iterator[Problem]:
    """Errors first, then warnings (an unreadable file has one error with no place)."""
    if item.report is None:
        yield Problem("", RULE_UNREADABLE, item.unreadable or "cannot be read")
        return
    yield from item.report.errors
    yield from item.report.warnings


def verdict(item: Checked) -> str:
    """`lineup.json: valid, 75 performances, 2 warnings` and the like."""
    report = item.report
    if report is None:
        return f"{item.source}: unreadable"
    count = _plural(report.count, "performance")
    warnings = report.warning_total
    extra = f", {_plural(warnings, 'warning')}" if warnings else ""
    if report.ok:
        return f"{item.source}: valid, {count}{extra}"
    return f"{item.source}: invalid, {_plural(len(report.errors), 'error')}{extra} ({count})"


def text_lines(item: Checked) -> list[str]:
    """Compiler-like lines, capped: `lineup.json:214:16: error: performances[12].start: …`,
    then the rest counted by rule: `lineup.json: … and 89,985 more: 88,000 stage overlaps`."""
    shown = list(itertools.islice(problems(item), SHOWN))
    lines = [p.describe(item.source, severity=True) for p in shown]
    counts = Counter(p.rule for p in item.report.errors) if item.report else Counter()
    if item.report is not None:
        counts.update(item.report.warning_rules)
    rest = rest_text(counts, shown)
    if rest:
        lines.append(f"{item.source}: {rest}")
    return lines


def json_document(checked: list[Checked]) -> dict[str, object]:
    """`{"valid": …, "files": [{"file", "valid", "performances", "errors", "warnings"}]}`."""
    files = []
    for item in checked:
        found = list(problems(item))
        files.append({
            "file": item.source,
            "valid": item.valid,
            "performances": item.report.count if item.report is not None else 0,
            "errors": [_problem_json(p) for p in found if p.severity == "error"],
            "warnings": [_problem_json(p) for p in found if p.severity == "warning"],
        })
    return {"valid": all(item.valid for item in checked), "files": files}


def _problem_json(problem: Problem) -> dict[str, object]:
    return {"path": problem.path, "line": problem.line, "column": problem.column,
            "rule": problem.rule, "message": problem.message}


def github_lines(item: Checked) -> list[str]:
    """GitHub Actions workflow commands: `::error file=F,line=L,col=C,title=R::message`."""
    lines = []
    for problem in problems(item):
        props = [f"file={_escape_property(item.source)}"]
        if problem.line is not None:
            props.append(f"line={problem.line}")
            if problem.column is not None:
                props.append(f"col={problem.column}")
        props.append(f"title={_escape_property('festival ' + problem.rule)}")
        place = f"{problem.path}: " if problem.path else ""
        lines.append(f"::{problem.severity} {','.join(props)}::"
                     f"{_escape_data(place + problem.message)}")
    return lines


def _escape_data(text: str) -> str:
    """A workflow command's message: `%`, CR and LF escaped (GitHub's rules)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    """A workflow command's property value: the message's escapes, plus `:` and `,`."""
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'s' if count != 1 else ''}"
