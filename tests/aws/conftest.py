"""The moto world every AWS test runs in: fake credentials, no network, lazily made clients."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from moto import mock_aws

from tests.aws.moto_world import CLEARED_ENVIRONMENT, FAKE_ENVIRONMENT, World


@pytest.fixture(autouse=True)
def fake_aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in CLEARED_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    for name, value in FAKE_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        yield


@pytest.fixture
def world() -> World:
    return World.build()
