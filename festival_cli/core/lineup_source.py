"""A lineup file's bytes, read within a size limit, decoded as UTF-8 and parsed as JSON.

`read_source` and `read_limited` refuse more than MAX_SOURCE_BYTES before reading it all.
`_decode` and `_parse` turn bytes into the document `core.lineup_checker` walks, or into the
one problem that stops it (not UTF-8, not JSON, nested too deep): objects become tuples of
(key, value) pairs (`object_pairs_hook=tuple`), which keeps a key given twice and tells objects
from arrays at no extra pass; NaN and Infinity become `_Constant` markers and integers too long
to convert `_HugeNumber` markers, which the checks report at their place.
"""

from __future__ import annotations

import codecs
import json
import os
import stat
from pathlib import Path
from typing import Any, BinaryIO

from festival_cli.core.errors import SourceError
from festival_cli.core.lineup_rules import RULE_DEPTH, RULE_ENCODING, RULE_JSON
from festival_cli.core.problems import Problem

# The largest lineup file read (about 500,000 sets; validating one takes about 1 GB of memory):
# larger is refused before it is read, so /dev/zero or a runaway file cannot exhaust memory.
MAX_SOURCE_BYTES = 64 * 1024 * 1024
_BOMS = {codecs.BOM_UTF16_LE: "UTF-16", codecs.BOM_UTF16_BE: "UTF-16",
         codecs.BOM_UTF32_LE: "UTF-32", codecs.BOM_UTF32_BE: "UTF-32"}


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


def _constant_message(value: _Constant) -> str:
    return f"{value.name} is not valid JSON (JSON has no NaN or Infinity)"


def _plain_text(text: str) -> bool:
    """True when no string of this JSON text can hold a control character, a non-ASCII one or a
    lone surrogate: JSON refuses raw C0 characters in a string, so without a backslash (no
    escape) they are absent, and ASCII text without DEL has none of the others."""
    return text.isascii() and "\\" not in text and "\x7f" not in text

