"""`python3 dev.py test --quick` leaves out exactly the tests that need the world."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import needs_world

TESTS = Path(__file__).parent


@pytest.mark.parametrize(("module", "params", "world"), [
    ("aws/test_handler.py", {}, True),                        # moto
    ("deploy/test_template.py", {}, True),                    # moto's CloudFormation
    ("test_precommit.py", {}, True),                          # pre-commit in a subprocess
    ("test_benchmarks.py", {}, True),                         # a subprocess
    ("contract/test_store_basics.py", {"backend": "dynamodb"}, True),
    ("contract/test_store_basics.py", {"backend": "sqlite"}, False),
    ("test_plan.py", {}, False),                              # pure core
    ("test_lineup_rules.py", {}, False),
])
def test_a_test_is_in_the_world_when_it_needs_moto_or_a_subprocess(
        module: str, params: dict[str, str], world: bool) -> None:
    assert needs_world(TESTS / module, params) is world
