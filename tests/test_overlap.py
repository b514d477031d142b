"""core/overlap.py: the caller's work runs once, beside the store's wait or after it."""

from __future__ import annotations

import threading

import pytest

from festival_cli.core.overlap import Meanwhile


def test_the_work_runs_on_another_thread_while_the_body_runs() -> None:
    body_done, seen = threading.Event(), []

    def work() -> None:
        seen.append(threading.current_thread() is not threading.main_thread())
        seen.append(body_done.wait(5))  # the body finishes while the work waits for it

    meanwhile = Meanwhile(work)
    with meanwhile.alongside():
        body_done.set()
    assert seen == [True, True]


def test_the_work_runs_once_whoever_calls_it() -> None:
    runs: list[int] = []
    meanwhile = Meanwhile(lambda: runs.append(1))
    with meanwhile.alongside():
        pass
    meanwhile()
    with meanwhile.alongside():
        pass
    assert runs == [1]


def test_work_not_run_alongside_runs_when_called() -> None:
    runs: list[str] = []
    meanwhile = Meanwhile(lambda: runs.append(threading.current_thread().name))
    meanwhile()
    assert runs == [threading.current_thread().name]


def test_the_work_s_error_is_raised_in_the_caller_after_the_body() -> None:
    body: list[str] = []

    def broken() -> None:
        raise ValueError("a bug in the work")

    with pytest.raises(ValueError, match="a bug in the work"), Meanwhile(broken).alongside():
        body.append("ran")
    assert body == ["ran"]


def test_the_body_s_error_wins_and_the_work_is_waited_for() -> None:
    finished = threading.Event()
    with pytest.raises(KeyError), Meanwhile(finished.set).alongside():
        raise KeyError("the store failed")
    assert finished.is_set()


def test_no_work_is_no_thread() -> None:
    before = threading.active_count()
    with Meanwhile().alongside():
        assert threading.active_count() == before


def test_what_the_caller_drops_is_let_go_of_on_the_second_thread() -> None:
    freed: list[bool] = []

    class Row:
        def __del__(self) -> None:
            freed.append(threading.current_thread() is not threading.main_thread())

    rows = [Row(), Row()]
    with Meanwhile().alongside(drop=rows):
        pass
    assert rows == [] and freed == [True, True]
