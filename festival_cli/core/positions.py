"""Where a JSON place (`performances[12].start`) is in the text of a file: its line and column.

Only called when there is something to report, on text that `json.loads` already accepted. One
forward scan with a small tokenizer that tracks the path of every value; subtrees that hold none
of the wanted places are skipped with one regular-expression match each (a flat record at a
time), so even a 100,000-record file with a few problems is located quickly.

Lines and columns are 1-based; a column counts characters (Unicode code points), not bytes, as
editors that jump to `file:line:col` do; a byte-order mark is not part of the text.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from collections.abc import Iterable
from typing import Literal

# What a problem points at: the value at the path (for a path that does not exist, like a
# missing field, the nearest enclosing value that does: the record), the key of the path's last
# member (an unknown field), or that key's last occurrence (a key given twice).
Anchor = Literal["value", "key", "last-key"]
Place = tuple[str, Anchor]

_STRING = r'"[^"\\]*(?:\\.[^"\\]*)*"'
_TOKEN = re.compile(r'[\s]*(?:([{\[])|([}\]])|(,)|(:)|(' + _STRING + r')|([^\s,:\[\]{}"]+))')
# A container holding no other container: skipped in one match.
_FLAT = re.compile(r'(?:\{(?:[^{}\[\]"]+|' + _STRING + r')*\}|\[(?:[^{}\[\]"]+|' + _STRING
                   + r')*\])')


def locate(text: str, wanted: Iterable[Place]) -> dict[Place, tuple[int, int]]:
    """(line, column) of each wanted place that the text has (or its nearest ancestor's)."""
    wanted = set(wanted)
    if not wanted:
        return {}
    paths = {path for path, _ in wanted}
    ancestors = _ancestors(paths)
    value_at: dict[str, int] = {}  # path -> offset of its value (first occurrence)
    key_at: dict[str, int] = {}  # path -> offset of its key (first occurrence)
    last_key_at: dict[str, int] = {}  # path -> offset of its key (last occurrence)

    # A frame per open container: its path, whether it is an object, and the next element's
    # index (arrays) or the current key (objects).
    stack: list[list[object]] = []
    expect_key = False
    pos = 0
    end = len(text)
    current_key = ""
    while pos < end:
        match = _TOKEN.match(text, pos)
        if match is None:  # only trailing whitespace is left
            break
        opener, closer, comma, colon, string, _literal = match.groups()
        start = match.start(match.lastindex or 0)
        pos = match.end()
        if closer:
            stack.pop()
            expect_key = False  # after `{}` too: a comma or a closer comes next
            continue
        if colon:
            continue
        if comma:
            frame = stack[-1]
            if frame[1]:
                expect_key = True
            else:
                frame[2] = int(frame[2]) + 1  # type: ignore[call-overload]
            continue
        if expect_key and string is not None:
            frame = stack[-1]
            current_key = _key_text(string)
            path = _member(str(frame[0]), current_key)
            frame[2] = path
            if path in paths:
                key_at.setdefault(path, start)
                last_key_at[path] = start
            expect_key = False
            continue
        # A value starts here: which path is it?
        if not stack:
            path = ""
        else:
            frame = stack[-1]
            path = str(frame[2]) if frame[1] else f"{frame[0]}[{frame[2]}]"
        if path in ancestors:  # the wanted ones, and where to point when one is missing
            value_at.setdefault(path, start)
        if opener:
            if path not in ancestors:
                flat = _FLAT.match(text, start)
                if flat is not None:
                    pos = flat.end()
                    continue
            is_object = opener == "{"
            stack.append([path, is_object, "" if is_object else 0])
            expect_key = is_object
        # else a number, true, false, null or a string value: nothing more to do

    lines = _LineIndex(text)
    found: dict[Place, tuple[int, int]] = {}
    for path, anchor in wanted:
        offset: int | None
        if anchor == "key":
            offset = key_at.get(path)
        elif anchor == "last-key":
            offset = last_key_at.get(path)
        else:
            offset = None
        if offset is None:
            offset = _nearest_value(path, value_at)
        if offset is not None:
            found[(path, anchor)] = lines.line_column(offset)
    return found


def _member(parent: str, key: str) -> str:
    return f"{parent}.{key}" if parent else key


def _key_text(token: str) -> str:
    if "\\" not in token:
        return token[1:-1]
    return str(json.loads(token))


def _ancestors(paths: set[str]) -> set[str]:
    """Every path that may hold a wanted one (a superset: a key may itself hold `.` or `[`)."""
    out = {""}
    for path in paths:
        for i, char in enumerate(path):
            if char in ".[":
                out.add(path[:i])
        out.add(path)
    return out


def _nearest_value(path: str, value_at: dict[str, int]) -> int | None:
    """The value at `path`, or at the longest prefix of it that the text has."""
    while True:
        if path in value_at:
            return value_at[path]
        if not path:
            return None
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""


class _LineIndex:
    """Offsets to (line, column), for offsets asked in any order."""

    def __init__(self, text: str) -> None:
        self.newlines = [m.start() for m in re.finditer("\n", text)]

    def line_column(self, offset: int) -> tuple[int, int]:
        line = bisect_left(self.newlines, offset)  # newlines before the offset
        line_start = self.newlines[line - 1] + 1 if line else 0
        return line + 1, offset - line_start + 1
