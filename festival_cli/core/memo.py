"""The unchanged-upload memo: the same file uploaded again, while nothing has written its dates
since, is known to change nothing without being validated and diffed again.

An upload that replaced its dates (never a merge, which keeps other sets) leaves a memo under
the file's key: what its record said (how many sets, its warnings, festival and time zone) and
the version it left each of its dates at. The store bumps a date's version with every write to
it, so when the same bytes come again and each date still has the version the memo holds, the
dates hold exactly what this file made them: the upload is unchanged, and only its record is
written.

The key (`memo_key`) is a digest of the file's bytes, `strict`, and the source of every core
module an ingestion's outcome depends on (`code_digest`: `ingest` and each core module it
imports, transitively, found from their import lines). A changed rule, message or cap gives
every file a new key, so no memo outlives the code that wrote it, and nobody has to remember to
bump a version.

The store only keeps memos and date versions; what a memo says and when it still holds is
decided here. The versions are given explicitly: read by the caller inside the transaction that
wrote the dates, so no other writer can slip in between.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from festival_cli.core.problems import Problem
from festival_cli.core.records import Ingestion, new_ingestion_id

if TYPE_CHECKING:  # pragma: no cover - types only: ingest imports the validator
    from festival_cli.core.ingest import Outcome

_CORE = "festival_cli.core"
_IMPORT = re.compile(r"^\s*(?:from|import)\s+festival_cli\.core\.(\w+)", re.MULTILINE)
_ROOT = "ingest"  # the flow whose outcome a memo repeats


@dataclass(frozen=True)
class Memo:
    """What an upload that replaced its dates left, and what its record said."""

    performances: int
    warnings: tuple[Problem, ...]  # those its record kept (the first PROBLEMS_CAP)
    warning_counts: dict[str, int]  # every warning, by rule
    festival: str | None
    timezone: str | None
    dates: dict[str, int]  # the version it left each of its dates at

    def holds(self, versions: Mapping[str, int]) -> bool:
        """Do the dates still have the versions this file left them at?"""
        return bool(self.dates) and dict(versions) == self.dates

    def record(self, source: str, *, merge: bool) -> Ingestion:
        """The record of an upload of the same bytes that changes nothing."""
        return Ingestion(id=new_ingestion_id(), file=source, merge=merge).finish(
            "succeeded",
            counts={"performances": self.performances, "added": 0, "updated": 0,
                    "removed": 0, "unchanged": self.performances},
            warnings=[p.describe(source) for p in self.warnings],
            totals={"warnings": sum(self.warning_counts.values())},
            festival=self.festival,
            timezone=self.timezone,
        )

    def to_json(self) -> str:
        return json.dumps({**asdict(self), "warnings": [asdict(p) for p in self.warnings]})

    @classmethod
    def from_json(cls, text: str) -> Memo | None:
        """The memo, or None when it cannot be read (as if there were none)."""
        try:
            data: dict[str, Any] = json.loads(text)
            return cls(
                performances=int(data["performances"]),
                warnings=tuple(Problem(**p) for p in data["warnings"]),
                warning_counts={str(k): int(v) for k, v in data["warning_counts"].items()},
                festival=data["festival"],
                timezone=data["timezone"],
                dates={str(k): int(v) for k, v in data["dates"].items()},
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            return None


def memo_of(outcome: Outcome, versions: Mapping[str, int], *, kept: int) -> Memo | None:
    """The memo of an ingestion that replaced its dates, given the versions it left them at
    (every date of its plan); None for a merge, an upload that newer ones partly superseded
    (its file is not what its dates hold) or an outcome that wrote no plan. `kept`: how
    many warnings a record keeps."""
    plan = outcome.plan
    if (plan is None or plan.merge or outcome.duplicate or plan.superseded
            or set(versions) != set(plan.dates)):
        return None
    report = outcome.report
    return Memo(
        performances=outcome.record.counts.get("performances", 0),
        warnings=tuple(report.warnings[:kept]),
        warning_counts=dict(report.warning_rules),
        festival=outcome.record.festival,
        timezone=outcome.record.timezone,
        dates=dict(versions),
    )


def memo_key(data: bytes, strict: bool) -> str:
    """The key of a file's memo: its bytes, `strict`, and the code that judged it."""
    digest = hashlib.sha256(code_digest())
    digest.update(b"strict" if strict else b"lenient")
    digest.update(data)
    return digest.hexdigest()


@cache
def code_digest() -> bytes:
    """A digest of the source of every core module an ingestion's outcome depends on."""
    digest = hashlib.sha256()
    for name in code_modules():
        digest.update(name.encode() + b"\0" + _source(name) + b"\0")
    return digest.digest()


@cache
def code_modules() -> tuple[str, ...]:
    """`ingest` and every core module it imports, transitively (by their import lines: one in
    a function or under TYPE_CHECKING counts too, which errs on the safe side)."""
    found: set[str] = set()
    waiting = [_ROOT]
    while waiting:
        name = waiting.pop()
        if name not in found:
            found.add(name)
            waiting += _IMPORT.findall(_source(name).decode("utf-8"))
    return tuple(sorted(found))


def _source(name: str) -> bytes:
    spec = importlib.util.find_spec(f"{_CORE}.{name}")
    if spec is None or spec.origin is None:
        raise ImportError(f"{_CORE}.{name}: no source to digest")
    return Path(spec.origin).read_bytes()
