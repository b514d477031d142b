"""Ingest again an upload that ended in the dead-letter queue (stack only), and follow it.

  festival retry ID --stack NAME

The upload's stored object version is copied onto its key with a fresh upload token, so the
bucket itself sends the event (the queue accepts no other sender) and the function ingests the
same bytes as a new ingestion; its dead letter is deleted.
"""

from __future__ import annotations

from contextlib import closing
from typing import Annotated

import typer

from festival_cli.cli.console import answer
from festival_cli.cli.options import StackOption
from festival_cli.cli.stack_events import require_stack
from festival_cli.core.errors import IngestionFailed
from festival_cli.core.upload_contract import UPLOAD_WAIT_SECONDS


def command(
    ingestion_id: Annotated[str, typer.Argument(
        metavar="ID", help="The ingestion whose upload is in the dead-letter queue.",
        show_default=False)],
    stack: StackOption = None,
    timeout: Annotated[float, typer.Option(
        "--timeout", metavar="SECONDS", min=1,
        help="How long to wait for the new ingestion.")] = UPLOAD_WAIT_SECONDS,
) -> None:
    from festival_cli.targets.stack import StackTarget  # boto3 only when retrying

    with closing(StackTarget.from_stack_name(require_stack(stack))) as target:
        record = target.retry(ingestion_id, timeout)
    if record.state != "succeeded":
        lines = "".join(f"\n  {line}" for line in [*record.errors, *record.superseded])
        raise IngestionFailed(f"the retry of {ingestion_id} ended {record.state} "
                              f"(ingestion {record.id}){lines}")
    answer(f"retried {ingestion_id} as ingestion {record.id}: {record.state}")
