"""The moto world every AWS test runs in: fake credentials, no network, lazily made clients."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from moto import mock_aws

from lambda_handler.handler import Pipeline, use
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


@pytest.fixture
def pipeline(world: World) -> Iterator[Pipeline]:
    """The function's pipeline on the world's resources, injected into the handler."""
    built = Pipeline(world.s3, world.sns, world.store(), world.topic_arn)
    use(built)
    yield built
    use(None)
