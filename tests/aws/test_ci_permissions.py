"""docs/ci.md lists every permission `festival upload` and `festival status` call.

Both run against a stack in moto with every AWS client they make recording its operations;
each operation, as the IAM action it needs, must appear in the table of docs/ci.md.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from festival_cli.aws.session import AwsSession
from lambda_handler.handler import Pipeline
from tests.aws.moto_world import World, create_stack
from tests.aws.test_stack import LINEUP, FakeTime, run_function

CI_DOC = Path(__file__).resolve().parents[2] / "docs" / "ci.md"
# What an operation needs besides its own action (SSE-KMS on the bucket and the tables).
IMPLIED = {"s3:PutObject": {"kms:GenerateDataKey"}, "dynamodb:GetItem": {"kms:Decrypt"},
           "dynamodb:Query": {"kms:Decrypt"}}


def documented() -> set[str]:
    table = CI_DOC.read_text().split("Its permissions.")[1]
    return set(re.findall(r"^\| `([a-z0-9]+:[A-Za-z]+)` \|", table, flags=re.MULTILINE))


@pytest.fixture
def called(monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """IAM actions of every call made through an AwsSession (the CLI's clients)."""
    seen: set[str] = set()
    real = AwsSession.client

    def recording(self: AwsSession, service: str) -> Any:
        client = real(self, service)
        signing = client.meta.service_model.signing_name
        prefix = {"monitoring": "cloudwatch"}.get(signing, signing)  # IAM's prefix
        if not getattr(client, "_recording", False):
            client.meta.events.register(
                "before-parameter-build",
                lambda model, **_: seen.add(f"{prefix}:{model.name}"))
            client._recording = True
        return client

    monkeypatch.setattr(AwsSession, "client", recording)
    return seen


def test_upload_and_status_call_only_what_docs_ci_lists(
    world: World, pipeline: Pipeline, called: set[str], cli: Any
) -> None:
    from festival_cli.targets.stack import StackTarget

    time = FakeTime(during_sleep=lambda: run_function(world))
    stack = StackTarget.from_stack_name(create_stack(world), sleep=time.sleep,
                                        clock=time.clock)
    result = stack.upload(LINEUP, "lineup.json")
    stack.status()
    stack.status(result.record.id)
    needed = called | {action for call in called for action in IMPLIED.get(call, set())}
    assert needed <= documented(), f"not in docs/ci.md: {sorted(needed - documented())}"
    assert documented() <= needed, f"listed but never called: {sorted(documented() - needed)}"
