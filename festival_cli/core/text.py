"""Text as festival keeps it: one spelling per name, and no character that acts on a terminal.

A name (performer, stage, festival) is compared, stored and queried in one normal form: Unicode
NFC with the surrounding whitespace trimmed. `Zoë` typed as one code point (U+00EB) or as `e`
and a combining diaeresis (U+0308) is then one performer. The validator applies `normal_name`
once, to every name of a file; every query option goes through the same function, so the name
asked for and the name stored are spelled alike.

Control characters (C0, DEL, C1) and the bidirectional embedding, override and isolate controls
(U+202A–U+202E, U+2066–U+2069) are refused in every text field: the first drive a terminal (an
escape sequence recolours, moves the cursor, rewrites a line), the second make a name display in
another order than it is stored. `terminal_safe` spells such characters out, for output that
shows text from elsewhere (a file name, a store written before this rule, or by another tool).
"""

from __future__ import annotations

import re
import unicodedata

# The characters no text field may hold, as the body of a regular-expression class.
UNSAFE_CHARACTERS = "\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
UNSAFE = re.compile(f"[{UNSAFE_CHARACTERS}]")
# All of them but newline and tab, which lay text out rather than drive the terminal.
_LAYOUT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def normal_name(text: str) -> str:
    """`" Zoe\\u0308 Marchetti "` -> `"Zoë Marchetti"`: Unicode NFC, surrounding blanks trimmed."""
    if text.isascii():  # ASCII is always NFC
        return text.strip()
    return unicodedata.normalize("NFC", text).strip()


def unsafe_at(text: str) -> int | None:
    """The index of the first control or bidirectional control character of `text`, if any."""
    found = UNSAFE.search(text)
    return None if found is None else found.start()


def describe_unsafe(text: str, index: int) -> str:
    """What the character at `index` is and where, for a message: `the control character
    U+001B (ESCAPE) at character 7`."""
    ch = text[index]
    name = unicodedata.name(ch, "")
    named = f"U+{ord(ch):04X}" + (f" ({name})" if name else "")
    kind = "bidirectional control" if ch in _BIDI else "control"
    return f"the {kind} character {named} at character {index + 1}"


def terminal_safe(text: str) -> str:
    """`text` with every control character but newline and tab spelled as an escape (`\\x1b`,
    `\\u202e`): nothing of it can drive a terminal or reorder what it shows."""
    if text.isascii() and text.isprintable():
        return text
    return _LAYOUT.sub(_escape, text)


def escaped(text: str) -> str:
    """`text` with every control character spelled as an escape, newline and tab too: one line."""
    return UNSAFE.sub(_escape, text)


def json_safe(document: str) -> str:
    """A JSON text with every control character left raw by `json.dumps(ensure_ascii=False)`
    (C1, DEL, bidirectional controls) written as a `\\uXXXX` escape: the same JSON value.
    Newlines are its layout (`indent`); every other C0 character json.dumps escapes itself."""
    return _LAYOUT.sub(lambda m: f"\\u{ord(m.group()):04x}", document)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
