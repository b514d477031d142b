"""What a command acts on: the local store or a deployed stack, behind one small interface."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from festival_cli.core.problems import Problem
from festival_cli.core.records import Ingestion
from festival_cli.core.store import Progress, Store
from festival_cli.core.upload_contract import UPLOAD_WAIT_SECONDS

if TYPE_CHECKING:  # core.plan is imported where a store plans (core/store.py)
    from festival_cli.core.plan import Plan


@dataclass(frozen=True)
class UploadResult:
    """What an upload did (or, with --no-wait on a stack, what it started)."""

    record: Ingestion
    plan: Plan | None = None  # known when the ingestion ran in this process
    warnings: list[Problem] = field(default_factory=list)  # the first few, located
    waited: bool = True
    # Every warning of the file by rule, those not in `warnings` included (None: count them).
    warning_counts: dict[str, int] | None = None


@dataclass(frozen=True)
class StatusReport:
    """What `festival status` shows: recent ingestions and the health of the target."""

    target: str
    ingestions: list[Ingestion]
    item_count: int | None = None
    queue_depth: int | None = None
    dead_letter_depth: int | None = None
    subscriptions_pending: list[str] | None = None  # endpoints still awaiting confirmation
    notes: list[str] = field(default_factory=list)
    # The stack's CloudWatch alarms now in ALARM: (name, what it means, since when).
    alarms_firing: list[tuple[str, str, str]] | None = None


class Target(Protocol):
    """A place lineups are uploaded to and queried from."""

    description: str
    store: Store

    def upload(
        self,
        data: bytes,
        source: str,
        *,
        merge: bool = False,
        strict: bool = False,
        wait: bool = True,
        timeout: float = UPLOAD_WAIT_SECONDS,
        progress: Progress | None = None,
    ) -> UploadResult: ...

    def status(self, ingestion_id: str | None = None, limit: int = 10) -> StatusReport: ...

    def close(self) -> None: ...
