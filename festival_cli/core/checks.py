"""The warnings of a lineup: suspicious but possible, so they never reject a file by themselves.

Two sets overlapping on one stage, one performer in two overlapping sets, a set over 6 hours.
Times are absolute minutes (day number x 1440 + minutes), so a set crossing midnight overlaps
the next day's early sets correctly. Overlaps are found by sorting each stage's (and each
performer's) sets by start and sweeping once: O(n log n), never comparing every pair.

A file whose stages clash everywhere has a warning for most of its sets, and a person reads the
first 20: the sweep notes each warning as a plain tuple and counts them by rule, and makes a
`Problem` (its message written out) only for the first `limit` of them in file order.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from itertools import islice
from operator import itemgetter

from festival_cli.core.problems import Problem

RULE_STAGE_OVERLAP = "stage-overlap"
RULE_PERFORMER_OVERLAP = "performer-overlap"
RULE_LONG_SET = "long-set"

LONG_SET_MINUTES = 6 * 60

# How a count of each rule's problems reads: "88,000 stage overlaps".
NOUNS: dict[str, tuple[str, str]] = {
    RULE_STAGE_OVERLAP: ("stage overlap", "stage overlaps"),
    RULE_PERFORMER_OVERLAP: ("double-booked performer", "double-booked performers"),
    RULE_LONG_SET: ("set over 6 hours", "sets over 6 hours"),
}


# A valid set as the warnings see it: absolute start and end minutes (end > start), its index
# in the file's array, performer, stage, and start and end as written (for messages). A plain
# tuple, sorted by its first item: built once per record, so it must be cheap.
Timed = tuple[int, int, int, str, str, str, str]


def warnings_for(sets: list[Timed], prefix: str = "performances", *,
                 limit: int | None = None) -> tuple[list[Problem], dict[str, int]]:
    """The warnings of these sets in the order of the file (places are `prefix[index]`): the
    first `limit` of them as problems (all when None), and how many there are of each rule."""
    longs = [(s[2], 0, s, None) for s in sets if s[1] - s[0] > LONG_SET_MINUTES]
    stages: dict[str, list[Timed]] = defaultdict(list)
    for s in sets:
        stages[s[4]].append(s)
    on_stage = _overlaps(stages.values(), 1)
    # Only a performer with two sets or more can be double-booked: in most lineups there is
    # none, and the sweep of performers is skipped (a count in C, not a loop).
    counts = Counter(map(itemgetter(3), sets))
    double: list[tuple[int, int, Timed, Timed]] = []
    if len(counts) < len(sets):
        performers: dict[str, list[Timed]] = defaultdict(list)
        for s in sets:
            if counts[s[3]] > 1:
                performers[s[3]].append(s)
        double = _overlaps(performers.values(), 2)
    found = [*longs, *on_stage, *double]
    kinds = [len(longs), len(on_stage), len(double)]
    totals = {rule: n for rule, n in zip(_RULES, kinds, strict=True) if n}
    # In file order: by index, then rule (a set has one warning of each rule at most, so the
    # tuples' order never reaches the sets).
    shown = sorted(found) if limit is None else heapq.nsmallest(limit, found)
    return [_BUILD[kind](prefix, s, other) for _, kind, s, other in shown], totals


def _overlaps(groups: Iterable[list[Timed]], kind: int) -> list[tuple[int, int, Timed, Timed]]:
    """Each set of a group (one stage's, or one performer's) that starts before an earlier set
    of its group ends, with the earlier set that ends last: one sweep of each group in order of
    start (ties in file order), keeping the set that ends last so far."""
    found: list[tuple[int, int, Timed, Timed]] = []
    note = found.append
    start = itemgetter(0)
    for group in groups:
        if len(group) < 2:
            continue
        group.sort(key=start)  # in file order already, as a rule: then one pass, no sorting
        latest = group[0]
        reach = latest[1]
        for s in islice(group, 1, None):
            if s[0] < reach:
                note((s[2], kind, s, latest))
            if s[1] > reach:
                latest, reach = s, s[1]
    return found


def count_text(counts: Mapping[str, int]) -> str:
    """`88,000 stage overlaps, 1,985 double-booked performers`: most first; a rule without a
    noun by its name (`12 time problems`)."""
    parts = []
    for rule, n in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        if n <= 0:
            continue
        one, many = NOUNS.get(rule, (f"{rule} problem", f"{rule} problems"))
        parts.append(f"{n:,} {one if n == 1 else many}")
    return ", ".join(parts)


def rest_text(counts: Mapping[str, int], shown: Iterable[Problem]) -> str:
    """`… and 89,985 more: 88,000 stage overlaps, 1,985 double-booked performers`: the problems
    that `counts` (every problem by rule) holds beyond those `shown`; "" when there are none."""
    rest = dict(counts)
    for problem in shown:
        rest[problem.rule] = rest.get(problem.rule, 0) - 1
    left = sum(n for n in rest.values() if n > 0)
    return f"… and {left:,} more: {count_text(rest)}" if left else ""


def _long_set(prefix: str, s: Timed, _other: Timed | None) -> Problem:
    length = s[1] - s[0]
    return Problem(
        f"{prefix}[{s[2]}].end", RULE_LONG_SET,
        f"the set lasts {length // 60}h{length % 60:02d} ({s[5]}–{s[6]}), "
        f"longer than {LONG_SET_MINUTES // 60} hours; is the end time right?",
        severity="warning")


def _stage_overlap(prefix: str, later: Timed, earlier: Timed | None) -> Problem:
    assert earlier is not None
    return Problem(
        f"{prefix}[{later[2]}]", RULE_STAGE_OVERLAP,
        f"overlaps {prefix}[{earlier[2]}] on stage {later[4]!r} ({later[3]} "
        f"{later[5]}–{later[6]}, {earlier[3]} {earlier[5]}–{earlier[6]})",
        severity="warning")


def _performer_overlap(prefix: str, later: Timed, earlier: Timed | None) -> Problem:
    assert earlier is not None
    return Problem(
        f"{prefix}[{later[2]}]", RULE_PERFORMER_OVERLAP,
        f"{later[3]!r} plays two overlapping sets: this one ({later[4]} "
        f"{later[5]}–{later[6]}) and {prefix}[{earlier[2]}] ({earlier[4]} "
        f"{earlier[5]}–{earlier[6]})",
        severity="warning")


_RULES = (RULE_LONG_SET, RULE_STAGE_OVERLAP, RULE_PERFORMER_OVERLAP)  # by the sweep's kind
_BUILD = (_long_set, _stage_overlap, _performer_overlap)
