"""`_Checker`: the lineup rules applied to a parsed document, every problem explained.

The rules are written once, here, in the full path (`_Checker.full_record`), which checks and
explains every field. The fast path in `check_records` only recognises the usual valid record
quickly; whatever it does not accept at once goes to the full path, whose verdict is final:
accepted, or reported with its reasons. So a record is never dropped without a problem saying
why, even if the two paths came to disagree (a property test checks they do not).

The rule names, fields and limits are in `core.lineup_rules`; the document comes from
`core.lineup_source._parse`; `core.lineup.check_lineup` runs it and places the problems.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from festival_cli.core.checks import Timed, warnings_for
from festival_cli.core.lineup_rules import (
    _KNOWN,
    _ORDER,
    _ORDER_NO_POPULARITY,
    _POPULARITY,
    _SLOT,
    _SLOTS,
    _SORT_KEY_SLOT,
    _SURROGATE,
    _TIMES,
    _WANTED,
    FIELDS,
    MAX_POPULARITY,
    MAX_TEXT,
    RULE_BAD_TEXT,
    RULE_BLANK,
    RULE_CONSTANT,
    RULE_CONTROL,
    RULE_DATE,
    RULE_DATE_RANGE,
    RULE_DOCUMENT,
    RULE_DUPLICATE_FIELD,
    RULE_DUPLICATE_SET,
    RULE_EMPTY,
    RULE_LONG_TEXT,
    RULE_MERGE,
    RULE_MISSING,
    RULE_NO_PERFORMANCES,
    RULE_POPULARITY,
    RULE_RECORD,
    RULE_SORT_KEY,
    RULE_TIME,
    RULE_TIMEZONE,
    RULE_TYPE,
    RULE_UNKNOWN_FIELD,
    RULE_UNKNOWN_TOP,
    RULE_ZERO_LENGTH,
    TOP_FIELDS,
    _date_ordinal,
    _field_path,
    _name,
    _real_date,
    _text_ok,
    _unknown_message,
)
from festival_cli.core.lineup_source import _Constant, _constant_message, _show
from festival_cli.core.model import (
    ATTR_SORT_KEY,
    FIRST_DATE,
    LAST_DATE,
    MINUTES_PER_DAY,
    Lineup,
    Performance,
    new_performance,
    sort_key,
)
from festival_cli.core.positions import Anchor, printable_key
from festival_cli.core.problems import Problem
from festival_cli.core.text import describe_unsafe, normal_name, unsafe_at

_MISSING: Any = object()


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
        # Imported here, for the files that name a zone: zoneinfo costs every start ~3 ms.
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

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

