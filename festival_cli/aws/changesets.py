"""CloudFormation as `festival deploy` and `destroy` drive it: stacks, change sets, events.

A stack is read with `describe_stack` (None when there is none). A deploy creates a change set
(`create_change_set`, `change_set_ready`: a change set that would change nothing is no error),
executes it, and follows the stack's events (`EventWatcher`, `wait_until_settled`) until the
stack settles; a failure is told with each failing resource's reason (`failure_message`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from festival_cli.aws.package import Package
from festival_cli.aws.session import Notify, ignore
from festival_cli.aws_errors import AWS_ERRORS, error_message, is_missing
from festival_cli.core.errors import DeployError

if TYPE_CHECKING:  # pragma: no cover - stubs (types-boto3) for mypy only
    from types_boto3_cloudformation.client import CloudFormationClient
    from types_boto3_cloudformation.literals import CapabilityType, ChangeSetTypeType
    from types_boto3_cloudformation.type_defs import (
        ParameterTypeDef,
        StackEventTypeDef,
        StackTypeDef,
    )

log = logging.getLogger(__name__)

CAPABILITIES: list[CapabilityType] = ["CAPABILITY_IAM"]

# The two ways CloudFormation says a change set would change nothing: real AWS fails the change
# set with this reason; moto (and CreateStack-style validation) refuses to create it at all.
NO_CHANGES = ("didn't contain changes", "No updates are to be performed")

SETTLED_OK = {"CREATE_COMPLETE", "UPDATE_COMPLETE", "DELETE_COMPLETE", "IMPORT_COMPLETE"}
# Statuses from which an update can start.
UPDATABLE = {
    "CREATE_COMPLETE",
    "UPDATE_COMPLETE",
    "UPDATE_ROLLBACK_COMPLETE",
    "IMPORT_COMPLETE",
    "IMPORT_ROLLBACK_COMPLETE",
}


def describe_stack(cfn: CloudFormationClient, stack: str) -> StackTypeDef | None:
    """The stack as describe_stacks gives it, or None when there is no such stack."""
    try:
        stacks = cfn.describe_stacks(StackName=stack)["Stacks"]
    except AWS_ERRORS as exc:
        if is_missing(exc):
            return None
        raise
    return stacks[0] if stacks else None


def outputs_of(description: StackTypeDef | None) -> dict[str, str]:
    """The stack's outputs by name (none for no stack)."""
    outputs = (description.get("Outputs") or []) if description is not None else []
    return {o["OutputKey"]: o["OutputValue"] for o in outputs}


# ---- events ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class StackEvent:
    """One line of a stack's history: a resource (or the stack) entering a status."""

    timestamp: datetime
    logical_id: str
    resource_type: str
    status: str
    reason: str | None = None

    @property
    def failed(self) -> bool:
        return self.status.endswith("_FAILED")


OnEvent = Callable[[StackEvent], None]


class EventWatcher:
    """Reports the events a stack gains after it is created, oldest first, each once."""

    def __init__(self, cfn: CloudFormationClient, stack: str) -> None:
        self.cfn = cfn
        self.stack = stack
        self.seen: set[str] = set()
        self.events: list[StackEvent] = []  # reported so far, oldest first

    def mark_existing(self) -> None:
        """Treat every event the stack has now as already seen (it belongs to earlier runs)."""
        for raw in self._newest_first():
            self.seen.add(raw["EventId"])

    def poll(self, on_event: OnEvent) -> None:
        fresh = []
        for raw in self._newest_first():
            if raw["EventId"] in self.seen:
                break  # everything older was reported before
            fresh.append(raw)
        for raw in reversed(fresh):
            self.seen.add(raw["EventId"])
            event = StackEvent(
                timestamp=raw["Timestamp"],
                logical_id=raw.get("LogicalResourceId", ""),
                resource_type=raw.get("ResourceType", ""),
                status=raw.get("ResourceStatus", ""),
                reason=raw.get("ResourceStatusReason"),
            )
            self.events.append(event)
            on_event(event)

    def _newest_first(self) -> Iterator[StackEventTypeDef]:
        paginator = self.cfn.get_paginator("describe_stack_events")
        for page in paginator.paginate(StackName=self.stack):
            yield from page.get("StackEvents", [])

    def failures(self) -> list[StackEvent]:
        """The failed resources of this run, root causes before cancellations."""
        failed = [e for e in self.events if e.failed and e.reason]
        resources = [e for e in failed if e.resource_type != "AWS::CloudFormation::Stack"]
        chosen = resources or failed  # moto reports stack-level events only
        causes = [e for e in chosen if "cancelled" not in (e.reason or "")]
        return causes + [e for e in chosen if e not in causes]


def wait_until_settled(
    cfn: CloudFormationClient,
    stack_id: str,
    watcher: EventWatcher,
    on_event: OnEvent,
    poll_interval: float,
    sleep: Callable[[float], None],
) -> str:
    """Report events until the stack leaves its *_IN_PROGRESS status; return the final one."""
    while True:
        watcher.poll(on_event)
        description = describe_stack(cfn, stack_id)
        status = "DELETE_COMPLETE" if description is None else description["StackStatus"]
        if not status.endswith("_IN_PROGRESS"):
            watcher.poll(on_event)  # the events that arrived with the final status
            return status
        sleep(poll_interval)


def failure_message(stack: str, status: str, failures: list[StackEvent]) -> str:
    lines = [f"stack {stack} failed: {status}"]
    for event in failures:
        where = f"{event.logical_id} ({event.resource_type})" if event.resource_type else ""
        lines.append(f"  {where or event.logical_id}: {event.status}: {event.reason}")
    if not failures:
        lines.append("  (CloudFormation gave no reason; see the stack's events in the console)")
    return "\n".join(lines)


# ---- change sets ----------------------------------------------------------------------------


def ready_for_change(
    cfn: CloudFormationClient,
    stack: str,
    notify: Notify,
    poll_interval: float,
    sleep: Callable[[float], None],
) -> StackTypeDef | None:
    """The existing stack to update, or None when a new one must be created."""
    current = describe_stack(cfn, stack)
    if current is None:
        return None
    status = current["StackStatus"]
    if status == "REVIEW_IN_PROGRESS":  # a change set was made but never executed: no resources
        return None
    if status == "ROLLBACK_COMPLETE":  # its creation failed: AWS allows only deleting it
        notify(f"stack {stack} failed to create earlier ({status}); deleting it first")
        cfn.delete_stack(StackName=current["StackId"])
        watcher = EventWatcher(cfn, current["StackId"])
        watcher.mark_existing()
        final = wait_until_settled(cfn, current["StackId"], watcher, ignore, poll_interval, sleep)
        if final != "DELETE_COMPLETE":
            raise DeployError(failure_message(stack, final, watcher.failures()))
        return None
    if status not in UPDATABLE:
        raise DeployError(
            f"stack {stack} is {status}: wait until it settles (or fix it in the console) "
            "and run deploy again"
        )
    return current


def create_change_set(
    cfn: CloudFormationClient,
    stack: str,
    body: str,
    parameters: list[ParameterTypeDef],
    change_type: ChangeSetTypeType,
    package: Package,
) -> str | None:
    """The new change set's name, or None when CloudFormation refuses it for having no changes."""
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    name = f"festival-{stamp}-{package.sha256[:8]}"
    log.debug("creating change set %s (%s) for stack %s", name, change_type, stack)
    try:
        cfn.create_change_set(
            StackName=stack,
            ChangeSetName=name,
            ChangeSetType=change_type,
            TemplateBody=body,
            Parameters=parameters,
            Capabilities=CAPABILITIES,
            Description=f"festival deploy, package {package.sha256[:12]}",
        )
    except AWS_ERRORS as exc:
        if any(marker in error_message(exc) for marker in NO_CHANGES):
            return None
        raise
    return name


def change_set_ready(
    cfn: CloudFormationClient,
    stack: str,
    name: str,
    poll_interval: float,
    sleep: Callable[[float], None],
) -> bool:
    """Wait for the change set; True when it can be executed, False when it changes nothing."""
    while True:
        described = cfn.describe_change_set(StackName=stack, ChangeSetName=name)
        status = described.get("Status")
        if status == "CREATE_COMPLETE":
            return True
        if status == "FAILED":
            reason = described.get("StatusReason") or "no reason given"
            cfn.delete_change_set(StackName=stack, ChangeSetName=name)
            if any(marker in reason for marker in NO_CHANGES):
                return False
            raise DeployError(f"stack {stack}: the change set failed: {reason}")
        sleep(poll_interval)
