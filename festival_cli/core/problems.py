"""A problem found in a lineup file: an error (rejects the file) or a warning (does not)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]

SHOWN = 20  # problems a person is shown per file (located); the rest are counted by rule


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong (or suspicious) in a lineup: its JSON place and, once located, its line."""

    path: str  # the JSON place, e.g. "performances[12].start" ("" for the whole document)
    rule: str  # a stable machine name, e.g. "time-format", "stage-overlap"
    message: str  # what is wrong and how to fix it, without the place
    severity: Severity = "error"
    line: int | None = None  # 1-based line of the value (or of its record, for a missing field)
    column: int | None = None  # 1-based column

    def describe(self, source: str | None = None, *, severity: bool = False) -> str:
        """`lineup.json:214:16: performances[12].start: '25:00' is not a time (HH:MM)`.

        With `severity`, the compiler form editors jump to:
        `lineup.json:214:16: warning: performances[3]: …`.
        """
        where = ""
        if source is not None:
            where = source
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            where += ": "
        kind = f"{self.severity}: " if severity else ""
        place = f"{self.path}: " if self.path else ""
        return f"{where}{kind}{place}{self.message}"

    def __str__(self) -> str:
        return self.describe()
