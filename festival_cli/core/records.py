"""The record every ingestion (one uploaded file) leaves behind, read by `festival status`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Literal

# `superseded`: valid, but every set of it was left out because newer uploads had written
# those dates or sets already (newest upload wins, core/newest.py); nothing was written.
State = Literal["pending", "succeeded", "rejected", "failed", "superseded"]
FINAL_STATES: frozenset[str] = frozenset({"succeeded", "rejected", "failed", "superseded"})
COUNT_NAMES = ("performances", "added", "updated", "removed", "unchanged")
LISTS = ("errors", "warnings", "changes", "superseded")  # the lists a record may keep shortened


def now_iso() -> str:
    """UTC now as `2026-11-25T11:43:25.123456+00:00`: sortable as text."""
    return datetime.now(UTC).isoformat()


def new_ingestion_id() -> str:
    """A fresh id for an ingestion that has no natural one (a local upload)."""
    import uuid  # only when ingesting: queries start faster without it

    return uuid.uuid4().hex[:12]


@dataclass(frozen=True)
class Ingestion:
    """One ingestion: its id, file, state, counts, problems and times."""

    id: str
    file: str
    state: State = "pending"
    started: str = field(default_factory=now_iso)
    finished: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)  # each `place: message`, located when known
    warnings: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)  # set-by-set summary lines, capped
    festival: str | None = None
    timezone: str | None = None
    merge: bool = False
    # The true length of each list kept shortened (a number, never parsed back from text):
    # a list cut again to fit a store keeps the total of the first cut.
    totals: dict[str, int] = field(default_factory=dict)
    # The stack's published site: False while an ingestion that changed the lineup waits for
    # its site to be published (a failed publish is retried alone), True once it is; None
    # where nothing is to be published (no change, or no site: the local store).
    published: bool | None = None
    # Newest upload wins: what of the file was not written because a newer upload had written
    # it (`2026-07-10: every set of the date`, or one set a newer merge wrote), each line
    # naming that ingestion; and the distinct ids of those newer ingestions.
    superseded: list[str] = field(default_factory=list)
    superseded_by: list[str] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return self.state in FINAL_STATES

    @property
    def changed(self) -> bool:
        """Whether the ingestion added, updated or removed a set."""
        return self.state == "succeeded" and any(
            self.counts.get(name) for name in ("added", "updated", "removed"))

    def total(self, name: str) -> int:
        """How many lines the list `name` stands for, those it no longer holds included."""
        return max(self.totals.get(name, 0), len(getattr(self, name)))

    def hidden(self, name: str) -> int:
        """How many lines of the list `name` were cut off."""
        return self.total(name) - len(getattr(self, name))

    def shortened(self, cap: int, *, line_chars: int | None = None) -> Ingestion:
        """This record with every list cut to its first `cap` lines (and each line to
        `line_chars` characters), the true totals kept in `totals`."""
        lists: dict[str, Any] = {}
        totals = dict(self.totals)
        for name in LISTS:
            lines: list[str] = getattr(self, name)
            if len(lines) > cap:
                totals[name] = self.total(name)
            kept = lines[:cap]
            if line_chars is not None:
                kept = [line if len(line) <= line_chars else line[: line_chars - 1] + "…"
                        for line in kept]
            lists[name] = kept
        return replace(self, totals=totals, **lists)

    def summary(self) -> str:
        """`3 added, 1 updated, 2 removed, 10 unchanged` (only the counts that are not zero;
        `no changes` first when nothing was added, updated or removed): the notification's
        and the Atom feed's words."""
        counts = self.counts
        parts = [f"{counts[name]} {name}" for name in ("added", "updated", "removed", "unchanged")
                 if counts.get(name)]
        if not any(counts.get(name) for name in ("added", "updated", "removed")):
            parts.insert(0, "no changes")
        return ", ".join(parts)

    def finish(self, state: State, **changes: Any) -> Ingestion:
        return replace(self, state=state, finished=now_iso(), **changes)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Ingestion:
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})


def named_festival(records: Iterable[Ingestion]) -> tuple[str | None, str | None]:
    """(festival name, time zone) of the first succeeded record that named them (records
    newest first: the store's festival), else (None, None)."""
    for record in records:
        if record.state == "succeeded" and (record.festival or record.timezone):
            return record.festival, record.timezone
    return None, None
