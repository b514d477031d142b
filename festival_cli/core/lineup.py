"""Reading and validating lineup files (format 1): bytes in, a `Lineup` and its problems out.

One pass over the parsed document checks every rule of docs/design.md "The lineup file" and keeps
going after the first problem, so a file's every problem is reported at once.

The rules are written once, in the full path (`_Checker.full_record`), which checks and explains
every field. The fast path in `check_records` only recognises the usual valid record quickly;
whatever it does not accept at once goes to the full path, whose verdict is final: accepted, or
reported with its reasons. So a record is never dropped without a problem saying why, even if the
two paths came to disagree (a property test checks they do not). Before both, the usual valid
file is accepted from a plain parse into dicts (core/lineup_quick.py), which likewise only
accepts: anything else is judged here from the start.

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

import codecs
import difflib
import json
import logging
import os
import re
import stat
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date as Date
from pathlib import Path
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from festival_cli.core.checks import Timed, warnings_for
from festival_cli.core.cyclic_gc import no_cyclic_gc
from festival_cli.core.errors import LineupError, SourceError
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
    MINUTES_PER_DAY,
    Lineup,
    Performance,
    new_performance,
    sort_key,
)
from festival_cli.core.positions import Anchor, locate, printable_key
from festival_cli.core.problems import Problem
from festival_cli.core.text import UNSAFE_CHARACTERS, describe_unsafe, normal_name, unsafe_at

log = logging.getLogger(__name__)

MAX_TEXT = 200  # characters of a performer, stage or festival name
# The largest lineup file read (about 500,000 sets; validating one takes about 1 GB of memory):
# larger is refused before it is read, so /dev/zero or a runaway file cannot exhaust memory.
MAX_SOURCE_BYTES = 64 * 1024 * 1024
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

_MISSING: Any = object()
_BOMS = {codecs.BOM_UTF16_LE: "UTF-16", codecs.BOM_UTF16_BE: "UTF-16",
         codecs.BOM_UTF32_LE: "UTF-32", codecs.BOM_UTF32_BE: "UTF-32"}


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


def read_source(path: str | Path) -> bytes:
    """The bytes of a lineup file; `SourceError` (one line) when missing, unreadable, or over
    MAX_SOURCE_BYTES: a regular file by its size, before it is read; anything else (a pipe, a
    device such as /dev/zero) once that much has been read without reaching its end."""
    try:
        with open(path, "rb") as handle:
            found = os.fstat(handle.fileno())
            if stat.S_ISREG(found.st_mode) and found.st_size > MAX_SOURCE_BYTES:
                raise SourceError(_too_large(str(path), f" ({found.st_size:,} bytes)"))
            return read_limited(handle, str(path))
    except FileNotFoundError:
        raise SourceError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise SourceError(f"{path}: is a directory, not a lineup file") from None
    except PermissionError:
        raise SourceError(f"{path}: permission denied") from None
    except OSError as exc:
        raise SourceError(f"{path}: cannot be read ({exc.strerror})") from None


def read_limited(stream: BinaryIO, name: str) -> bytes:
    """All of `stream` (standard input, say), or `SourceError` when it holds more than
    MAX_SOURCE_BYTES: never more than that is read."""
    data = stream.read(MAX_SOURCE_BYTES + 1)
    if len(data) > MAX_SOURCE_BYTES:
        raise SourceError(_too_large(name, ""))
    return data


def _too_large(name: str, size: str) -> str:
    return (f"{name}: larger than {MAX_SOURCE_BYTES // 2**20} MiB{size}, the most festival reads "
            "of a lineup file; split it by date (each file replaces only the dates it lists)")


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
    text, problem = _decode(data)
    if problem is not None:
        return Report(source, None, [problem])
    from festival_cli.core.lineup_quick import quick_accept  # it reads this module's rules

    plain_text = _plain_text(text)
    lineup: Lineup | None
    with no_cyclic_gc():  # millions of small objects, no cycles: core/cyclic_gc.py
        quick = quick_accept(text, plain_text=plain_text, shown=None if strict else shown)
    if quick is not None:  # the usual valid file (core/lineup_quick.py)
        lineup, warnings, warning_counts = quick
        errors: list[Problem] = []
        anchors: dict[int, Anchor] = {}
        records = valid_records = len(lineup.performances)
    else:
        with no_cyclic_gc():
            doc, problem = _parse(text)
            if problem is not None:
                return Report(source, None, [problem])
            checker = _Checker(None if strict else shown, plain_text=plain_text)
            lineup = checker.check_document(doc)
        errors, warnings, anchors = checker.errors, checker.warnings, checker.anchors
        warning_counts = checker.warning_counts
        records, valid_records = checker.records, checker.valid_records
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


# -- bytes -> text -> JSON -----------------------------------------------------------------------


def _decode(data: bytes) -> tuple[str, Problem | None]:
    bom = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        return data[bom:].decode("utf-8"), None
    except UnicodeDecodeError as exc:
        offset = exc.start + bom
        line = data.count(b"\n", 0, offset) + 1
        line_start = data.rfind(b"\n", 0, offset) + 1
        # Characters, as everywhere: the bytes before the first bad one are valid UTF-8.
        column = len(data[max(line_start, bom):offset].decode("utf-8")) + 1
        hint = "save it as UTF-8"
        for mark, name in _BOMS.items():
            if data.startswith(mark):
                hint = f"it looks like {name}; save it as UTF-8"
        message = (f"not UTF-8 text: byte 0x{data[offset]:02x} at offset {offset} "
                   f"(line {line}) is not valid UTF-8; {hint}")
        return "", Problem("", RULE_ENCODING, message, line=line, column=column)


class _Constant:
    """What `NaN`, `Infinity` and `-Infinity` parse to: a marker the checks reject by place."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


def _parse(text: str) -> tuple[Any, Problem | None]:
    if not text.strip():
        return None, Problem("", RULE_JSON, "not JSON: the file is empty", line=1, column=1)
    try:
        return json.loads(text, object_pairs_hook=tuple, parse_constant=_Constant), None
    except json.JSONDecodeError as exc:
        return None, Problem("", RULE_JSON, f"not JSON: {exc.msg}", line=exc.lineno,
                             column=exc.colno)
    except ValueError:
        # An integer too long for Python to convert (over 4,300 digits). Parse again, keeping
        # such numbers as markers so that the checks report them at their place; the first
        # parse stays free of a Python call per number.
        return json.loads(text, object_pairs_hook=tuple, parse_constant=_Constant,
                          parse_int=_parse_int), None
    except RecursionError:
        return None, Problem("", RULE_DEPTH, "nested too deeply to be a lineup (arrays or "
                             "objects inside each other hundreds of levels deep)")


class _HugeNumber:
    """An integer literal too long to convert: never valid anywhere in a lineup."""

    __slots__ = ("digits",)

    def __init__(self, digits: int) -> None:
        self.digits = digits


def _parse_int(text: str) -> int | _HugeNumber:
    digits = len(text.lstrip("-"))
    return int(text) if digits <= _INT_DIGITS else _HugeNumber(digits)


_INT_DIGITS = 4_000  # below Python's default limit on converting digits to an int (4,300)


def _show(value: Any) -> str:
    """A value as the file wrote it, short, for a message (never recursing into it)."""
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, _Constant):
        return value.name
    if isinstance(value, _HugeNumber):
        return f"a {value.digits:,}-digit number"
    if isinstance(value, tuple):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return repr(shown)
    return str(value)


# -- the checks ----------------------------------------------------------------------------------


class _Checker:
    """Walks one parsed document, collecting problems and building the performances."""

    def __init__(self, shown: int | None = None, *, plain_text: bool = False) -> None:
        self.shown = shown  # how many warnings to write out (the rest are only counted)
        self.plain_text = plain_text  # no string of the document can hold a control character
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []
        self.warning_counts: dict[str, int] = {}
        self.anchors: dict[int, Anchor] = {}  # id(problem) -> where to point, if not the value
        self.records = 0
        self.merge = False  # the file says `"merge": true`
        self.valid_records = 0

    def error(self, path: str, rule: str, message: str, anchor: Anchor = "value") -> None:
        problem = Problem(path, rule, message)
        if anchor != "value":
            self.anchors[id(problem)] = anchor
        self.errors.append(problem)

    # -- the top -------------------------------------------------------------------------
    def check_document(self, doc: Any) -> Lineup | None:
        festival = timezone = None
        if isinstance(doc, list):
            items = doc
        elif isinstance(doc, tuple):
            festival, timezone, items = self.check_top(doc)
            if items is None:
                return None
        else:
            self.error("", RULE_DOCUMENT, f"a lineup is an object with \"performances\" or an "
                       f"array of performances, not {_show(doc)}")
            return None
        self.records = len(items)
        if not items:
            self.error("performances" if isinstance(doc, tuple) else "", RULE_EMPTY,
                       "the lineup has no performances")
            return None
        prefix = "performances" if isinstance(doc, tuple) else ""
        performances = self.check_records(items, prefix, (festival, timezone))
        if self.errors:
            return None
        return Lineup(tuple(performances), festival=festival, timezone=timezone,
                      merge=self.merge)

    def check_top(self, pairs: tuple[Any, ...]) -> tuple[str | None, str | None, Any]:
        seen: dict[str, Any] = {}
        for raw_key, value in pairs:
            key = printable_key(raw_key)
            if key not in TOP_FIELDS:
                self.error(key, RULE_UNKNOWN_TOP, _unknown_message(key, TOP_FIELDS), "key")
            elif key in seen:
                self.error(key, RULE_DUPLICATE_FIELD, f"\"{key}\" is given twice", "last-key")
            else:
                seen[key] = value
        festival = seen.get("festival")
        if festival is not None:
            festival = self.check_text("festival", festival)
        timezone = seen.get("timezone")
        if timezone is not None:
            timezone = self.check_timezone(timezone)
        merge = seen.get("merge")
        if merge is not None and merge.__class__ is not bool:
            self.error("merge", RULE_MERGE, f"must be true or false, not {_show(merge)}")
        self.merge = merge is True
        items = seen.get("performances", _MISSING)
        if items is _MISSING:
            self.error("performances", RULE_NO_PERFORMANCES, "missing: a lineup object needs "
                       "\"performances\", an array of performances")
            return festival, timezone, None
        if not isinstance(items, list):
            self.error("performances", RULE_NO_PERFORMANCES,
                       f"must be an array of performances, not {_show(items)}")
            return festival, timezone, None
        return festival, timezone, items

    def check_timezone(self, value: Any) -> str | None:
        if not isinstance(value, str) or not value.strip():
            self.error("timezone", RULE_TIMEZONE, f"{_show(value)} is not a time zone (an IANA "
                       "name such as 'Europe/London')")
            return None
        name = value.strip()
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            self.error("timezone", RULE_TIMEZONE, f"{_show(value)} is not a known time zone (an "
                       "IANA name such as 'Europe/London')")
            return None
        return name

    def check_text(self, path: str, value: Any) -> str | None:
        """A name in its normal form (`_text_ok`), or None after recording why it is not one."""
        text = _text_ok(value)
        if text is not None:
            return text
        if value.__class__ is str:
            text = value.strip()
            unsafe = unsafe_at(text)
            if _SURROGATE.search(text):
                self.error(path, RULE_BAD_TEXT, "holds a lone surrogate escape (like \\ud800), "
                           "which is not valid Unicode text")
            elif unsafe is not None:
                self.error(path, RULE_CONTROL, f"holds {describe_unsafe(text, unsafe)}; a name "
                           "is plain text: remove it")
            elif not text:
                self.error(path, RULE_BLANK, "must not be empty")
            else:
                length = len(normal_name(text))
                self.error(path, RULE_LONG_TEXT,
                           f"is {length} characters long; at most {MAX_TEXT} are allowed")
            return None
        if isinstance(value, _Constant):
            self.error(path, RULE_CONSTANT, _constant_message(value))
        else:
            self.error(path, RULE_TYPE, f"must be a string, not {_show(value)}")
        return None

    # -- the records ---------------------------------------------------------------------
    def check_records(self, items: list[Any], prefix: str,
                      origin: tuple[str | None, str | None] = (None, None)) -> list[Performance]:
        """Every record's problems; the performances (meaningful only when there are none),
        each stamped with the file's `origin` (festival, time zone).

        The fast path below does no string formatting and calls no function for the usual
        record. Any record it does not accept at once is judged by `full_record`, which alone
        says what is valid: it accepts the record or reports why not.
        """
        performances: list[Performance] = []
        timed: list[Timed] = []
        first_at: dict[tuple[str, str, str], int] = {}
        ordinals: dict[str, int | None] = {}
        festival, timezone = origin
        times = _TIMES
        missing = _MISSING
        plain_text = self.plain_text
        is_normalized = unicodedata.is_normalized
        make = new_performance  # a Performance at a quarter of the cost (core/model.py)
        for i, item in enumerate(items):
            if item.__class__ is not tuple:
                self.error(f"{prefix}[{i}]", RULE_RECORD,
                           f"a performance must be an object, not {_show(item)}")
                continue
            # The usual record: the six (or five) fields in the documented order, nothing else.
            size = len(item)
            if size == 6:
                ((k0, performer_raw), (k1, stage_raw), (k2, day), (k3, start), (k4, end),
                 (k5, popularity)) = item
                plain = (k0, k1, k2, k3, k4, k5) == _ORDER
            elif size == 5:
                (k0, performer_raw), (k1, stage_raw), (k2, day), (k3, start), (k4, end) = item
                popularity = missing
                plain = (k0, k1, k2, k3, k4) == _ORDER_NO_POPULARITY
            else:
                plain = False
            key_given = missing
            if not plain:
                values, clean = self.slot_values(f"{prefix}[{i}]", item)
                performer_raw, stage_raw, day, start, end, popularity, key_given = values
            else:
                clean = True
            # A name of plain text, or a printable one (no control or format character) already
            # in NFC, is accepted here; any other goes through `_name`, the rule itself (a
            # function call per name would cost ~2% of validating 100,000 records).
            performer = stage = None
            if performer_raw.__class__ is str:
                performer = performer_raw.strip()
                if not ((plain_text or (performer.isprintable() and (
                        performer.isascii() or is_normalized("NFC", performer))))
                        and len(performer) <= MAX_TEXT):
                    performer = _name(performer)
            if stage_raw.__class__ is str:
                stage = stage_raw.strip()
                if not ((plain_text or (stage.isprintable() and (
                        stage.isascii() or is_normalized("NFC", stage))))
                        and len(stage) <= MAX_TEXT):
                    stage = _name(stage)
            ordinal = ordinals.get(day) if day.__class__ is str else None
            if ordinal is None and day.__class__ is str and day not in ordinals:
                ordinal = ordinals[day] = _date_ordinal(day)
            begins = times.get(start) if start.__class__ is str else None
            ends = times.get(end) if end.__class__ is str else None
            if popularity is missing:
                popularity = None
            if not (clean and performer and stage and ordinal is not None and begins is not None
                    and ends is not None and begins != ends
                    and (popularity is None or (popularity.__class__ is int
                                                and 0 <= popularity <= MAX_POPULARITY))
                    and (key_given is missing or key_given == sort_key(day, start))):
                judged = self.full_record(f"{prefix}[{i}]", item, [
                    performer_raw, stage_raw, day, start, end, popularity, key_given], clean)
                if judged is None:
                    continue  # reported
                performer, stage, ordinal, begins, ends = judged
            earlier = first_at.setdefault((performer, day, start), i)
            if earlier != i:
                self.error(f"{prefix}[{i}]", RULE_DUPLICATE_SET,
                           f"same performer, date and start as {prefix}[{earlier}] "
                           f"({performer}, {day} {start}); one of them is wrong")
                continue
            performances.append(make(performer, stage, day, start, end, popularity,
                                     None, None, 0, False, festival, timezone, None))
            at = ordinal * MINUTES_PER_DAY + begins
            timed.append((at, at + (ends - begins) % MINUTES_PER_DAY, i, performer, stage,
                          start, end))
        self.warnings, self.warning_counts = warnings_for(timed, prefix, limit=self.shown)
        self.valid_records = len(performances)
        return performances

    def slot_values(self, where: str, item: tuple[Any, ...]) -> tuple[list[Any], bool]:
        """A record's values by slot, reporting unknown keys and fields given twice."""
        values = [_MISSING] * _SLOTS
        clean = True
        for key, value in item:
            slot = _SLOT.get(key)
            if slot is None or values[slot] is not _MISSING:
                self.odd_key(where, item, key, slot)
                clean = False
                continue
            values[slot] = value
        return values, clean

    def full_record(self, where: str, item: tuple[Any, ...], values: list[Any], clean: bool,
                    ) -> tuple[str, str, int, int, int] | None:
        """THE rules of a record, field by field: every problem reported, or its values.

        Returns (performer, stage, date ordinal, start and end minutes) when the record is
        valid, None when it is not, and then at least one problem says why (`clean` False means
        `slot_values` reported one already). Date, start, end and popularity are the values as
        given (a missing popularity is None).
        """
        reported = len(self.errors)
        names: list[str | None] = []
        for slot in (0, 1):
            if values[slot] is _MISSING:
                self.missing(where, slot)
                names.append(None)
            else:
                names.append(self.check_text(_field_path(where, item, slot), values[slot]))
        day = values[2]
        ordinal = None
        if day is _MISSING:
            self.missing(where, 2)
        elif day.__class__ is not str or _real_date(day) is None:
            self.bad_value(_field_path(where, item, 2), RULE_DATE, day,
                           "is not a date (YYYY-MM-DD)")
        else:
            ordinal = _date_ordinal(day)
            if ordinal is None:
                self.error(_field_path(where, item, 2), RULE_DATE_RANGE,
                           f"{_show(day)} is outside the dates festival handles ({FIRST_DATE} "
                           f"to {LAST_DATE})")
        minutes: list[int | None] = []
        for slot in (3, 4):
            value = values[slot]
            minutes.append(_TIMES.get(value) if value.__class__ is str else None)
            if value is _MISSING:
                self.missing(where, slot)
            elif minutes[-1] is None:
                self.bad_value(_field_path(where, item, slot), RULE_TIME, value,
                               "is not a time (HH:MM, 24-hour)")
        start, end = values[3], values[4]
        if minutes[0] is not None and minutes[0] == minutes[1]:
            self.error(_field_path(where, item, 4), RULE_ZERO_LENGTH,
                       f"the set ends when it starts ({end}); a set needs a length")
        popularity = values[_POPULARITY]
        if popularity is not _MISSING and popularity is not None and not (
            popularity.__class__ is int and 0 <= popularity <= MAX_POPULARITY
        ):
            self.bad_value(_field_path(where, item, _POPULARITY), RULE_POPULARITY, popularity,
                           "is not a popularity (a whole number from 0 to 100, or leave it out)")
        given = values[_SORT_KEY_SLOT]
        if given is not _MISSING and day.__class__ is str and start.__class__ is str:
            wanted = sort_key(day, start)
            if given != wanted:
                self.error(f"{where}.{ATTR_SORT_KEY}", RULE_SORT_KEY,
                           f"{_show(given)} does not match date and start ({wanted!r}); fix it "
                           "or leave it out")
        if not clean or len(self.errors) > reported:
            return None
        performer, stage = names
        begins, ends = minutes
        # Each check above reports whenever it leaves its value None.
        assert performer and stage and ordinal is not None, "a field invalid but not reported"
        assert begins is not None and ends is not None, "a time invalid but not reported"
        return performer, stage, ordinal, begins, ends

    def odd_key(self, where: str, item: tuple[Any, ...], key: str, slot: int | None) -> None:
        """A key that is unknown, or a field given twice (as itself or as its alias)."""
        key = printable_key(key)
        if slot is None:
            self.error(f"{where}.{key}", RULE_UNKNOWN_FIELD,
                       _unknown_message(key, _KNOWN, shown=FIELDS), "key")
            return
        names = list(dict.fromkeys(k for k, _ in item if _SLOT.get(k) == slot))
        if len(names) > 1:
            message = (f"\"{FIELDS[slot]}\" is given twice, as "
                       + " and ".join(f"\"{n}\"" for n in names) + "; keep one")
        else:
            message = f"\"{key}\" is given twice in one performance; keep one"
        self.error(f"{where}.{key}", RULE_DUPLICATE_FIELD, message, "last-key")

    def missing(self, where: str, slot: int) -> None:
        self.error(f"{where}.{FIELDS[slot]}", RULE_MISSING,
                   f"missing: every performance needs \"{FIELDS[slot]}\" ({_WANTED[slot]})")

    def bad_value(self, path: str, rule: str, value: Any, what: str) -> None:
        if isinstance(value, _Constant):
            self.error(path, RULE_CONSTANT, _constant_message(value))
        else:
            self.error(path, rule, f"{_show(value)} {what}")


def _plain_text(text: str) -> bool:
    """True when no string of this JSON text can hold a control character, a non-ASCII one or a
    lone surrogate: JSON refuses raw C0 characters in a string, so without a backslash (no
    escape) they are absent, and ASCII text without DEL has none of the others."""
    return text.isascii() and "\\" not in text and "\x7f" not in text


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


def _constant_message(value: _Constant) -> str:
    return f"{value.name} is not valid JSON (JSON has no NaN or Infinity)"


def _unknown_message(key: str, allowed: tuple[str, ...], shown: tuple[str, ...] = ()) -> str:
    listed = ", ".join(shown or allowed)
    close = difflib.get_close_matches(key, allowed, n=1)
    hint = f"did you mean \"{close[0]}\"? " if close else ""
    extra = " (or the table's names)" if shown else ""
    return f"unknown field \"{key}\"; {hint}allowed: {listed}{extra}"


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
