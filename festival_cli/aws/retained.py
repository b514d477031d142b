"""What deleting a stack keeps: its tables and its key (the template retains them), and how
`festival destroy --delete-data` deletes them too.

The template gives both tables and the KMS key `DeletionPolicy: Retain` (and
`UpdateReplacePolicy: Retain`), so CloudFormation leaves them when the stack is deleted: a
festival's data never goes with its stack by accident. Deleting the data is a separate, explicit
choice: the Performances table's deletion protection is turned off, both tables are deleted
(DynamoDB keeps a backup of a table deleted with point-in-time recovery on), and the key is
scheduled for deletion after 30 days, the longest window, so that backup stays readable
meanwhile (and the deletion can still be cancelled).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from festival_cli.aws_errors import AWS_ERRORS, is_missing

# The logical ids the template retains (tests/deploy/test_template.py checks the template).
RETAINED = {
    "PerformancesTable": "the sets (table)",
    "IngestionsTable": "the ingestion records (table)",
    "Key": "the KMS key that encrypts them and their backups",
}
KEY_PENDING_DAYS = 30


@dataclass(frozen=True)
class Kept:
    """One resource a stack deletion leaves behind."""

    logical_id: str
    what: str
    physical_id: str


def retained_resources(cfn: Any, stack_id: str) -> list[Kept]:
    """The stack's resources that its deletion keeps, with their names (physical ids)."""
    resources = cfn.describe_stack_resources(StackName=stack_id).get("StackResources", [])
    found = {r.get("LogicalResourceId"): r.get("PhysicalResourceId") for r in resources}
    return [Kept(logical, what, str(found[logical])) for logical, what in RETAINED.items()
            if found.get(logical)]


def describe_kept(kept: list[Kept], region: str) -> list[str]:
    """One line per kept resource, saying where it is."""
    lines = []
    for resource in kept:
        kind = "key" if resource.logical_id == "Key" else "table"
        lines.append(f"kept {resource.what}: {kind} {resource.physical_id} in {region}")
    return lines


def delete_data(aws: Any, kept: list[Kept]) -> list[str]:
    """Delete the kept tables and schedule the key's deletion; what was done, one line each."""
    dynamodb = aws.client("dynamodb")
    done: list[str] = []
    for resource in kept:
        if resource.logical_id == "Key":
            continue
        try:
            dynamodb.update_table(TableName=resource.physical_id,
                                  DeletionProtectionEnabled=False)
            dynamodb.delete_table(TableName=resource.physical_id)
        except AWS_ERRORS as exc:
            if is_missing(exc):  # deleted already
                continue
            raise
        done.append(f"deleted table {resource.physical_id} (DynamoDB keeps its backup 35 days)")
    for resource in kept:
        if resource.logical_id == "Key":
            aws.client("kms").schedule_key_deletion(KeyId=resource.physical_id,
                                                    PendingWindowInDays=KEY_PENDING_DAYS)
            done.append(f"scheduled key {resource.physical_id} for deletion in "
                        f"{KEY_PENDING_DAYS} days (kms cancel-key-deletion undoes it until then)")
    return done
