"""The binary's contract for outside tools: flags, environment variables, start-up, SIGTERM."""
import requests

from conftest import ACCOUNT_SID, AUTH_TOKEN, Emulator


def test_sigterm_keeps_state_across_restart(tmp_path):
    db = str(tmp_path / "restart.sqlite")
    first = Emulator(db, args=["--account-sid", ACCOUNT_SID, "--auth-token", AUTH_TOKEN])
    client = first.client()
    service = client.verify.v2.services.create(friendly_name="Durable")
    started = client.verify.v2.services(service.sid).verifications.create(to="+15005550006", channel="sms")
    code = first.last_code("+15005550006")
    assert first.stop() == 0, "SIGTERM shuts down cleanly with exit status 0"

    second = Emulator(db, args=["--account-sid", ACCOUNT_SID, "--auth-token", AUTH_TOKEN])
    try:
        client = second.client()
        assert client.verify.v2.services(service.sid).fetch().friendly_name == "Durable"
        assert client.verify.v2.services(service.sid).verifications(started.sid).fetch().status == "pending"
        assert second.last_code("+15005550006") == code
        check = client.verify.v2.services(service.sid).verification_checks.create(to="+15005550006", code=code)
        assert check.status == "approved"
    finally:
        assert second.stop() == 0


def test_environment_variables_configure_everything(tmp_path):
    port_probe = Emulator(str(tmp_path / "probe.sqlite"))
    port = port_probe.port
    port_probe.stop()
    env = {
        "VERIFY_EMULATOR_HOST": "127.0.0.1",
        "VERIFY_EMULATOR_PORT": str(port),
        "VERIFY_EMULATOR_DB": ":memory:",
        "VERIFY_EMULATOR_ACCOUNT_SID": ACCOUNT_SID,
        "VERIFY_EMULATOR_AUTH_TOKEN": AUTH_TOKEN,
        "VERIFY_EMULATOR_PUBLIC_URL": "http://verify.example.test",
    }
    # the Emulator helper passes --port/--db too; use the same values so env and flags agree
    running = Emulator(":memory:", env=env, port=port)
    try:
        service = running.client().verify.v2.services.create(friendly_name="Env")
        assert service.url == f"http://verify.example.test/v2/Services/{service.sid}"
    finally:
        running.stop()


def test_default_account_is_printed_and_works(tmp_path):
    running = Emulator(str(tmp_path / "default.sqlite"))
    try:
        output = running.output()
        assert "AC00000000000000000000000000000000" in output
        assert "emulator-auth-token" in output
        client = running.client("AC00000000000000000000000000000000", "emulator-auth-token")
        assert client.verify.v2.services("VA00000000000000000000000000000000").fetch().friendly_name == "Verify Emulator"
        assert requests.get(running.url + "/healthz", timeout=5).json() == {"status": "ok"}
    finally:
        assert running.stop() == 0


def test_bad_flags_stop_with_a_clear_message(tmp_path):
    import subprocess

    from conftest import binary

    result = subprocess.run([binary(), "--account-sid", "AC123", "--auth-token", "x"], capture_output=True, text=True, timeout=10)
    assert result.returncode != 0
    assert "--account-sid must be AC followed by 32 hex digits" in result.stderr
    bad_fixture = tmp_path / "bad.json"
    bad_fixture.write_text('{"accounts": [{"sid": "AC1"}]}')
    result = subprocess.run([binary(), "--fixtures", str(bad_fixture), "--db", ":memory:"], capture_output=True, text=True, timeout=10)
    assert result.returncode != 0
    assert "accounts[0]" in result.stderr


def test_test_and_demo_flags(tmp_path):
    fixture = tmp_path / "limits.json"
    fixture.write_text('{"limits": {"max_send_attempts": 3}, "fixed_codes": [{"code": "1111"}]}')
    running = Emulator(
        str(tmp_path / "flags.sqlite"),
        args=[
            "--account-sid", ACCOUNT_SID, "--auth-token", AUTH_TOKEN, "--fixtures", str(fixture),
            "--fixed-code", "246810", "--frozen-clock", "2030-01-01T00:00:00Z", "--max-send-attempts", "1",
        ],
    )
    try:
        client = running.client()
        service = client.verify.v2.services.create(friendly_name="Flags")
        started = client.verify.v2.services(service.sid).verifications.create(to="+15005550006", channel="sms")
        assert started.date_created.year == 2030
        assert running.last_code("+15005550006") == "246810", "the flag beats the fixtures file"
        clock = requests.get(running.url + "/emulator/v1/clock", timeout=5).json()
        assert clock["frozen"] is True and clock["now"] == "2030-01-01T00:00:00Z"
        from twilio.base.exceptions import TwilioRestException

        try:
            client.verify.v2.services(service.sid).verifications.create(to="+15005550006", channel="sms")
            raise AssertionError("expected 60203 after one send with --max-send-attempts 1")
        except TwilioRestException as error:
            assert error.code == 60203
    finally:
        assert running.stop() == 0
