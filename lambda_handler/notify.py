"""The notification an organiser reads: one SNS message per ingestion, from its record.

Built from the stored record alone, so that a run that only notifies (the earlier run wrote the
data and then died) says exactly what the first would have said.
"""

from __future__ import annotations

import unicodedata

from festival_cli.core.records import Ingestion

SUBJECT_LIMIT = 99  # SNS: under 100 characters, ASCII, no line breaks
LIST_CAP = 50  # lines of each list in the body; the rest is counted


def message_for(record: Ingestion) -> tuple[str, str]:
    """(subject, body) of the notification about a finished ingestion."""
    return subject_for(record), body_for(record)


def subject_for(record: Ingestion) -> str:
    if record.state == "succeeded":
        partly = "; partly superseded" if record.superseded else ""
        tail = f"ingested ({summary(record)}{partly})"
    elif record.state == "superseded":
        tail = "superseded by a newer upload (nothing written)"
    elif record.state == "rejected":
        problems = record.total("errors")
        tail = f"rejected ({problems} problem{'s' if problems != 1 else ''})"
    else:
        tail = "failed"
    head = "festival: "
    room = SUBJECT_LIMIT - len(head) - len(tail) - 1
    return f"{head}{_shorten(ascii_safe(record.file), room)} {tail}"


def summary(record: Ingestion) -> str:
    """`3 added, 1 updated, 2 removed, 10 unchanged` (the record's, as the Atom feed says it)."""
    return record.summary()


def body_for(record: Ingestion) -> str:
    lines: list[str] = []
    if record.state == "succeeded":
        lines.append(f"{record.file} was ingested: {summary(record)}.")
        if record.festival or record.timezone:
            zone = f" ({record.timezone})" if record.timezone else ""
            lines.append(f"Festival: {record.festival or 'unnamed'}{zone}")
        lines.append("Mode: " + ("merge (sets were added and updated, none removed)"
                                 if record.merge else
                                 "replace (the file is the whole lineup of the dates it lists)"))
        lines += _section("Changes", record, "changes")
        lines += _section("Not written: newer uploads had written these already",
                          record, "superseded")
        lines += _section("Warnings (accepted)", record, "warnings")
    elif record.state == "superseded":
        newer = ", ".join(record.superseded_by)
        lines.append(
            f"{record.file} was not written: newer uploads (ingestion {newer}) had already "
            "revised everything it lists, and the newest upload wins, whatever order the "
            "uploads are processed in. If this file is the lineup you want, upload it again: "
            "it is then the newest.")
        lines += _section("Superseded", record, "superseded")
        lines += _section("Warnings", record, "warnings")
    elif record.state == "rejected":
        lines.append(f"{record.file} was rejected: nothing was written. "
                     "Fix these problems and upload it again.")
        lines += _section("Problems", record, "errors")
        lines += _section("Warnings", record, "warnings")
    else:
        lines.append(f"{record.file} could not be ingested.")
        lines += _section("Errors", record, "errors")
    lines += ["", f"Ingestion {record.id}, started {record.started}, finished {record.finished}.",
              f"See it with: festival status {record.id}"]
    return "\n".join(lines) + "\n"


def _section(title: str, record: Ingestion, name: str) -> list[str]:
    """A titled list with its true total; the lines beyond LIST_CAP (or beyond what the
    record kept) are counted, not shown."""
    lines: list[str] = getattr(record, name)
    if not lines and not record.total(name):
        return []
    total = record.total(name)
    shown = lines[:LIST_CAP]
    out = ["", f"{title} ({total}):", *(f"  {line}" for line in shown)]
    if total > len(shown):
        out.append(f"  … and {total - len(shown)} more")
    return out


def ascii_safe(text: str) -> str:
    """`Line-up é.json` -> `Line-up e.json`: accents dropped, other non-ASCII as `?`."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "".join(c if 32 <= ord(c) < 127 else "?" for c in kept)


def _shorten(text: str, room: int) -> str:
    if len(text) <= room:
        return text
    half = max(room - 3, 2) // 2
    return f"{text[:half]}...{text[-half:]}"
