"""The binary's contract for outside tools: flags, environment variables, start-up, SIGTERM."""
import base64
import os
import socket
import subprocess
import time

import pytest
import requests

from conftest import ACCOUNT_SID, AUTH_TOKEN, SECRET, Emulator, auth_binary, binary, start_stack, stop_stack


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
        # the public URL's host is answered (a proxy in front sends it); another name is not
        base = f"http://127.0.0.1:{port}/emulator/v1/messages"
        assert requests.get(base, headers={"Host": "verify.example.test"}, timeout=5).status_code == 200
        refused = requests.get(base, headers={"Host": "attacker.example"}, timeout=5)
        assert refused.status_code == 403 and "--allowed-hosts attacker.example" in refused.json()["detail"]
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


# Start-up that cannot work stops at once with one line naming what is wrong.

def run_binary(command, env=None, cwd=None, timeout=20):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("VERIFY_EMULATOR_", "TWILIO_"))}
    environment.update(env or {})
    return subprocess.run(command, env=environment, cwd=cwd, capture_output=True, text=True, timeout=timeout)


@pytest.mark.parametrize("env, named", [
    ({"VERIFY_EMULATOR_CODE_EXPIRY": "ten"}, "VERIFY_EMULATOR_CODE_EXPIRY='ten': must be 1 to 86400 seconds"),
    ({"VERIFY_EMULATOR_CLOCK_OFFSET": "1h"}, "VERIFY_EMULATOR_CLOCK_OFFSET='1h': must be"),
    ({"VERIFY_EMULATOR_CLOCK_OFFSET": "nan"}, "VERIFY_EMULATOR_CLOCK_OFFSET='nan': must be"),
    ({"VERIFY_EMULATOR_QUIET": "yes please"}, "VERIFY_EMULATOR_QUIET='yes please': must be 1 or 0"),
    ({"VERIFY_EMULATOR_PORT": "80800"}, "VERIFY_EMULATOR_PORT='80800': must be 0 to 65535"),
    ({"VERIFY_EMULATOR_SEND_WINDOW": "100000000000000000"}, "VERIFY_EMULATOR_SEND_WINDOW="),
    ({"VERIFY_EMULATOR_RETENTION": "1d"}, "VERIFY_EMULATOR_RETENTION='1d': must be 0 to 315360000 seconds (0: keep everything)"),
    ({"VERIFY_EMULATOR_ALLOWED_HOSTS": "emulator/v1"}, "--allowed-hosts: 'emulator/v1' is not a host name"),
])
def test_bad_environment_values_are_named(tmp_path, env, named):
    result = run_binary([binary(), "--db", ":memory:"], env=env, cwd=tmp_path)
    assert result.returncode != 0
    assert named in result.stderr, result.stderr
    assert "Fatal error" not in result.stderr


@pytest.mark.parametrize("args, named", [
    (["--clock-offset", "1e20"], "--clock-offset 1e+20: must be"),
    (["--clock-offset", "nan"], "--clock-offset nan: must be"),
    (["--code-expiry", "100000000000000000"], "--code-expiry 100000000000000000: must be 1 to 86400 seconds"),
    (["--send-window", "0"], "--send-window 0: must be 1 to 86400 seconds"),
    (["--max-check-attempts=-1"], "--max-check-attempts -1: must be 0 to 1000000"),
    (["--retention=-5"], "--retention -5: must be 0 to 315360000 seconds (0: keep everything)"),
    (["--allowed-hosts", "http://verify-emulator"], "--allowed-hosts: 'http://verify-emulator' is not a host name"),
])
def test_bad_flags_are_named(tmp_path, args, named):
    result = run_binary([binary(), "--db", ":memory:", *args], cwd=tmp_path)
    assert result.returncode != 0
    assert named in result.stderr, result.stderr
    assert "Fatal error" not in result.stderr


def test_a_long_fraction_in_the_frozen_clock_is_accepted(tmp_path):
    emulator = Emulator(":memory:", args=["--frozen-clock", "2030-01-01T00:00:00.99999999999999999999Z"])
    try:
        assert requests.get(emulator.url + "/emulator/v1/clock", timeout=5).json()["now"] == "2030-01-01T00:00:00Z"
    finally:
        assert emulator.stop() == 0


def test_a_misspelt_fixture_key_is_named(tmp_path):
    fixtures = tmp_path / "fixtures.json"
    fixtures.write_text('{"acounts": []}')
    result = run_binary([binary(), "--db", ":memory:", "--fixtures", str(fixtures)], cwd=tmp_path)
    assert result.returncode != 0
    assert "acounts: unknown key; the file takes accounts" in result.stderr, result.stderr


def test_a_database_that_cannot_be_opened_is_named(tmp_path):
    result = run_binary([binary(), "--db", str(tmp_path / "missing" / "state.sqlite"), "--port", "0"], cwd=tmp_path)
    assert result.returncode == 1
    assert f"cannot open the database {tmp_path / 'missing' / 'state.sqlite'}" in result.stderr, result.stderr


def test_a_busy_port_stops_both_servers_at_once_with_one_line(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        started = time.monotonic()
        emulator = run_binary([binary(), "--port", str(port), "--db", ":memory:"], cwd=tmp_path)
        assert emulator.returncode == 1
        assert emulator.stderr.strip() == f"verify-emulator: cannot listen on 127.0.0.1:{port}: address already in use"
        auth = run_binary([auth_binary()], cwd=tmp_path, env={
            "PORT": str(port), "TWILIO_ACCOUNT_SID": "AC" + "0" * 32, "TWILIO_AUTH_TOKEN": "token",
            "TWILIO_VERIFY_SERVICE_SID": "VA" + "0" * 32, "TWILIO_VERIFY_BASE_URL": "http://127.0.0.1:9",
            "SECRET_KEY": SECRET, "DATABASE_PATH": ":memory:"})
        assert auth.returncode == 1, auth.stderr
        assert auth.stderr.strip().splitlines()[-1] == f"auth-server: cannot listen on 127.0.0.1:{port}: address already in use"
        assert time.monotonic() - started < 10


def test_auth_server_names_a_database_it_cannot_open(tmp_path):
    result = run_binary([auth_binary()], cwd=tmp_path, env={
        "PORT": "0", "TWILIO_ACCOUNT_SID": "AC" + "0" * 32, "TWILIO_AUTH_TOKEN": "token",
        "TWILIO_VERIFY_SERVICE_SID": "VA" + "0" * 32, "SECRET_KEY": SECRET,
        "DATABASE_PATH": str(tmp_path / "missing" / "auth.sqlite")})
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"auth-server: cannot start: cannot open the database DATABASE_PATH={tmp_path}/missing/auth.sqlite")


def raw_request(port, data: bytes, timeout=5) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
        connection.sendall(data)
        answer = b""
        try:
            while b"\r\n\r\n" not in answer or len(answer) < answer.find(b"\r\n\r\n") + 4 + 1:
                chunk = connection.recv(65536)
                if not chunk:
                    break
                answer += chunk
        except socket.timeout:
            pass
        return answer


BAD_CHUNK = b"zz\r\nTo=%2B15005550006\r\n0\r\n\r\n"
DEFAULT_SID, DEFAULT_TOKEN = "AC" + "0" * 32, "emulator-auth-token"


def test_a_bad_chunk_size_is_the_clients_error(tmp_path):
    emulator = Emulator(":memory:")
    try:
        answer = raw_request(emulator.port, (
            b"POST /v2/Services/VA00000000000000000000000000000000/Verifications HTTP/1.1\r\n"
            b"Host: localhost\r\nAuthorization: Basic " + base64.b64encode(f"{DEFAULT_SID}:{DEFAULT_TOKEN}".encode()) + b"\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n") + BAD_CHUNK)
        status = answer.split(b"\r\n", 1)[0]
        assert status.startswith(b"HTTP/1.1 400"), answer[:300]
        assert requests.get(emulator.url + "/healthz", timeout=5).status_code == 200
    finally:
        assert emulator.stop() == 0


def test_a_bad_chunk_size_is_a_400_on_the_auth_server(tmp_path):
    emulator, url, process, log = start_stack(tmp_path)
    try:
        port = int(url.rsplit(":", 1)[1])
        answer = raw_request(port, (
            b"POST /api/auth/send-verification HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n") + BAD_CHUNK)
        assert answer.split(b"\r\n", 1)[0].startswith(b"HTTP/1.1 400"), answer[:300]
        assert requests.get(url + "/healthz", timeout=5).status_code == 200
    finally:
        stop_stack(emulator, process, log)


def closed_within(port, seconds, send=b""):
    """Opens a connection, sends `send` (perhaps half a request head), and waits for the server
    to close it; returns how long that took, or None if it stayed open."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=seconds) as connection:
        if send:
            connection.sendall(send)
        try:
            while connection.recv(4096):
                pass
        except socket.timeout:
            return None
    return time.monotonic() - started


def test_idle_and_slowloris_connections_are_closed(tmp_path):
    emulator = Emulator(":memory:", args=["--idle-timeout", "1"])
    try:
        assert closed_within(emulator.port, 6) is not None, "an idle connection stayed open"
        assert closed_within(emulator.port, 6, send=b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n") is not None
        # a connection that keeps asking is served as long as it likes
        assert requests.get(emulator.url + "/healthz", timeout=5).status_code == 200
    finally:
        assert emulator.stop() == 0


def test_the_auth_server_closes_idle_connections(tmp_path):
    emulator, url, process, log = start_stack(tmp_path, {"IDLE_TIMEOUT": "1"})
    try:
        port = int(url.rsplit(":", 1)[1])
        assert closed_within(port, 6) is not None, "an idle connection stayed open"
        assert closed_within(port, 6, send=b"POST /api/auth/send-verification HTTP/1.1\r\nHost: localhost\r\n") is not None
    finally:
        stop_stack(emulator, process, log)
