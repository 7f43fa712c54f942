"""pytest fixtures (installed with the package, as a pytest plugin).

``verify_emulator``: the session's emulator, restored before each test to the state it had
after seeding, so no test sees another's verifications, clock, fixed codes or fault rules.

``verify_emulator_session``: the session's emulator itself. It is started on a free port, or
attached to ``VERIFY_EMULATOR_URL`` when that is set; extra flags come from
``VERIFY_EMULATOR_ARGS`` (split on spaces).

``verify_emulator_environment``: sets this process's environment from
:meth:`Emulator.env` for one test, so an app's unmodified code that calls
``https://verify.twilio.com`` reaches the session's emulator. ``pytest --verify-emulator-proxy``
(or ``verify_emulator_proxy = true`` in the ini file) does it for the whole session. Both also
make aiohttp sessions read the proxy variables (``trust_env=True``), which twilio's
``AsyncTwilioHttpClient`` does not ask for.

``verify_emulator_account``: an account of the test's own on the session's emulator (its
credentials, a service, its own clock), removed after the test, for tests that run in parallel
against one shared emulator.

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

from ._emulator import Account, Emulator


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


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("verify-emulator")
    group.addoption(
        "--verify-emulator-proxy", action="store_true", default=None,
        help="send this process's calls to *.twilio.com to the session's verify-emulator (its proxy and CA)")
    parser.addini(
        "verify_emulator_proxy", type="bool", default=False,
        help="as --verify-emulator-proxy, for every run")


def _apply(environment: dict) -> dict:
    saved = {name: os.environ.get(name) for name in environment}
    os.environ.update(environment)
    saved[_AIOHTTP] = _aiohttp_trusts_environment()
    return saved


_AIOHTTP = object()


def _aiohttp_trusts_environment():
    """Makes new aiohttp sessions read the proxy variables; returns how to undo it."""
    try:
        import aiohttp
    except ImportError:
        return None
    original = aiohttp.ClientSession.__init__

    def init(self, *args, **kwargs):
        kwargs.setdefault("trust_env", True)
        original(self, *args, **kwargs)

    aiohttp.ClientSession.__init__ = init
    return lambda: setattr(aiohttp.ClientSession, "__init__", original)


def _restore(saved: dict) -> None:
    undo = saved.pop(_AIOHTTP, None)
    if undo:
        undo()
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="session", autouse=True)
def _verify_emulator_proxy_session(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    enabled = request.config.getoption("--verify-emulator-proxy") or request.config.getini("verify_emulator_proxy")
    if not enabled:
        yield
        return
    emulator: Emulator = request.getfixturevalue("verify_emulator_session")
    saved = _apply(emulator.env(tmp_path_factory.mktemp("verify-emulator-ca")))
    try:
        yield
    finally:
        _restore(saved)


@pytest.fixture
def verify_emulator_environment(verify_emulator: Emulator, tmp_path) -> Iterator[Emulator]:
    """The session's emulator (restored to its baseline), with this process's environment set so
    that calls to ``https://verify.twilio.com`` reach it, for one test."""
    saved = _apply(verify_emulator.env(tmp_path / "verify-emulator-ca"))
    try:
        yield verify_emulator
    finally:
        _restore(saved)


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


@pytest.fixture
def verify_emulator_account(verify_emulator_session: Emulator) -> Iterator[Account]:
    """An account of the test's own (credentials, a service, its own clock) on the session's
    emulator, removed after the test: tests running in parallel (pytest-xdist workers, or suites
    sharing one emulator in CI) never see each other's codes, limits or clock. Move its clock
    with ``emulator.advance_clock(seconds, account_sid=account.account_sid)``."""
    account = verify_emulator_session.create_account(f"pytest {os.getpid()}")
    try:
        yield account
    finally:
        try:
            verify_emulator_session.delete_account(account.account_sid)
        except Exception:
            pass
