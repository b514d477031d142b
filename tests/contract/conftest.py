"""The `store` fixture: each contract test runs once per backend, on a fresh empty store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from festival_cli.core.store import Store
from tests.contract.backends import STORE_FACTORIES


@pytest.fixture(params=sorted(STORE_FACTORIES))
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def store(backend: str, tmp_path: Path) -> Iterator[Store]:
    with STORE_FACTORIES[backend](tmp_path) as fresh:
        yield fresh
