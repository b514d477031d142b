"""Contract, as a property: applying lineup B over stored lineup A leaves exactly B for B's dates
and A elsewhere (with --merge: A's sets of those dates that B does not list stay too)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from festival_cli.core.model import Performance
from tests.contract.backends import STORE_FACTORIES
from tests.factories import lineup

DATES = ["2026-07-10", "2026-07-11", "2026-07-12"]
TIMES = ["18:00", "19:00", "23:30", "01:00"]

performances = st.builds(
    Performance,
    performer=st.sampled_from(["A", "B", "Ç"]),
    stage=st.sampled_from(["Main", "Tent"]),
    date=st.sampled_from(DATES),
    start=st.sampled_from(TIMES),
    end=st.sampled_from(["18:30", "20:00", "00:15"]),
    popularity=st.one_of(st.none(), st.sampled_from([0, 50, 100])),
).filter(lambda p: p.start != p.end)


def unique(sets: list[Performance]) -> list[Performance]:
    """One set per key, as a valid lineup file has."""
    return list({p.key: p for p in sets}.values())


lineups = st.lists(performances, min_size=1, max_size=8).map(unique)


@pytest.mark.parametrize("backend", sorted(STORE_FACTORIES))
@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(a=lineups, b=lineups, merge=st.booleans())
def test_applying_b_over_a(backend: str, a: list[Performance], b: list[Performance],
                           merge: bool) -> None:
    b_dates = {p.date for p in b}
    expected = {p for p in a if p.date not in b_dates} | set(b)
    if merge:
        b_keys = {p.key for p in b}
        expected |= {p for p in a if p.date in b_dates and p.key not in b_keys}
    with tempfile.TemporaryDirectory() as directory, \
            STORE_FACTORIES[backend](Path(directory)) as store:
        store.apply_lineup(lineup(*a))
        store.apply_lineup(lineup(*b), merge=merge)
        assert set(store.stored_on(DATES)) == expected
