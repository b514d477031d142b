"""NotifyOnce against moto: one claim at a time, the mark, a stale claim taken over."""

from __future__ import annotations

from festival_cli.core.records import Ingestion
from lambda_handler.notify_once import CLAIM_SECONDS, NotifyOnce
from tests.aws.moto_world import RequestCounter, World


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def once_on(world: World, clock: Clock | None = None) -> NotifyOnce:
    store = world.store()
    store.save_ingestion(Ingestion(id="abc", file="f"))
    return NotifyOnce(store.client, store.ingestions_table, clock=clock or Clock())


def test_a_notification_is_claimed_once(world: World) -> None:
    once = once_on(world)
    assert once.claim("abc") == "claimed"
    assert once.claim("abc") == "busy"
    once.finish("abc")
    assert once.claim("abc") == "notified"


def test_a_refused_claim_reads_nothing_more(world: World) -> None:
    """The refused update carries the item it met (ReturnValuesOnConditionCheckFailure)."""
    once = once_on(world)
    once.claim("abc")
    counter = RequestCounter(world.dynamodb)
    assert once.claim("abc") == "busy"
    once.finish("abc")
    assert once.claim("abc") == "notified"
    assert "GetItem" not in counter.calls


def test_no_record_is_nothing_to_notify(world: World) -> None:
    assert once_on(world).claim("missing") == "notified"


def test_a_released_claim_can_be_claimed_again(world: World) -> None:
    once = once_on(world)
    once.claim("abc")
    once.release("abc")
    assert once.claim("abc") == "claimed"


def test_a_stale_claim_is_taken_over(world: World) -> None:
    clock = Clock()
    once = once_on(world, clock)
    once.claim("abc")
    clock.now += CLAIM_SECONDS - 1
    assert once.claim("abc") == "busy"
    clock.now += 2
    assert once.claim("abc") == "claimed"


def test_saving_a_record_keeps_its_notified_mark(world: World) -> None:
    once = once_on(world)
    once.claim("abc")
    once.finish("abc")
    world.store().save_ingestion(Ingestion(id="abc", file="f", state="succeeded"))
    assert once.notified("abc")
    assert once.claim("abc") == "notified"
