"""The warnings of a lineup: suspicious but possible, so they never reject a file by themselves.

Two sets overlapping on one stage, one performer in two overlapping sets, a set over 6 hours.
Times are absolute minutes (day number x 1440 + minutes), so a set crossing midnight overlaps
the next day's early sets correctly. Overlaps are found by sorting each stage's (and each
performer's) sets by start and sweeping once: O(n log n), never comparing every pair.
"""

from __future__ import annotations

from operator import itemgetter

from festival_cli.core.problems import Problem

RULE_STAGE_OVERLAP = "stage-overlap"
RULE_PERFORMER_OVERLAP = "performer-overlap"
RULE_LONG_SET = "long-set"

LONG_SET_MINUTES = 6 * 60


# A valid set as the warnings see it: absolute start and end minutes (end > start), its index
# in the file's array, performer, stage, and start and end as written (for messages). A plain
# tuple, sorted by its first item: built once per record, so it must be cheap.
Timed = tuple[int, int, int, str, str, str, str]


def warnings_for(sets: list[Timed], prefix: str = "performances") -> list[Problem]:
    """Every warning of these sets, in the order of the file; places are `prefix[index]`."""
    found: list[tuple[int, int, Problem]] = []
    for begins, ends, i, _performer, _stage, start, end in sets:
        if ends - begins > LONG_SET_MINUTES:
            length = ends - begins
            found.append((i, 0, Problem(
                f"{prefix}[{i}].end", RULE_LONG_SET,
                f"the set lasts {length // 60}h{length % 60:02d} ({start}–{end}), "
                f"longer than {LONG_SET_MINUTES // 60} hours; is the end time right?",
                severity="warning")))
    # One sweep in order of start: per stage and per performer, the set that ends last so far;
    # a set starting before it ends overlaps it.
    last_on_stage: dict[str, Timed] = {}
    last_of_performer: dict[str, Timed] = {}
    for s in sorted(sets, key=itemgetter(0)):
        begins, ends, _, performer, stage = s[:5]
        latest = last_on_stage.get(stage)
        if latest is None or ends > latest[1]:
            last_on_stage[stage] = s
        if latest is not None and begins < latest[1]:
            found.append((s[2], 1, _stage_overlap(prefix, s, latest)))
        latest = last_of_performer.get(performer)
        if latest is None or ends > latest[1]:
            last_of_performer[performer] = s
        if latest is not None and begins < latest[1]:
            found.append((s[2], 2, _performer_overlap(prefix, s, latest)))
    found.sort(key=itemgetter(0, 1))
    return [problem for _, _, problem in found]


def _stage_overlap(prefix: str, later: Timed, earlier: Timed) -> Problem:
    return Problem(
        f"{prefix}[{later[2]}]", RULE_STAGE_OVERLAP,
        f"overlaps {prefix}[{earlier[2]}] on stage {later[4]!r} ({later[3]} "
        f"{later[5]}–{later[6]}, {earlier[3]} {earlier[5]}–{earlier[6]})",
        severity="warning")


def _performer_overlap(prefix: str, later: Timed, earlier: Timed) -> Problem:
    return Problem(
        f"{prefix}[{later[2]}]", RULE_PERFORMER_OVERLAP,
        f"{later[3]!r} plays two overlapping sets: this one ({later[4]} "
        f"{later[5]}–{later[6]}) and {prefix}[{earlier[2]}] ({earlier[4]} "
        f"{earlier[5]}–{earlier[6]})",
        severity="warning")
