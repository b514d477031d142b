"""Validating lineup files (format 1): bytes in, a `Lineup` and its problems out (`check_lineup`,
its `Report`).

One pass over the parsed document checks every rule of docs/design.md "The lineup file" and keeps
going after the first problem, so a file's every problem is reported at once. The work is split
by idea:

- `core.lineup_source`: reading a file within a size limit, decoding it, parsing its JSON;
- `core.lineup_rules`: the rules' names, the fields, the limits and the shared value checks;
- `core.lineup_checker`: `_Checker`, which applies the rules: written once there, in the full
  path (`_Checker.full_record`), which checks and explains every field; the fast path in
  `check_records` only recognises the usual valid record quickly and hands any other to it;
- `core.lineup_quick`: before both, the usual valid file accepted from a plain parse into dicts,
  which likewise only accepts: anything else is judged by `_Checker` from the start;
- here: running them, and placing the problems found at their line and column (`_located`).

Speed matters (a 100,000-record file is validated in a fraction of a second), hence:

- JSON objects are parsed into tuples of (key, value) pairs (`object_pairs_hook=tuple`): that
  catches a key given twice, which a dict would silently collapse, at no extra pass, and
  tells objects (tuples) from arrays (lists) apart.
- times are looked up in a table of the 1,440 valid `HH:MM` strings and dates in a cache (a
  lineup has few distinct dates), instead of parsing each one;
- a name is checked for control characters only when the file could hold one: JSON refuses them
  raw in a string, so a file of ASCII text without a backslash or a DEL has none anywhere (three
  scans of the text, done once); otherwise an ASCII name takes two string methods, and only
  other names are normalised (`core.text`);
- line and column are found only when there is something to report (`positions.locate`).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from festival_cli.core import lineup_quick
from festival_cli.core.cyclic_gc import no_cyclic_gc
from festival_cli.core.errors import LineupError
from festival_cli.core.lineup_checker import _Checker
from festival_cli.core.lineup_source import _decode, _parse, _plain_text
from festival_cli.core.model import Lineup
from festival_cli.core.positions import Anchor, locate
from festival_cli.core.problems import Problem

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Report:
    """The outcome of checking one lineup file."""

    source: str
    lineup: Lineup | None  # None when there are errors
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # the first `shown`, or all
    # Every warning by rule, those not in `warnings` included (None: count `warnings`).
    warning_counts: dict[str, int] | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def warning_rules(self) -> dict[str, int]:
        """How many warnings of each rule the file has (not only those in `warnings`)."""
        if self.warning_counts is not None:
            return self.warning_counts
        return dict(Counter(p.rule for p in self.warnings))

    @property
    def warning_total(self) -> int:
        return sum(self.warning_rules.values())

    @property
    def count(self) -> int:
        """How many performances the file holds (as records, valid or not)."""
        return len(self.lineup.performances) if self.lineup is not None else self.records

    records: int = 0
    # How many records passed every rule on their own (the file is refused if any other did
    # not): `valid_records` plus the records some error names is `records`, always.
    valid_records: int = 0

    def accepted(self) -> Lineup:
        """The lineup, or `LineupError` with every error."""
        if self.lineup is None or self.errors:
            raise LineupError(self.source, self.errors)
        return self.lineup


def check_lineup(data: bytes, source: str, *, strict: bool = False,
                 positions: bool = True, shown: int | None = None) -> Report:
    """Parse and validate a lineup; every problem in the report, located at its line.

    Never raises for bad data (that is what the report is for). With `strict`, warnings
    are errors. `positions=False` leaves line and column out (for the benchmark that shows
    what they cost: nothing on a valid file, as they are found only when there are problems).
    `shown`: how many problems a reader is shown (None: all, as JSON output needs). Only the
    first `shown` warnings are written out (`warning_counts` counts them all by rule), and only
    the first `shown` errors and warnings are located: a file whose stages clash everywhere
    checks as fast as a clean one.
    """
    return checked_lineup(data, source, strict=strict, positions=positions,
                          shown=shown).report()


@dataclass
class Checked:
    """A lineup file checked for what decides whether it is accepted: its `lineup` (None when
    refused) and its `errors` now; the whole `Report`, warnings found and located, from
    `report()`. The warnings never refuse a file (but with `strict`, when they are found at
    once), so an upload can find them while the store writes the sets (core/ingest.py)."""

    lineup: Lineup | None
    errors: list[Problem]
    _finish: Callable[[], Report]
    _report: Report | None = None

    @classmethod
    def of(cls, report: Report) -> Checked:
        return cls(report.lineup, report.errors, lambda: report, report)

    def report(self) -> Report:
        if self._report is None:
            self._report = self._finish()
        return self._report

    @property
    def count(self) -> int:
        """How many performances the file holds (as records, valid or not)."""
        return len(self.lineup.performances) if self.lineup is not None else self.report().count


def checked_lineup(data: bytes, source: str, *, strict: bool = False,
                   positions: bool = True, shown: int | None = None) -> Checked:
    """`check_lineup`, its warnings left to find until the report is asked for: see Checked."""
    text, problem = _decode(data)
    if problem is not None:
        return Checked.of(Report(source, None, [problem]))
    plain_text = _plain_text(text)
    with no_cyclic_gc():  # millions of small objects, no cycles: core/cyclic_gc.py
        quick = lineup_quick.quick_accept(text, plain_text=plain_text,
                                          shown=None if strict else shown)
    if quick is not None:  # the usual valid file (core/lineup_quick.py)
        lineup, sweep = quick

        def finish() -> Report:
            warnings, counts = sweep()
            records = len(lineup.performances)
            return _reported(source, lineup, [], warnings, counts, {}, text, strict=strict,
                             positions=positions, shown=shown, records=records,
                             valid_records=records)

        checked = Checked(lineup, [], finish)
        return Checked.of(checked.report()) if strict else checked
    with no_cyclic_gc():
        doc, problem = _parse(text)
        if problem is not None:
            return Checked.of(Report(source, None, [problem]))
        checker = _Checker(None if strict else shown, plain_text=plain_text)
        judged = checker.check_document(doc)
    return Checked.of(_reported(
        source, judged, checker.errors, checker.warnings, checker.warning_counts,
        checker.anchors, text, strict=strict, positions=positions, shown=shown,
        records=checker.records, valid_records=checker.valid_records))


def _reported(source: str, lineup: Lineup | None, errors: list[Problem],
              warnings: list[Problem], warning_counts: dict[str, int] | None,
              anchors: dict[int, Anchor], text: str, *, strict: bool, positions: bool,
              shown: int | None, records: int, valid_records: int) -> Report:
    """The report of a check: with `strict`, warnings made errors; the problems shown located."""
    counts: dict[str, int] | None = warning_counts
    if strict and warnings:
        errors = errors + [replace(w, severity="error") for w in warnings]
        warnings, counts = [], None
    if positions and (errors or warnings):
        cut = len(errors) if shown is None else min(shown, len(errors))
        errors_located, warnings = _located(text, errors[:cut], warnings, anchors)
        errors = errors_located + errors[cut:] if cut < len(errors) else errors_located
    log.debug("%s: %d records, %d errors, %d warnings", source, records, len(errors),
              len(warnings))
    return Report(
        source,
        lineup if not errors else None,
        errors,
        warnings,
        warning_counts=counts,
        records=records,
        valid_records=valid_records,
    )


def _located(
    text: str, errors: list[Problem], warnings: list[Problem], anchors: dict[int, Anchor]
) -> tuple[list[Problem], list[Problem]]:
    """The problems with their line and column (one scan of the text for all of them)."""
    wanted = [(p.path, anchors.get(id(p), "value")) for p in (*errors, *warnings)
              if p.line is None]
    found = locate(text, wanted)

    def place(problem: Problem) -> Problem:
        if problem.line is not None:
            return problem
        spot = found.get((problem.path, anchors.get(id(problem), "value")))
        if spot is None:
            return problem
        # dataclasses.replace() costs 5x more: it shows at 100k problems.
        return Problem(problem.path, problem.rule, problem.message, problem.severity, *spot)

    return [place(p) for p in errors], [place(p) for p in warnings]
