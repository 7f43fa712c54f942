"""pytest fixtures (installed with the package, as a pytest plugin).

``verify_emulator``: the session's emulator, restored before each test to the state it had
after seeding, so no test sees another's verifications, clock, fixed codes or fault rules.

``verify_emulator_session``: the session's emulator itself. It is started on a free port, or
attached to ``VERIFY_EMULATOR_URL`` when that is set; extra flags come from
``VERIFY_EMULATOR_ARGS`` (split on spaces).

``verify_emulator_seed``: override it to seed once per session; every test starts from what it
made::

    @pytest.fixture(scope="session")
    def verify_emulator_seed(verify_emulator_session):
        verify_emulator_session.fixed_code("123456")

    def test_login(verify_emulator):
        client.verify.base_url = verify_emulator.url
        ...
        assert verify_emulator.wait_for_code("+15005550006") == "123456"
"""

from __future__ import annotations

import os
from typing import Iterator

import pytest

from ._emulator import Emulator


@pytest.fixture(scope="session")
def verify_emulator_session() -> Iterator[Emulator]:
    url = os.environ.get("VERIFY_EMULATOR_URL")
    if url:
        emulator = Emulator.attach(url)
    else:
        emulator = Emulator.start(args=os.environ.get("VERIFY_EMULATOR_ARGS", "").split())
    try:
        yield emulator
    finally:
        emulator.stop()


@pytest.fixture(scope="session")
def verify_emulator_seed(verify_emulator_session: Emulator) -> None:
    """Seeds the session's emulator once: nothing by default."""
    return None


@pytest.fixture(scope="session")
def _verify_emulator_baseline(verify_emulator_session: Emulator, verify_emulator_seed: None) -> Iterator[str]:
    # named for this session, so an attached emulator's older snapshots are never taken for it
    name = f"pytest-baseline-{os.getpid()}"
    verify_emulator_session.snapshot(name)
    yield name
    try:
        verify_emulator_session.delete_snapshot(name)
    except Exception:
        pass


@pytest.fixture
def verify_emulator(verify_emulator_session: Emulator, _verify_emulator_baseline: str) -> Emulator:
    """The session's emulator, restored to its seeded baseline before the test."""
    verify_emulator_session.restore(_verify_emulator_baseline)
    return verify_emulator_session
