"""The warnings' sweep finds what their definition says, pair by pair, for any sets.

`warnings_for` sweeps each stage's and each performer's sets once in order of start (and skips
performers with one set); the definition below compares every set with every earlier one: a set
overlaps when it starts before an earlier set of its stage (or performer) ends, and names the
earlier set that ends last (the first of them in order of start, ties in file order).
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from festival_cli.core.checks import (
    _BUILD,
    LONG_SET_MINUTES,
    RULE_LONG_SET,
    RULE_PERFORMER_OVERLAP,
    RULE_STAGE_OVERLAP,
    Timed,
    warnings_for,
)
from festival_cli.core.problems import Problem

SETS = st.lists(st.tuples(
    st.integers(0, 3 * 1440),  # start
    st.integers(1, LONG_SET_MINUTES + 60),  # length
    st.sampled_from("ABCDE"),  # performer
    st.sampled_from(["Main", "Tent", "Club"]),  # stage
), max_size=40)


def timed(drawn: list[tuple[int, int, str, str]]) -> list[Timed]:
    return [(at, at + length, i, performer, stage, f"{at}", f"{at + length}")
            for i, (at, length, performer, stage) in enumerate(drawn)]


def defined(sets: list[Timed]) -> list[Problem]:
    """Every warning by its definition, in file order (a set's own kinds in rule order)."""
    found: list[tuple[int, int, Timed, Timed | None]] = []
    by_start = sorted(sets, key=lambda s: s[0])
    for position, s in enumerate(by_start):
        if s[1] - s[0] > LONG_SET_MINUTES:
            found.append((s[2], 0, s, None))
        for kind, field in ((1, 4), (2, 3)):
            earlier = [e for e in by_start[:position] if e[field] == s[field]]
            if earlier:
                last = max(earlier, key=lambda e: e[1])  # max() keeps the first of equals
                if s[0] < last[1]:
                    found.append((s[2], kind, s, last))
    return [_BUILD[kind](".", s, other) for _, kind, s, other in sorted(
        found, key=lambda f: (f[0], f[1]))]


@settings(max_examples=300)
@given(SETS, st.none() | st.integers(0, 5))
def test_the_sweep_finds_what_the_definition_says(drawn: list[tuple[int, int, str, str]],
                                                   limit: int | None) -> None:
    sets = timed(drawn)
    every = defined(sets)
    shown, counts = warnings_for(sets, ".", limit=limit)
    assert shown == (every if limit is None else every[:limit])
    assert counts == {rule: n for rule in (RULE_LONG_SET, RULE_STAGE_OVERLAP,
                                            RULE_PERFORMER_OVERLAP)
                      if (n := sum(p.rule == rule for p in every))}


def test_a_performer_with_one_set_is_never_double_booked() -> None:
    sets = timed([(0, 60, "A", "Main"), (30, 60, "B", "Tent"), (40, 60, "C", "Club")])
    assert warnings_for(sets, ".") == ([], {})
