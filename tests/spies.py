"""`calls_to`: a function replaced for one test by one that notes each call and calls it."""

from __future__ import annotations

from typing import Any

import pytest


def calls_to(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> list[tuple[Any, ...]]:
    """The positional arguments of every call of `owner.name` from now on (a method's `self`
    first), in order; each call still runs the real one and returns what it returns."""
    calls: list[tuple[Any, ...]] = []
    real = getattr(owner, name)

    def noted(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, noted)
    return calls
