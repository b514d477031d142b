"""The local target: the embedded SQLite store, ingesting in this process (no AWS at all)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from festival_cli.core.errors import StoreError
from festival_cli.core.store import Progress, Store
from festival_cli.core.upload_contract import UPLOAD_WAIT_SECONDS
from festival_cli.stores.sqlite import SqliteStore

if TYPE_CHECKING:  # pragma: no cover - imported where they are used: a publish or a query,
    # which only reads the store, imports nothing of uploading (~2.5 ms of its start)
    from festival_cli.core.memo import Memo
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

        The same bytes uploaded again while their dates still hold what they left are known
        unchanged without being validated and diffed again (core/memo.py).
        """
        from festival_cli.core.ingest import PROBLEMS_CAP, Outcome, ingest  # only to upload
        from festival_cli.core.memo import Memo, memo_key, memo_of
        from festival_cli.core.problems import SHOWN
        from festival_cli.targets.base import UploadResult

        key = memo_key(data, strict)
        saved = self._sqlite.load_memo(key)
        memo = Memo.from_json(saved) if saved is not None else None
        if memo is not None and memo.holds(self._sqlite.date_versions(list(memo.dates))):
            return self._unchanged(memo, source, merge=merge, progress=progress)

        def remember(outcome: Outcome) -> None:
            # Inside the revision, before its commit: the versions it leaves, and no other.
            if outcome.plan is not None:
                left = self._sqlite.date_versions(outcome.plan.dates)
                new = memo_of(outcome, left, kept=PROBLEMS_CAP)
                if new is not None:
                    self._sqlite.save_memo(key, new.to_json())

        outcome = ingest(self.store, data, source, merge=merge, strict=strict, progress=progress,
                         also=remember)
        return UploadResult(
            record=outcome.record, plan=outcome.plan, warnings=outcome.report.warnings[:SHOWN],
            warning_counts=outcome.report.warning_rules)

    def _unchanged(self, memo: Memo, source: str, *, merge: bool,
                   progress: Progress | None) -> UploadResult:
        """The record of an upload that changes nothing, from the memo of its earlier upload."""
        from festival_cli.core.problems import SHOWN
        from festival_cli.targets.base import UploadResult

        record = memo.record(source, merge=merge)
        self.store.save_ingestion(record)
        if progress is not None:
            progress(memo.performances, memo.performances)
        return UploadResult(record=record, plan=None, warnings=list(memo.warnings[:SHOWN]),
                            warning_counts=memo.warning_counts)

    def status(self, ingestion_id: str | None = None, limit: int = 10) -> StatusReport:
        from festival_cli.targets.base import StatusReport

        return StatusReport(target=self.description,
                            ingestions=self.store.ingestions(ingestion_id, limit),
                            item_count=self.store.count())

    def close(self) -> None:
        self._sqlite.close_discarding_if_unused()  # a first upload that wrote nothing
