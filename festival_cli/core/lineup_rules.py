"""The lineup file's rules as data: every rule's stable name, the fields and their aliases, the
limits, and the small value checks the validator and its fast paths share (a name's normal form,
a date's day number, the valid `HH:MM` times) and the wording of an unknown field.

Applied by `core.lineup_checker` (which explains every problem) and `core.lineup_quick` (which
only accepts); `core.lineup.check_lineup` is the entry point.
"""

from __future__ import annotations

import difflib
import re
from datetime import date as Date
from typing import Any

from festival_cli.core.model import (
    ATTR_DATE,
    ATTR_END,
    ATTR_PERFORMER,
    ATTR_POPULARITY,
    ATTR_SORT_KEY,
    ATTR_STAGE,
    ATTR_START,
    FIRST_DATE,
    LAST_DATE,
)
from festival_cli.core.text import UNSAFE_CHARACTERS, normal_name

MAX_TEXT = 200  # characters of a performer, stage or festival name
MAX_POPULARITY = 100

# Every rule's stable name (`Problem.rule`): scripts and CI annotations key on these.
RULE_ENCODING = "encoding"  # the file is not UTF-8
RULE_JSON = "json-syntax"  # not JSON at all
RULE_DEPTH = "json-depth"  # nested absurdly deep
RULE_CONSTANT = "json-constant"  # NaN / Infinity, which JSON does not have
RULE_DOCUMENT = "document"  # the top is neither an object nor an array
RULE_UNKNOWN_TOP = "unknown-top-field"
RULE_NO_PERFORMANCES = "missing-performances"
RULE_EMPTY = "empty-lineup"
RULE_TIMEZONE = "timezone"
RULE_RECORD = "record-type"  # an element of `performances` is not an object
RULE_UNKNOWN_FIELD = "unknown-field"
RULE_DUPLICATE_FIELD = "duplicate-field"  # one field twice in one object (or with its alias)
RULE_MISSING = "missing-field"
RULE_TYPE = "not-text"  # a name that is not a string
RULE_BLANK = "empty-text"
RULE_LONG_TEXT = "text-too-long"
RULE_BAD_TEXT = "invalid-text"  # a lone surrogate (`"\\ud800"`): no UTF-8 form, unstorable
RULE_CONTROL = "control-character"  # a control or bidirectional control character in a name
RULE_DATE = "date"
RULE_DATE_RANGE = "date-range"  # a real date, outside FIRST_DATE .. LAST_DATE
RULE_TIME = "time"
RULE_ZERO_LENGTH = "zero-length"
RULE_POPULARITY = "popularity"
RULE_SORT_KEY = "sort-key-mismatch"
RULE_DUPLICATE_SET = "duplicate-set"
RULE_MERGE = "merge"  # the top-level `merge` is not true or false

# The record's fields in slot order, with the table's attribute names accepted as aliases.
FIELDS = ("performer", "stage", "date", "start", "end", "popularity")
ALIASES = (ATTR_PERFORMER, ATTR_STAGE, ATTR_DATE, ATTR_START, ATTR_END, ATTR_POPULARITY)
_POPULARITY = 5
# `DateStartTime` (in an export of the table) is accepted when it agrees with date and start.
_SORT_KEY_SLOT = 6
_SLOTS = 7
_SLOT = {name: i for names in (FIELDS, ALIASES) for i, name in enumerate(names)}
_SLOT[ATTR_SORT_KEY] = _SORT_KEY_SLOT
_KNOWN = (*FIELDS, *ALIASES, ATTR_SORT_KEY)
_ORDER = FIELDS
_ORDER_NO_POPULARITY = FIELDS[:5]
# What a missing field should hold, for the message.
_WANTED = (
    "the performer's name",
    "the stage's name",
    "the date, YYYY-MM-DD",
    "the start time, HH:MM",
    "the end time, HH:MM",
    "",
)
# `merge: true` marks a file that is not the whole lineup of its dates (a partial export):
# uploading it merges, as --merge does.
TOP_FIELDS = ("festival", "timezone", "merge", "performances")

# Every valid `HH:MM`, with its minutes since midnight: one dict lookup checks and converts.
_TIMES = {f"{h:02d}:{m:02d}": h * 60 + m for h in range(24) for m in range(60)}

# What no name may hold: control and bidirectional control characters (core.text), and lone
# surrogates (`"\\ud800"` in JSON), which have no UTF-8 form and cannot be stored.
_REFUSED = re.compile(f"[{UNSAFE_CHARACTERS}\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_FIRST_ORDINAL = Date.fromisoformat(FIRST_DATE).toordinal()
_LAST_ORDINAL = Date.fromisoformat(LAST_DATE).toordinal()


def _text_ok(value: Any) -> str | None:
    """THE rule of a name: its normal form when `value` is a valid one, else None."""
    return _name(value.strip()) if value.__class__ is str else None


def _name(text: str) -> str | None:
    """A trimmed string as a name: no control, bidirectional control or lone surrogate, then
    Unicode NFC (`core.text.normal_name`), 1 to MAX_TEXT characters; else None."""
    if _REFUSED.search(text) is not None:
        return None
    if not text.isascii():
        text = normal_name(text)
    return text if 0 < len(text) <= MAX_TEXT else None


def _field_path(where: str, item: tuple[Any, ...], slot: int) -> str:
    """The path of a field as the file spells it (`start` or its alias `StartTime`)."""
    name = FIELDS[slot]
    for key, _value in item:
        if key == name:
            return f"{where}.{name}"
    return f"{where}.{ALIASES[slot]}"


def _date_ordinal(text: str) -> int | None:
    """The day number of a real `YYYY-MM-DD` date from FIRST_DATE to LAST_DATE, or None."""
    ordinal = _real_date(text)
    return ordinal if ordinal is not None and _FIRST_ORDINAL <= ordinal <= _LAST_ORDINAL else None


def _real_date(text: str) -> int | None:
    """The day number of a real `YYYY-MM-DD` date (of any year), or None."""
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        return None
    digits = text[:4] + text[5:7] + text[8:]
    if not (digits.isascii() and digits.isdigit()):
        return None
    try:
        return Date(int(text[:4]), int(text[5:7]), int(text[8:])).toordinal()
    except ValueError:
        return None



def _unknown_message(key: str, allowed: tuple[str, ...], shown: tuple[str, ...] = ()) -> str:
    listed = ", ".join(shown or allowed)
    close = difflib.get_close_matches(key, allowed, n=1)
    hint = f"did you mean \"{close[0]}\"? " if close else ""
    extra = " (or the table's names)" if shown else ""
    return f"unknown field \"{key}\"; {hint}allowed: {listed}{extra}"
