"""The auth-server binary against the emulator binary; its tokens verify with PyJWT, a third-party
JWT library, using only the secret."""
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import jwt
import pytest
import requests

from conftest import ROOT, SECRET, Emulator, auth_binary, free_port, start_stack, stop_stack

@pytest.fixture
def stack(tmp_path):
    emulator, url, process, log = start_stack(tmp_path)
    yield emulator, url
    stop_stack(emulator, process, log)


def login(emulator, url, phone):
    requests.post(url + "/api/auth/send-verification", json={"phone_number": phone}, timeout=5).raise_for_status()
    code = requests.get(emulator.url + "/emulator/v1/messages", params={"to": phone, "wait": "2s"}, timeout=5).json()[
        "messages"
    ][0]["code"]
    verified = requests.post(url + "/api/auth/verify-code", json={"phone_number": phone, "code": code}, timeout=5)
    verified.raise_for_status()
    return verified.json()


def test_es256_token_verifies_with_pyjwt_through_the_jwks(tmp_path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    keys = tmp_path / "keys"
    keys.mkdir()
    key = ec.generate_private_key(ec.SECP256R1())
    (keys / "k1.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    emulator, url, process, log = start_stack(tmp_path, {"JWT_ALGORITHM": "ES256", "JWT_KEYS_DIR": str(keys)})
    try:
        body = login(emulator, url, "+14155550190")
        signing_key = jwt.PyJWKClient(url + "/.well-known/jwks.json").get_signing_key_from_jwt(body["token"])
        claims = jwt.decode(body["token"], signing_key.key, algorithms=["ES256"])
        assert claims["sub"] == "+14155550190"
        assert jwt.get_unverified_header(body["token"])["kid"] == "k1"
    finally:
        stop_stack(emulator, process, log)


def test_login_token_verifies_with_pyjwt(stack):
    emulator, url = stack
    sent = requests.post(url + "/api/auth/send-verification", json={"phone_number": "+1 415 555 0100"}, timeout=5)
    assert sent.status_code == 200 and sent.json() == {"message": "Verification code sent successfully", "status": "pending"}
    code = requests.get(emulator.url + "/emulator/v1/messages", params={"to": "+14155550100", "wait": "2s"}, timeout=5).json()[
        "messages"
    ][0]["code"]
    verified = requests.post(url + "/api/auth/verify-code", json={"phone_number": "+14155550100", "code": code}, timeout=5)
    assert verified.status_code == 200
    body = verified.json()
    assert body["authenticated"] is True and body["phone_number"] == "+14155550100"
    assert verified.headers["Cache-Control"] == "no-store"

    claims = jwt.decode(body["token"], SECRET, algorithms=["HS256"])
    assert claims["sub"] == "+14155550100"
    assert claims["type"] == "access"
    assert claims["exp"] - claims["iat"] == 86400
    assert {"iat", "nbf", "exp", "jti"} <= set(claims)
    assert jwt.get_unverified_header(body["token"])["alg"] == "HS256"
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(body["token"], "some-other-secret-of-32-bytes-or-more", algorithms=["HS256"])

    protected = requests.get(url + "/api/auth/protected", headers={"Authorization": "Bearer " + body["token"]}, timeout=5)
    assert protected.json() == {"message": "This is a protected route", "phone_number": "+14155550100"}

    forged = jwt.encode({**claims, "sub": "+19999999999"}, "attacker-key-attacker-key-attacker-key", algorithm="HS256", headers={"kid": "hs256-1"})
    refused = requests.get(url + "/api/auth/protected", headers={"Authorization": "Bearer " + forged}, timeout=5)
    assert refused.status_code == 401 and refused.headers["WWW-Authenticate"] == "Bearer"
    assert refused.json()["msg"] == "Signature verification failed"


def test_bad_configuration_stops_with_the_setting_named(tmp_path):
    env = dict(os.environ)
    env.update({"TWILIO_ACCOUNT_SID": "AC" + "a" * 32, "TWILIO_AUTH_TOKEN": "t", "SECRET_KEY": "short"})
    result = subprocess.run([auth_binary()], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=20)
    assert result.returncode == 2
    assert "TWILIO_VERIFY_SERVICE_SID" in result.stderr


def test_development_mode_without_an_emulator_stops_with_one_line(tmp_path):
    env = dict(os.environ)
    env.update({"TWILIO_VERIFY_BASE_URL": f"http://127.0.0.1:{free_port()}", "AUTH_SERVER_DEVELOPMENT": "1",
                "SECRET_KEY": SECRET, "PORT": str(free_port()), "TWILIO_TIMEOUT": "3"})
    result = subprocess.run([auth_binary()], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=20)
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("auth-server: cannot start: development mode needs the Verify API at http://127.0.0.1:")
    assert "Fatal error" not in result.stderr and "Backtrac" not in result.stderr


def login_binary() -> str:
    path = os.environ.get("AUTH_LOGIN_BIN", str(ROOT / ".build" / "debug" / "auth-login"))
    if not os.access(path, os.X_OK):
        pytest.fail(f"auth-login binary not found at {path}; run swift build first")
    return path


def read_until(stream, marker: bytes, timeout: float = 10.0) -> bytes:
    """Reads a prompt that does not end a line."""
    import select

    seen = b""
    deadline = time.monotonic() + timeout
    while marker not in seen:
        ready, _, _ = select.select([stream], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            raise AssertionError(f"timed out waiting for {marker!r}; got {seen!r}")
        chunk = os.read(stream.fileno(), 4096)
        if not chunk:
            raise AssertionError(f"stream closed before {marker!r}; got {seen!r}")
        seen += chunk
    return seen


def test_command_line_login_client(stack):
    emulator, url = stack
    process = subprocess.Popen(
        [login_binary(), "--server", url], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    read_until(process.stdout, b"Phone number")
    process.stdin.write(b"+1 415 555 0177\n")
    process.stdin.flush()
    read_until(process.stdout, b"Code: ")
    code = emulator.messages(to="+14155550177")[0]["code"]
    process.stdin.write(code.encode() + b"\n")
    process.stdin.flush()
    out, err = process.communicate(timeout=20)
    text = out.decode()
    assert process.returncode == 0, err.decode()
    assert "sub: +14155550177" in text
    assert "type: access" in text
    assert 'GET /api/auth/protected -> 200 {"message":"This is a protected route","phone_number":"+14155550177"}' in text


def test_disable_account_command_on_a_running_server(tmp_path):
    emulator, url, process, log = start_stack(tmp_path)
    try:
        requests.post(url + "/api/accounts/register", json={
            "username": "mallory", "email": "mallory@example.com", "password": "correct-horse-battery"},
            timeout=10).raise_for_status()
        credentials = {"login": "mallory", "password": "correct-horse-battery"}
        token = requests.post(url + "/api/accounts/login", json=credentials, timeout=10).json()["access_token"]

        env = {"PATH": os.environ.get("PATH", ""), "DATABASE_PATH": str(tmp_path / "auth-server.sqlite")}
        done = subprocess.run([auth_binary(), "disable-account", "mallory"], env=env, capture_output=True, timeout=30)
        assert done.returncode == 0, done.stderr
        assert b"disabled account mallory" in done.stdout
        # the same service as the admin API's: in the audit log as the command's doing
        import sqlite3
        with sqlite3.connect(tmp_path / "auth-server.sqlite") as db:
            recorded = db.execute("SELECT actor, ip FROM audit_event WHERE type = 'account.disabled'").fetchall()
        assert recorded == [("command", None)], recorded
        refused = requests.post(url + "/api/accounts/login", json=credentials, timeout=10)
        assert refused.status_code == 403
        assert refused.json()["message"] == "This account is disabled"
        protected = requests.get(url + "/api/auth/protected", headers={"Authorization": f"Bearer {token}"}, timeout=5)
        assert protected.status_code == 401

        unknown = subprocess.run([auth_binary(), "disable-account", "nobody"], env=env, capture_output=True, timeout=30)
        assert unknown.returncode == 1
        assert b"no account nobody" in unknown.stderr
        usage = subprocess.run([auth_binary(), "frobnicate"], env=env, capture_output=True, timeout=30)
        assert usage.returncode == 64
        assert b"usage: auth-server" in usage.stderr

        enabled = subprocess.run([auth_binary(), "enable-account", "mallory@example.com"], env=env,
                                 capture_output=True, timeout=30)
        assert enabled.returncode == 0
        assert requests.post(url + "/api/accounts/login", json=credentials, timeout=10).status_code == 200
    finally:
        stop_stack(emulator, process, log)


def test_the_shipped_env_example_runs_development_mode(tmp_path):
    emulator = Emulator(str(tmp_path / "emulator.sqlite"))
    try:
        shutil.copy(ROOT / ".env.example", tmp_path / ".env")
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "AUTH_"))}
        env.pop("SECRET_KEY", None)
        env.update({"PORT": str(port), "TWILIO_VERIFY_BASE_URL": emulator.url})
        log = open(tmp_path / "auth.log", "wb")
        process = subprocess.Popen([auth_binary()], cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline and process.poll() is None:
                try:
                    if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=0.5).status_code == 200:
                        break
                except requests.ConnectionError:
                    time.sleep(0.05)
            assert process.poll() is None, (tmp_path / "auth.log").read_text()
            assert "development mode" in (tmp_path / "auth.log").read_text()
        finally:
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=10) == 0
            log.close()
    finally:
        assert emulator.stop() == 0


def test_an_unreadable_env_file_stops_with_its_line(tmp_path):
    (tmp_path / ".env").write_text("PORT=8000\nthis is not a setting\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "AUTH_"))}
    result = subprocess.run([auth_binary()], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=20)
    assert result.returncode == 2
    assert result.stderr.strip() == "auth-server: cannot start: .env line 2: expected NAME=value"


def test_command_line_login_for_scripts_prints_only_the_token(tmp_path):
    emulator, url, process, log = start_stack(tmp_path)
    try:
        emulator.fixed_code("246810")
        result = subprocess.run(
            [login_binary(), "--server", url, "--phone", "+14155550188", "--code", "246810", "--print-token"],
            capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
        assert result.returncode == 0, result.stderr
        token = result.stdout.strip()
        assert result.stdout == token + "\n" and token.count(".") == 2
        assert "✓" in result.stderr, "progress goes to standard error"
        answer = requests.get(url + "/api/auth/protected", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 200 and answer.json()["phone_number"] == "+14155550188"
        wrong = subprocess.run(
            [login_binary(), "--server", url, "--phone", "+14155550189", "--code", "111111", "--print-token"],
            capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
        assert wrong.returncode == 1 and wrong.stdout == ""
        assert "✗ verifying failed (400): Invalid verification code" in wrong.stderr
    finally:
        stop_stack(emulator, process, log)


def test_command_line_login_with_a_password_and_an_authenticator_app(tmp_path):
    import pyotp

    emulator, url, process, log = start_stack(tmp_path, {"BCRYPT_COST": "4"})
    try:
        password = "correct-horse-battery"
        assert requests.post(url + "/api/accounts/register", json={
            "username": "nils", "email": "nils@example.com", "password": password}).status_code == 201
        env = dict(os.environ, AUTH_LOGIN_PASSWORD=password)
        plain = subprocess.run([login_binary(), "--server", url, "--user", "nils", "--print-token"],
                               capture_output=True, text=True, timeout=60, env=env, stdin=subprocess.DEVNULL)
        assert plain.returncode == 0, plain.stderr
        token = plain.stdout.strip()
        # an authenticator app on the account
        started = requests.post(url + "/api/accounts/2fa/totp", json={"current_password": password},
                                headers={"Authorization": f"Bearer {token}"}).json()
        app = pyotp.TOTP(started["secret"])
        at = emulator.clock()["epoch_ms"] / 1000
        assert requests.post(url + "/api/accounts/2fa/totp/verify", json={"code": app.at(at)},
                             headers={"Authorization": f"Bearer {token}"}).status_code == 200
        emulator.advance_clock(30)   # the next step's code: each step's code is taken once
        code = app.at(emulator.clock()["epoch_ms"] / 1000)
        second = subprocess.run(
            [login_binary(), "--server", url, "--user", "nils", "--method", "totp", "--code", code],
            capture_output=True, text=True, timeout=60, env=env, stdin=subprocess.DEVNULL)
        assert second.returncode == 0, second.stderr
        assert "✓ Password accepted; second factor: totp" in second.stdout
        assert "GET /api/auth/protected -> 200 {" in second.stdout
        assert '"message":"This is a protected route","username":"nils"}' in second.stdout
        wrong = subprocess.run([login_binary(), "--server", url, "--user", "nils", "--code", "000000"],
                               capture_output=True, text=True, timeout=60,
                               env=dict(os.environ, AUTH_LOGIN_PASSWORD="not-it"), stdin=subprocess.DEVNULL)
        assert wrong.returncode == 1 and "✗ logging in failed (401)" in wrong.stderr
    finally:
        stop_stack(emulator, process, log)


def test_command_line_login_names_the_url_it_could_not_reach():
    result = subprocess.run([login_binary(), "--server", "http://127.0.0.1:9", "--phone", "+14155550100"],
                            capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert result.returncode == 1
    assert result.stderr == "✗ cannot reach the auth server at http://127.0.0.1:9: connection refused\n"
    both = subprocess.run([login_binary(), "--phone", "+1", "--user", "x"], capture_output=True, text=True)
    assert both.returncode == 64 and "--phone and --user are two ways to log in" in both.stderr
    method = subprocess.run([login_binary(), "--user", "x", "--method", "sms-code"], capture_output=True, text=True)
    assert method.returncode == 64 and "--method 'sms-code': must be totp, sms, push or recovery" in method.stderr


def test_production_without_allowed_countries_warns_once_and_a_choice_silences_it(tmp_path):
    """SMS pumping costs money: a production start that never said where codes may go names the
    risk in one log line; `*` (every country, chosen) or a list says nothing. So does a webhook
    URL over plain HTTP, and an https:// one says nothing."""
    from conftest import ACCOUNT_SID, AUTH_TOKEN, start_auth_server

    emulator = Emulator(str(tmp_path / "emulator.sqlite"), args=["--account-sid", ACCOUNT_SID, "--auth-token", AUTH_TOKEN])
    try:
        service = emulator.client().verify.v2.services.create(friendly_name="Production")
        production = {"TWILIO_VERIFY_BASE_URL": emulator.url, "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
                      "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "TWILIO_VERIFY_SERVICE_SID": service.sid,
                      "AUTH_SERVER_DEVELOPMENT": "0", "DATABASE_PATH": str(tmp_path / "auth.sqlite")}
        secret = "whsec_" + "A" * 43 + "="
        for name, countries, warned in (("unset", None, True), ("every", "*", False), ("listed", "US,CA", False)):
            env = dict(production)
            if countries:
                env["SMS_ALLOWED_COUNTRIES"] = countries
            # a webhook over plain HTTP is named once too (events are signed, but readable on the way)
            env.update({"WEBHOOK_URL": f"{'http' if warned else 'https'}://127.0.0.1:9/hooks", "WEBHOOK_SECRET": secret})
            url, process, log = start_auth_server(tmp_path, env, name=name)
            assert "development mode" not in (tmp_path / f"{name}.log").read_text()
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=10) == 0
            log.close()
            text = (tmp_path / f"{name}.log").read_text()
            assert text.count("SMS_ALLOWED_COUNTRIES is not set") == (1 if warned else 0), text
            assert text.count("WEBHOOK_URL is http://") == (1 if warned else 0), text
    finally:
        assert emulator.stop() == 0


def test_review_numbers_are_listed_at_start_without_their_codes(tmp_path):
    emulator, url, process, log = start_stack(
        tmp_path, {"TEST_PHONE_NUMBERS": "+15555550100:424242,+447700900123:135790"})
    try:
        sent = requests.post(url + "/api/auth/send-verification", json={"phone_number": "+15555550100"}, timeout=5)
        assert sent.status_code == 200, sent.text
        checked = requests.post(url + "/api/auth/verify-code",
                                json={"phone_number": "+15555550100", "code": "424242"}, timeout=5)
        assert checked.status_code == 200 and checked.json()["token"]
        assert emulator.messages(to="+15555550100") == []
    finally:
        stop_stack(emulator, process, log)
    text = (tmp_path / "auth.log").read_text()
    assert "+15555550100, +447700900123" in text, text
    assert "424242" not in text and "135790" not in text


def test_signed_webhooks_verify_with_standardwebhooks_and_a_failed_delivery_is_retried(tmp_path):
    """Security events reach a receiver as Standard Webhooks that the `standardwebhooks` library from
    PyPI verifies with the secret; a receiver that fails once gets the same message again (same
    `webhook-id`), and the admin API shows the delivery and its attempts."""
    import base64
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from standardwebhooks import Webhook

    secret = "whsec_" + base64.b64encode(os.urandom(32)).decode()
    received, lock = [], threading.Lock()

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            with lock:
                received.append((dict(self.headers), body))
                first_of_its_id = sum(1 for h, _ in received if h["webhook-id"] == self.headers["webhook-id"]) == 1
            # the first delivery of login.succeeded fails: it must come again
            failing = first_of_its_id and json.loads(body)["type"] == "login.succeeded"
            self.send_response(500 if failing else 204)
            self.end_headers()

        def log_message(self, *args):
            pass

    receiver = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    admin = "adm-" + base64.b16encode(os.urandom(20)).decode()
    emulator, url, process, log = start_stack(tmp_path, {
        "WEBHOOK_URL": f"http://127.0.0.1:{receiver.server_address[1]}/hooks/auth",
        "WEBHOOK_SECRET": secret, "WEBHOOK_EVENTS": "login.succeeded,account.deleted,code.sent",
        "ADMIN_TOKEN": admin})
    try:
        phone = "+14155550170"
        tokens = login(emulator, url, phone)
        deleted = requests.delete(url + "/api/auth/me", headers={"Authorization": f"Bearer {tokens['token']}"},
                                  json={}, timeout=5)
        assert deleted.status_code == 403 and "send-verification" in deleted.text
        requests.post(url + "/api/auth/send-verification", json={"phone_number": phone}, timeout=5).raise_for_status()
        code = emulator.messages(to=phone)[0]["code"]
        deleted = requests.delete(url + "/api/auth/me", headers={"Authorization": f"Bearer {tokens['token']}"},
                                  json={"code": code}, timeout=5)
        assert deleted.status_code == 200, deleted.text

        deadline = time.time() + 20
        while time.time() < deadline:
            with lock:
                types = [json.loads(body)["type"] for _, body in received]
            if types.count("login.succeeded") >= 2 and "account.deleted" in types and types.count("code.sent") >= 2:
                break
            time.sleep(0.2)
        assert types.count("login.succeeded") == 2, types
        verifier = Webhook(secret)
        for headers, body in received:
            event = verifier.verify(body, headers)
            assert event["type"] in {"login.succeeded", "account.deleted", "code.sent"}
            assert event["data"]["subject"] == phone and event["timestamp"].endswith("Z")
        retried = [h["webhook-id"] for h, b in received if json.loads(b)["type"] == "login.succeeded"]
        assert retried[0] == retried[1]
        # a body changed on the way, or another secret, does not verify
        headers, body = received[0]
        with pytest.raises(Exception):
            verifier.verify(body.replace(b"+1415", b"+1416"), headers)
        with pytest.raises(Exception):
            Webhook("whsec_" + base64.b64encode(os.urandom(32)).decode()).verify(body, headers)

        shown = requests.get(url + "/api/admin/webhooks", headers={"Authorization": f"Bearer {admin}"}, timeout=5)
        assert shown.status_code == 200
        deliveries = {d["message_id"]: d for d in shown.json()["deliveries"]}
        assert deliveries[retried[0]]["status"] == "delivered" and deliveries[retried[0]]["attempts"] == 2
        assert deliveries[retried[0]]["last_status"] in (204, None)
        audit = requests.get(url + "/api/admin/audit", params={"subject": phone}, headers={
            "Authorization": f"Bearer {admin}"}, timeout=5).json()["events"]
        assert [e["type"] for e in audit][:2] == ["account.deleted", "code.sent"]
    finally:
        stop_stack(emulator, process, log)
        receiver.shutdown()
