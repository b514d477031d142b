"""The record every ingestion (one uploaded file) leaves behind, read by `festival status`."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Literal

State = Literal["pending", "succeeded", "rejected", "failed"]
FINAL_STATES: frozenset[str] = frozenset({"succeeded", "rejected", "failed"})
COUNT_NAMES = ("performances", "added", "updated", "removed", "unchanged")


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

    @property
    def done(self) -> bool:
        return self.state in FINAL_STATES

    def finish(self, state: State, **changes: Any) -> Ingestion:
        return replace(self, state=state, finished=now_iso(), **changes)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Ingestion:
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})
