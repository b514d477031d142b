"""Reading and validating lineup files (format 1): bytes in, a `Lineup` and its problems out.

(Interface fixed here; the implementation is being written.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from festival_cli.core.errors import LineupError, SourceError
from festival_cli.core.model import Lineup
from festival_cli.core.problems import Problem


@dataclass(frozen=True)
class Report:
    """The outcome of checking one lineup file."""

    source: str
    lineup: Lineup | None  # None when there are errors
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def count(self) -> int:
        """How many performances the file holds (as records, valid or not)."""
        return len(self.lineup.performances) if self.lineup is not None else self.records

    records: int = 0

    def accepted(self) -> Lineup:
        """The lineup, or `LineupError` with every error."""
        if self.lineup is None or self.errors:
            raise LineupError(self.source, self.errors)
        return self.lineup


def read_source(path: str | Path) -> bytes:
    """The bytes of a lineup file; `SourceError` (one line) when missing or unreadable."""
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise SourceError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise SourceError(f"{path}: is a directory, not a lineup file") from None
    except PermissionError:
        raise SourceError(f"{path}: permission denied") from None
    except OSError as exc:
        raise SourceError(f"{path}: cannot be read ({exc.strerror})") from None


def check_lineup(data: bytes, source: str, *, strict: bool = False) -> Report:
    """Parse and validate a lineup; every problem in the report, located at its line.

    Never raises for bad data (that is what the report is for). With `strict`, warnings
    are errors.
    """
    raise NotImplementedError
