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

from festival_cli.core.text import escaped

# What a problem points at: the value at the path (for a path that does not exist, like a
# missing field, the nearest enclosing value that does: the record), the key of the path's last
# member (an unknown field), or that key's last occurrence (a key given twice).
Anchor = Literal["value", "key", "last-key"]
Place = tuple[str, Anchor]

_STRING = r'"[^"\\]*(?:\\.[^"\\]*)*"'
_TOKEN = re.compile(r'[\s]*(?:([{\[])|([}\]])|(,)|(:)|(' + _STRING + r')|([^\s,:\[\]{}"]+))')
# A container holding no other container: skipped (or read member by member) in one match.
# Unrolled (`a*(?:b a*)*`), never `(?:a+|b)*`: a failed match must not backtrack exponentially.
_FLAT_BODY = r'[^{}\[\]"]*(?:' + _STRING + r'[^{}\[\]"]*)*'
_FLAT = re.compile(r'\{' + _FLAT_BODY + r'\}|\[' + _FLAT_BODY + r'\]')
_MEMBER = re.compile(r'\s*(' + _STRING + r')\s*:\s*(' + _STRING + r'|[^\s,:\[\]{}"]+)\s*,?')


def locate(text: str, wanted: Iterable[Place]) -> dict[Place, tuple[int, int]]:
    """(line, column) of each wanted place that the text has (or its nearest ancestor's)."""
    wanted = set(wanted)
    if not wanted:
        return {}
    paths = {path for path, _ in wanted}
    ancestors = _ancestors(paths)
    children = _children(ancestors)
    value_at: dict[str, int] = {}  # path -> offset of its value (first occurrence)
    key_at: dict[str, int] = {}  # path -> offset of its key (first occurrence)
    last_key_at: dict[str, int] = {}  # path -> offset of its key (last occurrence)

    stack: list[_Frame] = []
    expect_key = False
    pos = 0
    end = len(text)
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
            if frame.is_object:
                expect_key = True
            else:
                frame.index += 1
                if frame.index > frame.last:
                    # Every wanted place is in this array's elements, all read by now: the
                    # 99,950 records after the 50 problems shown need no reading.
                    break
                pos = frame.skip(text, pos)
            continue
        if expect_key and string is not None:
            frame = stack[-1]
            path = frame.member = _member(frame.path, _key_text(string))
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
            path = frame.member if frame.is_object else f"{frame.path}[{frame.index}]"
        wanted_inside = path in ancestors  # the wanted ones, and those that hold one
        if wanted_inside:
            value_at.setdefault(path, start)
        if opener:
            flat = None if wanted_inside and opener == "[" else _FLAT.match(text, start)
            if flat is not None:
                pos = flat.end()
                if wanted_inside:
                    # A flat record holding a wanted place: its members, one match each.
                    for member in _MEMBER.finditer(text, start + 1, pos - 1):
                        inner = _member(path, _key_text(member.group(1)))
                        if inner in paths:
                            key_at.setdefault(inner, member.start(1))
                            last_key_at[inner] = member.start(1)
                        if inner in ancestors:
                            value_at.setdefault(inner, member.start(2))
                continue
            frame = _Frame(path, opener == "{", children.get(path, _NONE))
            if not _holds_all(path, paths):
                frame.last = _NEVER  # something wanted lies outside: read on to the end
            stack.append(frame)
            expect_key = frame.is_object
            if not frame.is_object:
                pos = frame.skip(text, pos)
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


_NONE: frozenset[int] = frozenset()
_NEVER = 1 << 62
# One array element that is flat (or a scalar) and the comma after it: skipped in one match.
_SKIP_ELEMENT = re.compile(r'\s*(?:' + _FLAT.pattern + '|' + _STRING + r'|[^\s,:\[\]{}"]+)\s*,')


class _Frame:
    """An open container: its path, and the current member (objects) or element (arrays)."""

    __slots__ = ("index", "is_object", "last", "member", "path", "wanted")

    def __init__(self, path: str, is_object: bool, wanted: frozenset[int]) -> None:
        self.path = path
        self.is_object = is_object
        self.member = ""  # the path of the member whose value comes next (objects)
        self.index = 0  # the index of the element that comes next (arrays)
        self.wanted = wanted  # indices of elements that hold a wanted place (arrays)
        # Past this element, nothing wanted is left (when the array holds every wanted place).
        self.last = max(wanted, default=-1)

    def skip(self, text: str, pos: int) -> int:
        """Past the elements that hold nothing wanted (all but the last, which has no comma)."""
        wanted = self.wanted
        index = self.index
        while index not in wanted:
            element = _SKIP_ELEMENT.match(text, pos)
            if element is None:
                break
            pos = element.end()
            index += 1
        self.index = index
        return pos


def _holds_all(array: str, paths: set[str]) -> bool:
    """Are all the `paths` inside elements of the array at path `array`?"""
    return all(path.startswith(f"{array}[") for path in paths)


def _children(ancestors: set[str]) -> dict[str, frozenset[int]]:
    """For each array path, the indices of its elements that are (or hold) wanted places."""
    found: dict[str, set[int]] = {}
    for path in ancestors:
        if path.endswith("]"):
            parent, _, index = path[:-1].rpartition("[")
            if index.isdigit():
                found.setdefault(parent, set()).add(int(index))
    return {parent: frozenset(indices) for parent, indices in found.items()}


def _member(parent: str, key: str) -> str:
    return f"{parent}.{key}" if parent else key


def _key_text(token: str) -> str:
    if "\\" not in token:
        return token[1:-1]
    return printable_key(str(json.loads(token)))


def printable_key(key: str) -> str:
    """A key as a path spells it: a lone surrogate (`"\\ud800"`, no UTF-8 form) and a control
    character (`"\\u001b"`, which would drive a terminal) stay escaped."""
    if key.isascii() and key.isprintable():
        return key
    try:
        key.encode("utf-8")
    except UnicodeEncodeError:
        key = key.encode("utf-8", "backslashreplace").decode("utf-8")
    return escaped(key)


def _ancestors(paths: set[str]) -> set[str]:
    """Every path that may hold a wanted one (a superset: a key may itself hold `.` or `[`)."""
    out = {""}
    for path in paths:
        while path not in out:  # a prefix already there brought its own prefixes along
            out.add(path)
            path = _parent(path)
    return out


def _nearest_value(path: str, value_at: dict[str, int]) -> int | None:
    """The value at `path`, or at the longest prefix of it that the text has."""
    while True:
        if path in value_at:
            return value_at[path]
        if not path:
            return None
        path = _parent(path)


def _parent(path: str) -> str:
    """The path that holds this one: `performances[3]` for `performances[3].start`."""
    cut = max(path.rfind("."), path.rfind("["))
    return path[:cut] if cut > 0 else ""


class _LineIndex:
    """Offsets to (line, column), for offsets asked in any order."""

    def __init__(self, text: str) -> None:
        self.newlines = [m.start() for m in re.finditer("\n", text)]

    def line_column(self, offset: int) -> tuple[int, int]:
        line = bisect_left(self.newlines, offset)  # newlines before the offset
        line_start = self.newlines[line - 1] + 1 if line else 0
        return line + 1, offset - line_start + 1
