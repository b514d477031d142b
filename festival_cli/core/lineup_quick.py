"""`quick_accept`: the usual valid lineup file accepted from a plain parse, before the full one.

What it buys: the full check parses objects into tuples of (key, value) pairs (its parse is in
core/lineup_source.py), so that a key given twice is seen: six pair tuples per record, made and
later freed. A file that is valid as a whole is parsed here into dicts instead, and its records
accepted in one pass, with no pair tuple. check_lineup of a clean 100,000-set file, its result
freed: 627 -> 464 ms CPU (medians of 7, alternated); the whole `festival upload` of it into an
empty store: 1,268 -> 1,185 ms CPU (medians of 5). A file the quick path leaves pays for one
more parse.

Its rule: it only accepts, and only a whole file. Whatever it does not accept at once (a record
not of the usual form, a name that needs normalising, an odd value, a duplicate set, a key
written twice, an escaped quote in the text) makes it return None, and the full check judges
the file from the start: the rules and their messages are written there once. What it accepts,
the full check accepts too, with the same sets and warnings (a property test compares them).

A dict keeps the last of two equal keys silently (`"stage"` and `"st\\u0061ge"` are equal too);
here that is detected by counting: in a text where no quote is escaped every `"` opens or
closes a string, so the text holds exactly twice as many quotes as the strings parsed (keys and
string values) unless a key given twice was dropped.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable
from functools import partial
from operator import attrgetter
from typing import Any

from festival_cli.core import lineup_rules as rules
from festival_cli.core.checks import Timed, warnings_for
from festival_cli.core.lineup_checker import _Checker
from festival_cli.core.model import MINUTES_PER_DAY, Lineup, Performance, new_performance
from festival_cli.core.problems import Problem

# The warnings of an accepted file, found when asked for: its first `shown` warnings and every
# warning's count by rule (core/checks.py). They never decide whether a file is accepted, so an
# upload may find them while the store writes the sets (core/lineup.py `Checked`).
Sweep = Callable[[], tuple[list[Problem], dict[str, int]]]
Accepted = tuple[Lineup, Sweep]
_PERFORMER = attrgetter("performer")
_SET_KEY = attrgetter("performer", "date", "start")  # one set: its performer and minute


def quick_accept(text: str, *, plain_text: bool, shown: int | None) -> Accepted | None:
    """The lineup of `text` and the sweep that finds its warnings, when the file is valid in
    the usual form; None to let the full check judge it."""
    # An escaped quote: the quotes no longer count the strings (below). Most files have no
    # backslash at all, and looking for one character is ~70 times faster than for two
    # (12.8 MB: 0.2 ms instead of 15: str's search for two skips ahead by neither).
    if "\\" in text and '\\"' in text:
        return None
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):
        return None
    festival = timezone = None
    merge = False
    if doc.__class__ is list:
        items, prefix, strings = doc, "", 0
    elif doc.__class__ is dict:
        top = _top(doc)
        if top is None:
            return None
        festival, timezone, merge, items, strings = top
        prefix = "performances"
    else:
        return None
    if not items or set(map(type, items)) != {dict}:
        return None
    # Every record below has 5 string values and its keys; a dropped key shows as missing quotes.
    strings += sum(map(len, items)) + 5 * len(items)
    if text.count('"') != 2 * strings:
        return None
    found = _records(items, plain_text, festival, timezone)
    if found is None:
        return None
    performances, ordinals = found
    return (Lineup(tuple(performances), festival=festival, timezone=timezone, merge=merge),
            partial(_swept, performances, ordinals, prefix, shown))


def _swept(performances: list[Performance], ordinals: dict[str, int], prefix: str,
           shown: int | None) -> tuple[list[Problem], dict[str, int]]:
    """The warnings of accepted sets: their times made absolute (core/checks.py's `Timed`)
    here, when the warnings are asked for (an upload asks on its second thread, while SQLite
    builds the indexes: core/overlap.py), not while the records are checked."""
    times = rules._TIMES
    timed: list[Timed] = []
    note = timed.append
    for i, p in enumerate(performances):
        start, end = p.start, p.end
        begins = times[start]
        at = ordinals[p.date] * MINUTES_PER_DAY + begins
        note((at, at + (times[end] - begins) % MINUTES_PER_DAY, i, p.performer, p.stage,
              start, end))
    return warnings_for(timed, prefix, limit=shown)


def _top(doc: dict[str, Any]) -> tuple[str | None, str | None, bool, Any, int] | None:
    """(festival, time zone, merge, the records, how many strings the object holds itself),
    judged by the full check's own rules for the festival and the time zone."""
    if not doc.keys() <= set(rules.TOP_FIELDS):
        return None
    items = doc.get("performances")
    festival, timezone, merge = doc.get("festival"), doc.get("timezone"), doc.get("merge")
    if items.__class__ is not list or (merge is not None and merge.__class__ is not bool):
        return None
    strings = len(doc) + (festival.__class__ is str) + (timezone.__class__ is str)
    judge = _Checker()
    if festival is not None:
        festival = judge.check_text("festival", festival)
    if timezone is not None:
        timezone = judge.check_timezone(timezone)
    if judge.errors:
        return None
    return festival, timezone, merge is True, items, strings


def _records(items: list[dict[str, Any]], plain_text: bool, festival: str | None,
             timezone: str | None) -> tuple[list[Performance], dict[str, int]] | None:
    """Every record's set and each date's day number, if every record is the usual valid one
    (as check_records' fast path accepts it), else None."""
    performances: list[Performance] = []
    ordinals: dict[str, int | None] = {}
    times = rules._TIMES
    longest, most = rules.MAX_TEXT, rules.MAX_POPULARITY
    is_normalized = unicodedata.is_normalized
    make = new_performance
    add = performances.append
    for item in items:
        size = len(item)
        try:
            performer, stage = item["performer"], item["stage"]
            day, start, end = item["date"], item["start"], item["end"]
            popularity = item["popularity"] if size == 6 else None
        except KeyError:
            return None
        if (size != 5 and size != 6) or performer.__class__ is not str \
                or stage.__class__ is not str or day.__class__ is not str \
                or start.__class__ is not str or end.__class__ is not str:
            return None
        performer, stage = performer.strip(), stage.strip()
        if not (performer and stage and len(performer) <= longest and len(stage) <= longest):
            return None
        if not plain_text and not (
                performer.isprintable() and (performer.isascii()
                                             or is_normalized("NFC", performer))
                and stage.isprintable() and (stage.isascii() or is_normalized("NFC", stage))):
            return None
        ordinal = ordinals.get(day)
        if ordinal is None:
            ordinal = ordinals[day] = rules._date_ordinal(day)
            if ordinal is None:
                return None
        begins, ends = times.get(start), times.get(end)
        if begins is None or ends is None or begins == ends or not (
                popularity is None or (popularity.__class__ is int and 0 <= popularity <= most)):
            return None
        add(make(performer, stage, day, start, end, popularity, None, None, 0, False, festival,
                 timezone, None))
    # A set given twice (performer, date and start: the same performer and minute, as dates
    # and times accepted here are written one way only) is the full check's to report; found
    # here at once, in C, rather than record by record. Only when a performer plays twice
    # need the triples be compared: the performers alone are one hash each, and no tuples
    # (100,000 sets: 9 ms instead of 40).
    count = len(performances)
    if len(set(map(_PERFORMER, performances))) != count \
            and len(set(map(_SET_KEY, performances))) != count:
        return None
    return performances, {day: n for day, n in ordinals.items() if n is not None}
