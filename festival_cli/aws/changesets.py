"""CloudFormation stacks as festival reads them: a stack's description and its outputs."""

from __future__ import annotations

from typing import Any


def describe_stack(cfn: Any, stack: str) -> dict[str, Any] | None:
    """The stack as describe_stacks gives it, or None when there is no such stack."""
    import botocore.exceptions

    try:
        stacks = cfn.describe_stacks(StackName=stack)["Stacks"]
    except botocore.exceptions.ClientError as exc:
        if "does not exist" in str(exc):
            return None
        raise
    return stacks[0] if stacks else None


def outputs_of(description: dict[str, Any]) -> dict[str, str]:
    return {o["OutputKey"]: o["OutputValue"] for o in description.get("Outputs") or []}
