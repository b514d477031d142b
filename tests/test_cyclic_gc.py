"""`no_cyclic_gc()`: the collector paused inside, back as it was after (even on an error)."""

from __future__ import annotations

import gc

import pytest

from festival_cli.core.cyclic_gc import no_cyclic_gc


def test_it_pauses_the_collector_and_turns_it_back_on() -> None:
    assert gc.isenabled()
    with no_cyclic_gc():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_nested_blocks_leave_it_to_the_outer_one() -> None:
    with no_cyclic_gc():
        with no_cyclic_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner block found it paused: it leaves it so
    assert gc.isenabled()


def test_an_error_inside_still_turns_it_back_on() -> None:
    with pytest.raises(RuntimeError), no_cyclic_gc():
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_a_collector_paused_outside_stays_paused() -> None:
    gc.disable()
    try:
        with no_cyclic_gc():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
