"""Parallel test workers sharing one emulator, each on an account of its own made at run time:
each moves its own clock past code expiry and past the send window, again and again, through
the official twilio SDK and the Python helper, and never sees another worker's clock."""
from concurrent.futures import ThreadPoolExecutor

import pytest
import verify_emulator
from conftest import binary
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client


WORKERS = 8
ROUNDS = 50


@pytest.fixture(scope="module")
def shared(helper_emulator):
    return helper_emulator


def worker(emulator, index):
    account = emulator.create_account(f"worker {index}")
    client = Client(account.account_sid, account.auth_token)
    client.verify.base_url = emulator.url
    service = client.verify.v2.services(account.service_sid)
    to = f"+1514555{index:04d}"
    advanced = 0

    def advance(seconds):
        nonlocal advanced
        moved = emulator.advance_clock(seconds, account_sid=account.account_sid)
        advanced += seconds
        assert moved["account_sid"] == account.account_sid

    def refused(call, status, code):
        with pytest.raises(TwilioRestException) as error:
            call()
        assert (error.value.status, error.value.code) == (status, code), error.value

    for round_ in range(ROUNDS):
        # a code stays good while other workers move their clocks past its expiry
        first = service.verifications.create(to=to, channel="sms")
        code = emulator.wait_for_code(to, account_sid=account.account_sid)
        assert service.verification_checks.create(to=to, code=code).status == "approved", (index, round_)
        # and expires when this worker's clock moves
        service.verifications.create(to=to, channel="sms")
        expiring = emulator.wait_for_code(to, account_sid=account.account_sid)
        advance(601)
        refused(lambda: service.verification_checks.create(to=to, code=expiring), 404, 20404)
        assert first.sid.startswith("VE")
        if round_ % 10 == 0:
            # five sends in this worker's window, the sixth refused, then the window passes
            for _ in range(5):
                service.verifications.create(to=to, channel="sms")
            refused(lambda: service.verifications.create(to=to, channel="sms"), 429, 60203)
            advance(601)
            assert service.verifications.create(to=to, channel="sms").status == "pending"
            advance(601)
    own = emulator.clock(account_sid=account.account_sid)
    assert abs(own["offset_seconds"] - advanced) < 5, (own, advanced)
    return account, advanced


def test_eight_workers_move_their_own_clocks_without_interference(shared):
    with ThreadPoolExecutor(WORKERS) as pool:
        results = list(pool.map(lambda index: worker(shared, index), range(WORKERS)))
    # the global clock never moved; each account's moved by exactly its own advances
    assert abs(shared.clock()["offset_seconds"]) < 1
    for account, advanced in results:
        assert abs(shared.clock(account_sid=account.account_sid)["offset_seconds"] - advanced) < 5
    listed = {item["account_sid"]: item["kind"] for item in shared.accounts()}
    assert all(listed[account.account_sid] == "runtime" for account, _ in results)
    assert listed[verify_emulator.DEFAULT_ACCOUNT_SID] == "configured"

    # deleting a worker's account takes its data and its credentials with it
    account, _ = results[0]
    shared.delete_account(account.account_sid)
    gone = Client(account.account_sid, account.auth_token)
    gone.verify.base_url = shared.url
    with pytest.raises(TwilioRestException) as refused:
        gone.verify.v2.services(account.service_sid).fetch()
    assert refused.value.status == 401
    assert shared.messages(account_sid=account.account_sid) == []
    with pytest.raises(verify_emulator.EmulatorError, match="answered 400"):
        shared.clock(account_sid=account.account_sid)
    with pytest.raises(verify_emulator.EmulatorError, match="answered 403"):
        shared.delete_account(verify_emulator.DEFAULT_ACCOUNT_SID)


def test_the_pytest_fixture_gives_each_test_its_own_account(tmp_path):
    import os
    import subprocess
    import sys
    import textwrap

    (tmp_path / "test_accounts.py").write_text(textwrap.dedent('''
        from twilio.rest import Client

        def start(emulator, account, to):
            client = Client(account.account_sid, account.auth_token)
            client.verify.base_url = emulator.url
            client.verify.v2.services(account.service_sid).verifications.create(to=to, channel="sms")

        def test_first(verify_emulator_session, verify_emulator_account):
            start(verify_emulator_session, verify_emulator_account, "+15145550400")
            verify_emulator_session.advance_clock(3600, account_sid=verify_emulator_account.account_sid)
            assert verify_emulator_session.clock()["offset_seconds"] == 0

        def test_second(verify_emulator_session, verify_emulator_account):
            sid = verify_emulator_account.account_sid
            assert verify_emulator_session.messages(account_sid=sid) == []
            assert verify_emulator_session.clock(account_sid=sid)["offset_seconds"] == 0
            assert [a["kind"] for a in verify_emulator_session.accounts()].count("runtime") == 1
    '''))
    env = dict(os.environ, VERIFY_EMULATOR_BIN=binary(), PYTHONDONTWRITEBYTECODE="1")
    env.pop("VERIFY_EMULATOR_URL", None)
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
                            capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout
