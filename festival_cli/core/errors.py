"""Every error festival raises on purpose.

Only two places turn these into what a person sees: the CLI (a message and an exit code) and the
Lambda handler (an ingestion state and a notification). Everything else raises and lets them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover - typing only
    from festival_cli.core.problems import Problem


class FestivalError(Exception):
    """Base of every error festival raises on purpose; its message is fit to show a person."""

    exit_code: int = 1


class UsageError(FestivalError):
    """The command was asked something it cannot do (a bad option or combination of options)."""

    exit_code = 2


class OptionError(UsageError):
    """A bad option value or combination, naming the options by the fields they set.

    The core does not know how a command spells its options, so `template` names each field it
    mentions as a `{field}` placeholder (the fields are listed in `fields`, the one at fault
    first) and each value it quotes as a `{name}` one (`values`). `spelled(spell)` fills the
    fields with a caller's spelling (the CLI: `--min-popularity`); `str()` with the field names.
    """

    def __init__(self, template: str, *fields: str, **values: object) -> None:
        self.template = template
        self.fields = fields
        self.values = values
        super().__init__(self.spelled(str))

    @property
    def field(self) -> str:
        """The field at fault."""
        return self.fields[0]

    def spelled(self, spell: Callable[[str], str]) -> str:
        """The message, each field named as `spell(field)`."""
        return self.template.format(**{f: spell(f) for f in self.fields}, **self.values)


class SourceError(FestivalError):
    """A lineup file is missing, unreadable, not UTF-8 or not JSON at all."""


class LineupError(FestivalError):
    """A lineup was read but breaks the rules of format 1; nothing of it was written."""

    def __init__(self, source: str, problems: Sequence[Problem]) -> None:
        self.source = source
        self.problems = list(problems)
        count = len(self.problems)
        plural = "s" if count != 1 else ""
        super().__init__(f"{source}: {count} problem{plural}; nothing was written")


class StoreError(FestivalError):
    """The store could not be read or written (a corrupt file, a missing table, a refusal)."""


class TransientStoreError(StoreError):
    """The store refused for now (throttling, a timeout, a 5xx): the same work may succeed later."""


class ConcurrentRevisionError(TransientStoreError):
    """Another ingestion is revising the same dates right now; this one must wait and retry."""


class ExportError(FestivalError):
    """The selection cannot be written as a lineup file (no set, or sets of several festivals
    or time zones, which format 1 cannot hold)."""


class NotFoundError(FestivalError):
    """The thing asked for (an ingestion id, a stack, an object) does not exist."""


class StackError(FestivalError):
    """The deployed stack is missing, incomplete or answered with an error."""


class DeployError(FestivalError):
    """A deployment failed or was rolled back; the message names the failing resources."""


class IngestionFailed(FestivalError):
    """An ingestion followed through a stack was rejected, failed or did not finish in time."""


class PublishError(FestivalError):
    """The published site could not be written (a folder that refuses it, the site bucket)."""
