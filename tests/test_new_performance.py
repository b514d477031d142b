"""`new_performance` builds a Performance like the class does: nothing tells the two apart."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from festival_cli.core.model import Performance, new_performance

TEXT = st.text(max_size=8)
FIELDS = st.tuples(
    TEXT, TEXT, TEXT, TEXT, TEXT, st.none() | st.integers(0, 100), st.none() | TEXT,
    st.none() | st.integers(1, 10**6), st.integers(0, 9), st.booleans(), st.none() | TEXT,
    st.none() | TEXT, st.none() | TEXT)


@given(FIELDS)
def test_it_equals_the_class_s_own_in_every_way(fields: tuple[Any, ...]) -> None:
    made, built = new_performance(*fields), Performance(*fields)
    assert type(made) is Performance
    assert made == built and hash(made) == hash(built) and repr(made) == repr(built)
    assert dataclasses.astuple(made) == dataclasses.astuple(built) == fields
    assert pickle.loads(pickle.dumps(made)) == built
    assert copy.copy(made) == built and dataclasses.replace(made) == built


def test_it_is_as_immutable() -> None:
    made = new_performance("A", "Main", "2026-07-10", "18:00", "19:00", None, None, None, 0,
                           False, None, None, None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.stage = "Other"  # type: ignore[misc]
    assert not hasattr(made, "__dict__")
