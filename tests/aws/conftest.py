"""The moto world every AWS test runs in: fake credentials, no network, lazily made clients."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from lambda_handler.handler import Pipeline, use
from tests.aws.moto_world import World, fake_aws


@pytest.fixture(autouse=True)
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with fake_aws(monkeypatch):
        yield


@pytest.fixture
def world() -> World:
    return World.build()


@pytest.fixture
def pipeline(world: World) -> Iterator[Pipeline]:
    """The function's pipeline on the world's resources, injected into the handler."""
    built = Pipeline(world.s3, world.sns, world.store(), world.topic_arn,
                     site_bucket=world.site_bucket)
    use(built)
    yield built
    use(None)
