"""Malformed and adversarial lineup files, generated: (id, bytes, the place the error must name).

Shared by tests/test_hostile_inputs.py (through `festival validate`, `festival upload` and the
Lambda handler). Every case must be rejected whole, with a clear error naming its place.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from tests.factories import document, record

# The place every record-level error names: the object form's first record.
AT = "performances[0]"


@dataclass(frozen=True)
class Hostile:
    """One hostile lineup file and the place (JSON path, or a fragment) its error must name."""

    id: str
    data: bytes
    place: str


def _doc(**fields: Any) -> bytes:
    """A one-record lineup whose record has `fields` overridden (`...` removes a field)."""
    return document(record(**fields))


def _raw_record(text: str) -> bytes:
    """A lineup whose first record's JSON text is `text`, written by hand (invalid JSON too)."""
    return b'{"festival": "Riverside Sounds 2026", "performances": [' + text.encode(
        "utf-8", "surrogatepass") + b"]}"


_VALID_TAIL = '"stage": "Main", "date": "2026-07-10", "start": "18:00", "end": "19:15"'


def cases() -> list[Hostile]:
    valid = document(record(), record(performer="Björk Tribute", start="20:00", end="21:00"))
    out: list[Hostile] = [
        # -- not a lineup at all ---------------------------------------------------------
        Hostile("empty-file", b"", "the file is empty"),
        Hostile("whitespace-only", b" \n\t\n", "the file is empty"),
        Hostile("empty-array", b"[]", "no performances"),
        Hostile("empty-object", b"{}", "performances"),
        Hostile("empty-performances", document(), "performances"),
        Hostile("null-document", b"null", ":1:1:"),
        Hostile("string-document", b'"lineup"', ":1:1:"),
        Hostile("number-document", b"42", ":1:1:"),
        Hostile("performances-null", b'{"performances": null}', "performances"),
        Hostile("performances-object", b'{"performances": {"a": 1}}', "performances"),
        Hostile("performances-string", b'{"performances": "all of them"}', "performances"),
        # -- broken JSON -------------------------------------------------------------------
        Hostile("truncated-half", valid[: len(valid) // 2], "not JSON"),
        Hostile("truncated-last-byte", valid[:-1], "not JSON"),
        Hostile("truncated-after-bracket", b"[", "not JSON"),
        Hostile("bom-then-garbage", b"\xef\xbb\xbfgarbage{", "not JSON"),
        Hostile("bom-only", b"\xef\xbb\xbf", "the file is empty"),
        Hostile("trailing-comma", _raw_record("{" + _VALID_TAIL + ', "performer": "A",}'),
                "not JSON"),
        Hostile("single-quotes", b"[{'performer': 'A'}]", "not JSON"),
        Hostile("comment", b"// lineup\n[]", "not JSON"),
        Hostile("raw-control-character",
                _raw_record('{"performer": "A\x01B", ' + _VALID_TAIL + "}"), "not JSON"),
        Hostile("two-documents", valid + valid, "not JSON"),
        # -- not UTF-8 / not Unicode ---------------------------------------------------------
        Hostile("invalid-utf8", _doc(performer="BjXrk").replace(b"BjXrk", b"Bj\xffrk"),
                "not UTF-8"),
        Hostile("overlong-utf8-slash", _raw_record(
            '{"performer": "A') + b"\xc0\xaf" + b'", ' + _VALID_TAIL.encode() + b"}]}",
            "not UTF-8"),
        Hostile("overlong-utf8-nul", _raw_record('{"performer": "A') + b"\xe0\x80\x80\""
                + b", " + _VALID_TAIL.encode() + b"}]}", "not UTF-8"),
        Hostile("utf16-file", valid.decode().encode("utf-16"), "UTF-16"),
        Hostile("latin1-file", _doc(performer="Björk").decode().encode("latin-1"), "not UTF-8"),
        Hostile("lone-surrogate-value",
                _raw_record('{"performer": "\\ud800", ' + _VALID_TAIL + "}"),
                f"{AT}.performer"),
        Hostile("lone-low-surrogate-stage",
                _raw_record('{"performer": "A", "stage": "x\\udc00", "date": "2026-07-10", '
                            '"start": "18:00", "end": "19:15"}'), f"{AT}.stage"),
        Hostile("lone-surrogate-key",
                _raw_record('{"\\ud800": 1, "performer": "A", ' + _VALID_TAIL + "}"), AT),
        # -- absurd structure ----------------------------------------------------------------
        Hostile("deep-arrays", b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        Hostile("deep-objects", b'{"a":' * 20_000 + b"1" + b"}" * 20_000, "nested too deeply"),
        Hostile("deep-inside-a-field",
                _raw_record('{"performer": ' + "[" * 5_000 + "]" * 5_000 + ", "
                            + _VALID_TAIL + "}"), "nested too deeply"),
        Hostile("record-is-string", _raw_record('"Aurora Fields at 18:00"'), AT),
        Hostile("record-is-null", _raw_record("null"), AT),
        Hostile("record-is-array", _raw_record('["Aurora Fields", "Main"]'), AT),
        # -- duplicate keys --------------------------------------------------------------------
        Hostile("duplicate-field",
                _raw_record('{"performer": "A", "start": "17:00", ' + _VALID_TAIL + "}"),
                f"{AT}.start"),
        Hostile("duplicate-top-level-key",
                b'{"performances": [], "performances": [' + json.dumps(record()).encode()
                + b"]}", "performances"),
        Hostile("alias-and-name", _doc(Performer="Other"), AT),
        Hostile("duplicate-set", document(record(), record(end="20:00")), "performances[1]"),
        # -- NaN, Infinity, numbers ---------------------------------------------------------
        Hostile("popularity-nan", _raw_record('{"performer": "A", ' + _VALID_TAIL
                                              + ', "popularity": NaN}'), f"{AT}.popularity"),
        Hostile("popularity-infinity", _raw_record('{"performer": "A", ' + _VALID_TAIL
                                                   + ', "popularity": Infinity}'),
                f"{AT}.popularity"),
        Hostile("popularity-minus-infinity",
                _raw_record('{"performer": "A", ' + _VALID_TAIL + ', "popularity": -Infinity}'),
                f"{AT}.popularity"),
        Hostile("popularity-1e400", _raw_record('{"performer": "A", ' + _VALID_TAIL
                                                + ', "popularity": 1e400}'), f"{AT}.popularity"),
        Hostile("popularity-5000-digits",
                _raw_record('{"performer": "A", ' + _VALID_TAIL + ', "popularity": 1'
                            + "0" * 5_000 + "}"), f"{AT}.popularity"),
        Hostile("popularity-minus-1", _doc(popularity=-1), f"{AT}.popularity"),
        Hostile("popularity-101", _doc(popularity=101), f"{AT}.popularity"),
        Hostile("popularity-87.5", _doc(popularity=87.5), f"{AT}.popularity"),
        Hostile("popularity-100.0", _doc(popularity=100.0), f"{AT}.popularity"),
        Hostile("popularity-as-string", _doc(popularity="87"), f"{AT}.popularity"),
        Hostile("popularity-true", _doc(popularity=True), f"{AT}.popularity"),
        Hostile("popularity-false", _doc(popularity=False), f"{AT}.popularity"),
        Hostile("popularity-object", _doc(popularity={"score": 87}), f"{AT}.popularity"),
        Hostile("date-as-number", _doc(date=20260710), f"{AT}.date"),
        Hostile("start-as-number", _doc(start=1800), f"{AT}.start"),
        Hostile("performer-as-number", _doc(performer=42), f"{AT}.performer"),
        Hostile("performer-as-list", _doc(performer=["A", "B"]), f"{AT}.performer"),
        Hostile("stage-as-bool", _doc(stage=True), f"{AT}.stage"),
        # -- null everywhere ----------------------------------------------------------------
        *(Hostile(f"{name}-null", _doc(**{name: None}), f"{AT}.{name}")
          for name in ("performer", "stage", "date", "start", "end")),
        *(Hostile(f"{name}-missing", _doc(**{name: ...}), AT)
          for name in ("performer", "stage", "date", "start", "end")),
        Hostile("festival-as-number", document(record(), festival=7), "festival"),
        Hostile("timezone-unknown", document(record(), timezone="Mars/Olympus_Mons"),
                "timezone"),
        Hostile("merge-as-string", document(record(), merge="yes"), "merge"),
        Hostile("merge-as-number", document(record(), merge=1), "merge"),
        # -- boundary values ----------------------------------------------------------------
        Hostile("start-24:00", _doc(start="24:00"), f"{AT}.start"),
        Hostile("end-24:00", _doc(end="24:00"), f"{AT}.end"),
        Hostile("start-23:60", _doc(start="23:60"), f"{AT}.start"),
        Hostile("start-7:00", _doc(start="7:00"), f"{AT}.start"),
        Hostile("start-with-seconds", _doc(start="18:00:00"), f"{AT}.start"),
        Hostile("start-fullwidth-digits", _doc(start="１８:００"), f"{AT}.start"),
        Hostile("end-equals-start", _doc(start="18:00", end="18:00"), f"{AT}.end"),
        Hostile("date-2026-02-29", _doc(date="2026-02-29"), f"{AT}.date"),
        Hostile("date-2026-13-01", _doc(date="2026-13-01"), f"{AT}.date"),
        Hostile("date-2026-7-10", _doc(date="2026-7-10"), f"{AT}.date"),
        Hostile("date-with-time", _doc(date="2026-07-10T18:00"), f"{AT}.date"),
        Hostile("date-year-0", _doc(date="0000-01-01"), f"{AT}.date"),
        # a real date whose day before (a query's look-back) no computer calendar holds
        Hostile("date-year-1", _doc(date="0001-01-01"), f"{AT}.date"),
        # ... and whose day after (a set past midnight) neither
        Hostile("date-9999-12-31", _doc(date="9999-12-31", start="23:00", end="01:00"),
                f"{AT}.date"),
        # -- huge and empty strings ---------------------------------------------------------
        Hostile("performer-201-chars", _doc(performer="x" * 201), f"{AT}.performer"),
        Hostile("stage-201-non-ascii", _doc(stage="é" * 201), f"{AT}.stage"),
        Hostile("performer-10-MB", _doc(performer="A" * 10 * 1024 * 1024), f"{AT}.performer"),
        Hostile("performer-empty", _doc(performer=""), f"{AT}.performer"),
        Hostile("performer-blank", _doc(performer=" \t "), f"{AT}.performer"),
        Hostile("unknown-field-typo", _doc(popularty=87), f"{AT}.popularty"),
        # -- control characters: they would drive the terminal that shows the name ----------
        Hostile("performer-escape-sequence", _doc(performer="Aurora \x1b[2J\x1b[HFields"),
                f"{AT}.performer"),
        Hostile("performer-newline-inside", _doc(performer="Aurora\nFields"), f"{AT}.performer"),
        Hostile("performer-nul", _doc(performer="A\x00B"), f"{AT}.performer"),
        Hostile("stage-c1-csi", _doc(stage="Main \x9b31m"), f"{AT}.stage"),
        Hostile("stage-delete", _doc(stage="Main\x7f"), f"{AT}.stage"),
        Hostile("stage-bidi-override", _doc(stage="Main \u202egnp.exe"), f"{AT}.stage"),
        Hostile("performer-bidi-isolate", _doc(performer="\u2066Aurora Fields\u2069"),
                f"{AT}.performer"),
        Hostile("festival-escape-sequence", document(record(), festival="Riverside\x1b]0;x\x07"),
                "festival"),
        Hostile("key-escape-sequence", _doc(**{"\x1b[31mvenue": "Park"}), AT),
        Hostile("one-bad-among-many",
                document(*(record(performer=f"P{i}") for i in range(500)),
                         record(performer="Late", start="25:00")), "performances[500].start"),
    ]
    return out


# Valid boundary values: accepted (the other side of the boundaries above).
VALID_BOUNDARIES: dict[str, dict[str, Any]] = {
    "popularity-0": {"popularity": 0},
    "popularity-100": {"popularity": 100},
    "popularity-absent": {"popularity": ...},
    "start-00:00": {"start": "00:00", "end": "01:00"},
    "end-23:59": {"start": "22:00", "end": "23:59"},
    "start-23:59-past-midnight": {"start": "23:59", "end": "00:30"},
    "date-2028-02-29": {"date": "2028-02-29"},
    "performer-200-chars": {"performer": "x" * 200},
    "performer-non-ascii": {"performer": "Sigur Rós · 坂本龍一 · 🎸"},
    "performer-nfd": {"performer": "Zoe\u0308 Marchetti"},
    "performer-no-break-space": {"performer": "Aurora\u00a0Fields"},
    "performer-emoji-joiner": {"performer": "\U0001f469\u200d\U0001f3a4 Band"},
    "performer-trailing-newline": {"performer": "Aurora Fields\n"},
    "date-0002-01-01": {"date": "0002-01-01", "start": "00:30", "end": "01:00"},
    "date-9998-12-31-past-midnight": {"date": "9998-12-31", "start": "23:00", "end": "01:00"},
}


def big_truncated(size: int) -> bytes:
    """A lineup of about `size` bytes of valid records, cut off before its end (an upload that
    stopped half-way): the error must give the line where the text stops."""
    one = (b'{"performer": "Performer %07d", "stage": "Main", "date": "2026-07-10", '
           b'"start": "18:00", "end": "19:15", "popularity": 87}')
    count = size // (len(one) + 2)
    return b'{"performances": [\n' + b",\n".join(one % i for i in range(count))  # no closing
