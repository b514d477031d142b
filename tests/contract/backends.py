"""Every store implementation the contract suite runs against: add one line per backend.

A factory takes a fresh temporary directory and is a context manager yielding a fresh, empty
store (a backend needing a mock, such as moto for DynamoDB, enters it there).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

from festival_cli.core.store import Store
from festival_cli.stores.sqlite import SqliteStore
from tests.aws.moto_world import dynamodb_store

StoreFactory = Callable[[Path], contextlib.AbstractContextManager[Store]]


@contextlib.contextmanager
def sqlite_store(directory: Path) -> Iterator[Store]:
    with SqliteStore(directory / "contract.db") as store:
        yield store


STORE_FACTORIES: dict[str, StoreFactory] = {
    "sqlite": sqlite_store,
    "dynamodb": dynamodb_store,
}
