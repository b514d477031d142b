"""The local target: the embedded SQLite store, ingesting in this process (no AWS at all)."""

from __future__ import annotations

import os
import sys
from dataclasses import asdict
from functools import cache
from pathlib import Path
from typing import Any

from festival_cli.core.errors import StoreError
from festival_cli.core.problems import SHOWN, Problem
from festival_cli.core.records import Ingestion, new_ingestion_id
from festival_cli.core.store import Progress, Store
from festival_cli.core.upload_contract import UPLOAD_WAIT_SECONDS
from festival_cli.stores.sqlite import SqliteStore
from festival_cli.targets.base import StatusReport, UploadResult

DB_NAME = "festival.db"


def data_dir() -> Path:
    """The user's data directory for festival (created by `LocalTarget.open`, not here)."""
    home = Path.home()
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA")
        return (Path(base) if base else home / "AppData" / "Local") / "festival"
    if sys.platform == "darwin":
        return home / "Library" / "Application Support" / "festival"
    base = os.environ.get("XDG_DATA_HOME")
    # XDG: a relative path is invalid and must be ignored.
    root = Path(base) if base and Path(base).is_absolute() else home / ".local" / "share"
    return root / "festival"


def default_db_path() -> Path:
    return data_dir() / DB_NAME


class LocalTarget:
    """Uploads ingest in-process into a SqliteStore; status reads its ingestion records."""

    def __init__(self, store: SqliteStore, path: Path) -> None:
        self.store: Store = store  # typed as the protocol's (a mutable attribute is invariant)
        self._sqlite = store
        self.path = path
        self.description = f"local store {path}"

    @classmethod
    def open(cls, db: Path | None = None, *, write: bool = False) -> LocalTarget:
        """The store at `db`, or at the default path in the user's data directory.

        Only a writer (`festival upload`) creates it (and the data directory); a reader finds
        no store there and says so, creating nothing.
        """
        path = db if db is not None else default_db_path()
        if path.is_dir():
            raise StoreError(f"{path}: is a directory; --db wants a file path")
        if db is None and write:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(
                    f"cannot create the data directory {path.parent} ({exc.strerror}); "
                    "give --db PATH or set FESTIVAL_DB"
                ) from None
        return cls(SqliteStore(path, write=write), path)

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
    ) -> UploadResult:
        """Ingest now, in this process (`wait` and `timeout` only matter for a stack).

        The same bytes uploaded again while their dates still hold exactly what they left are
        known unchanged without validating and diffing them again (validation is deterministic:
        the memo is keyed on the bytes, --strict and the validator's own source).
        """
        from festival_cli.core.ingest import PROBLEMS_CAP, Outcome, ingest  # only to upload

        digest = _file_digest(data, strict)
        memo = self._sqlite.recall_file(digest)
        if memo is not None:
            return self._unchanged(memo, source, merge=merge, progress=progress)

        def remember(outcome: Outcome) -> None:  # in the transaction of the sets and record
            if outcome.plan is not None:
                self._sqlite.remember_file(digest, outcome.plan, {
                    "performances": outcome.record.counts.get("performances", 0),
                    # The warnings its record keeps, and how many of each rule there are.
                    "warnings": [asdict(p) for p in outcome.report.warnings[:PROBLEMS_CAP]],
                    "warning_counts": outcome.report.warning_rules,
                    "festival": outcome.record.festival,
                    "timezone": outcome.record.timezone,
                })

        outcome = ingest(self.store, data, source, merge=merge, strict=strict, progress=progress,
                         also=remember)
        return UploadResult(
            record=outcome.record, plan=outcome.plan, warnings=outcome.report.warnings[:SHOWN],
            warning_counts=outcome.report.warning_rules)

    def _unchanged(self, memo: dict[str, Any], source: str, *, merge: bool,
                   progress: Progress | None) -> UploadResult:
        """The record of an upload that changes nothing, from the memo of its earlier upload."""
        count = int(memo["performances"])
        warnings = [Problem(**p) for p in memo["warnings"]]
        warning_counts: dict[str, int] = memo["warning_counts"]
        record = Ingestion(id=new_ingestion_id(), file=source, merge=merge).finish(
            "succeeded",
            counts={"performances": count, "added": 0, "updated": 0, "removed": 0,
                    "unchanged": count},
            warnings=[p.describe(source) for p in warnings],
            totals={"warnings": sum(warning_counts.values())},
            festival=memo["festival"],
            timezone=memo["timezone"],
        )
        self.store.save_ingestion(record)
        if progress is not None:
            progress(count, count)
        return UploadResult(record=record, plan=None, warnings=warnings[:SHOWN],
                            warning_counts=warning_counts)

    def status(self, ingestion_id: str | None = None, limit: int = 10) -> StatusReport:
        return StatusReport(target=self.description,
                            ingestions=self.store.ingestions(ingestion_id, limit),
                            item_count=self.store.count())

    def close(self) -> None:
        self._sqlite.close_discarding_if_unused()  # a first upload that wrote nothing


@cache
def _validator_digest() -> bytes:
    """Changes whenever the validation code does, so a memo never outlives its rules."""
    import hashlib

    from festival_cli.core import checks, lineup

    digest = hashlib.sha256()
    for module in (lineup, checks):
        digest.update(Path(str(module.__file__)).read_bytes())
    return digest.digest()


def _file_digest(data: bytes, strict: bool) -> str:
    import hashlib  # only when uploading: queries start faster without it

    digest = hashlib.sha256(_validator_digest())
    digest.update(b"strict" if strict else b"lenient")
    digest.update(data)
    return digest.hexdigest()
