"""The Python helper package (clients/python) against the real binary: every call it offers,
its errors, and its pytest fixture in a pytest run of its own."""
import os
import subprocess
import sys
import textwrap
import threading
import time

import pytest
import verify_emulator
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from conftest import binary

ACCOUNT, TOKEN, SERVICE = (verify_emulator.DEFAULT_ACCOUNT_SID, verify_emulator.DEFAULT_AUTH_TOKEN,
                           verify_emulator.DEFAULT_SERVICE_SID)


def sdk(emulator):
    client = Client(ACCOUNT, TOKEN)
    client.verify.base_url = emulator.url
    return client.verify.v2.services(SERVICE)


@pytest.fixture
def started():
    with verify_emulator.Emulator.start(binary()) as emulator:
        yield emulator
    assert emulator.process.returncode == 0


def test_codes_arrive_and_wait_for_code_long_polls(started):
    service = sdk(started)
    # the send comes 300 ms after the wait began: the call returns with it, not at its timeout
    threading.Timer(0.3, lambda: service.verifications.create(to="+15005550006", channel="sms")).start()
    began = time.monotonic()
    code = started.wait_for_code("+15005550006", timeout=20)
    assert len(code) == 6 and time.monotonic() - began < 15
    first = started.messages("+15005550006")[0]
    assert isinstance(first, verify_emulator.Message) and first.code == code and first.channel == "sms"
    assert first.service_sid == SERVICE and first.verification_sid.startswith("VE")
    # a resend: newer_than waits for a message other than the one already seen
    threading.Timer(0.2, lambda: service.verifications.create(to="+15005550006", channel="sms")).start()
    again = started.wait_for_code("+15005550006", newer_than=first, timeout=20)
    assert again == code and started.messages("+15005550006")[0].sid != first.sid
    with pytest.raises(verify_emulator.EmulatorError, match=r"no code was sent to \+15005550999 within 0.3 s"):
        started.wait_for_code("+15005550999", timeout=0.3)


def test_clock_fixed_codes_faults_reset(started):
    service = sdk(started)
    started.fixed_code("424242", to="+15005550010")
    service.verifications.create(to="+15005550010", channel="sms")
    assert started.wait_for_code("+15005550010") == "424242"
    started.advance_clock(601)
    with pytest.raises(TwilioRestException) as expired:
        service.verification_checks.create(to="+15005550010", code="424242")
    assert expired.value.status == 404
    started.set_clock("2031-01-02T03:04:05Z", frozen=True)
    assert started.clock()["now"] == "2031-01-02T03:04:05Z" and started.clock()["frozen"] is True
    started.freeze_clock(False)
    assert started.clock()["frozen"] is False

    rule = started.fault("verifications", error_code=60410, times=1)
    assert rule["id"]
    with pytest.raises(TwilioRestException) as blocked:
        service.verifications.create(to="+15005550011", channel="sms")
    assert blocked.value.code == 60410
    started.fault("verifications", error_code=60410)
    started.clear_faults()
    service.verifications.create(to="+15005550011", channel="sms")
    started.clear_fixed_code(to="+15005550010")
    with pytest.raises(verify_emulator.EmulatorError, match="answered 404.*no fixed code"):
        started.clear_fixed_code(to="+15005550010")
    started.reset()
    assert started.messages() == []


def test_snapshots_and_import(started, tmp_path):
    service = sdk(started)
    service.verifications.create(to="+15005550020", channel="sms")
    code = started.wait_for_code("+15005550020")
    saved = started.snapshot("seeded")
    assert saved["name"] == "seeded" and saved["size_bytes"] > 0
    service.verifications.create(to="+15005550021", channel="sms")
    started.restore("seeded")
    assert [message.to for message in started.messages()] == ["+15005550020"]
    assert [snapshot["name"] for snapshot in started.snapshots()] == ["seeded"]
    database = started.download_database(tmp_path / "state.sqlite")
    started.delete_snapshot("seeded")
    assert started.snapshots() == []
    with pytest.raises(verify_emulator.EmulatorError, match="answered 400.*name"):
        started.snapshot("../x")
    with pytest.raises(verify_emulator.EmulatorError, match="answered 404"):
        started.restore("gone")
    # a second emulator starts from the downloaded file
    with verify_emulator.Emulator.start(binary(), args=["--import", str(database)]) as copy:
        assert copy.wait_for_code("+15005550020", timeout=1) == code


def test_attach_and_errors(started, tmp_path):
    attached = verify_emulator.Emulator.attach(started.url)
    assert attached.clock()["epoch_ms"] > 0
    assert attached.stop() is None, "an attached emulator is left running"
    assert started.clock()["epoch_ms"] > 0
    with pytest.raises(verify_emulator.EmulatorError, match="no ready verify-emulator at http://127.0.0.1:9"):
        verify_emulator.Emulator.attach("http://127.0.0.1:9", timeout=0.2)
    with pytest.raises(verify_emulator.EmulatorError, match="verify-emulator not found"):
        verify_emulator.Emulator.start(str(tmp_path / "no-such-binary"))
    with pytest.raises(verify_emulator.EmulatorError, match="exited with 64.*--log-format"):
        verify_emulator.Emulator.start(binary(), args=["--log-format", "yaml"])
    gone = verify_emulator.Emulator(f"http://127.0.0.1:{verify_emulator.free_port()}")
    with pytest.raises(verify_emulator.EmulatorError, match="cannot reach the emulator"):
        gone.messages()


def test_the_pytest_fixture_restores_the_seeded_state_before_each_test(tmp_path):
    (tmp_path / "test_login.py").write_text(textwrap.dedent('''
        import pytest
        from twilio.rest import Client

        @pytest.fixture(scope="session")
        def verify_emulator_seed(verify_emulator_session):
            verify_emulator_session.fixed_code("135790")

        def start(emulator, to):
            client = Client("AC" + "0" * 32, "emulator-auth-token")
            client.verify.base_url = emulator.url
            client.verify.v2.services("VA" + "0" * 32).verifications.create(to=to, channel="sms")

        def test_first(verify_emulator):
            start(verify_emulator, "+15005550030")
            verify_emulator.advance_clock(3600)
            assert verify_emulator.wait_for_code("+15005550030") == "135790"

        def test_second_sees_none_of_it(verify_emulator):
            assert verify_emulator.messages() == []
            assert abs(verify_emulator.clock()["offset_seconds"]) < 600
            start(verify_emulator, "+15005550031")
            assert verify_emulator.wait_for_code("+15005550031") == "135790"
    '''))
    env = dict(os.environ, VERIFY_EMULATOR_BIN=binary(), PYTHONDONTWRITEBYTECODE="1")
    env.pop("VERIFY_EMULATOR_URL", None)
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
                            capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout
