"""What operators and CI scripts run beside the servers: --version and healthcheck."""
import os
import re
import sqlite3
import subprocess

from conftest import ROOT, Emulator, auth_binary, binary, free_port, start_stack, stop_stack
from test_auth_server import login_binary

VERSION = (ROOT / "VERSION").read_text().strip()


def run(command, env=None, timeout=30):
    environment = dict(os.environ)
    environment.update(env or {})
    return subprocess.run(command, capture_output=True, text=True, env=environment, timeout=timeout, cwd=ROOT)


def test_every_executable_prints_its_version_and_commit():
    for name, path in [("verify-emulator", binary()), ("auth-server", auth_binary()), ("auth-login", login_binary())]:
        result = run([path, "--version"])
        assert result.returncode == 0, result.stderr
        match = re.fullmatch(rf"{name} (\S+) \(commit (\w+)\)\n", result.stdout)
        assert match, result.stdout
        assert match.group(1) == VERSION
        commit = match.group(2)
        if (ROOT / ".git").exists():
            assert re.fullmatch(r"[0-9a-f]{12}", commit), commit
            known = run(["git", "-C", str(ROOT), "cat-file", "-e", commit + "^{commit}"])
            assert known.returncode == 0, f"{commit} is not a commit of this repository"


def test_emulator_healthcheck_reads_the_servers_settings(tmp_path):
    db = str(tmp_path / "health.sqlite")
    running = Emulator(db, args=["--host", "0.0.0.0"])
    env = {"VERIFY_EMULATOR_HOST": "0.0.0.0", "VERIFY_EMULATOR_PORT": str(running.port)}
    try:
        ready = run([binary(), "healthcheck"], env=env)
        assert ready.returncode == 0, ready.stderr
        assert ready.stdout == f"ready: http://127.0.0.1:{running.port}/readyz\n"

        # another process holds the write lock: the emulator is up but not ready
        other = sqlite3.connect(db, timeout=0, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            locked = run([binary(), "healthcheck", "--timeout", "20"], env=env)
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert locked.returncode == 1
        assert locked.stderr.startswith(
            f"verify-emulator: not ready: http://127.0.0.1:{running.port}/readyz answered 503: "), locked.stderr
        assert locked.stderr.count("\n") == 1
        assert run([binary(), "healthcheck"], env=env).returncode == 0
    finally:
        assert running.stop() == 0
    gone = run([binary(), "healthcheck", "--port", str(running.port)])
    assert gone.returncode == 1
    assert gone.stderr == (
        f"verify-emulator: not ready: cannot reach http://127.0.0.1:{running.port}/readyz: connection refused\n")


def test_emulator_healthcheck_refuses_a_bad_port_naming_it():
    for args, env, named in [
        (["--port", "0"], {}, "--port 0"),
        (["--port", "70000"], {}, "--port 70000"),
        ([], {"VERIFY_EMULATOR_PORT": "40x"}, "VERIFY_EMULATOR_PORT='40x'"),
        (["--prot", "1"], {}, "Unknown option '--prot'"),
    ]:
        result = run([binary(), "healthcheck", *args], env=env)
        assert result.returncode == 64, (args, result.stderr)
        assert named in result.stderr.splitlines()[0], result.stderr


def test_auth_server_healthcheck_reads_host_and_port_from_env_and_dotenv(tmp_path):
    emulator, url, process, log = start_stack(tmp_path)
    port = url.rsplit(":", 1)[1]
    try:
        ready = run([auth_binary(), "healthcheck"], env={"PORT": port, "HOST": "0.0.0.0"})
        assert ready.returncode == 0, ready.stderr
        assert ready.stdout == f"ready: http://127.0.0.1:{port}/readyz\n"
        # from a .env in the working directory, as the server reads it
        (tmp_path / ".env").write_text(f"PORT={port}\n")
        environment = {k: v for k, v in os.environ.items() if k not in ("PORT", "HOST")}
        from_file = subprocess.run(
            [auth_binary(), "healthcheck"], capture_output=True, text=True, env=environment, cwd=tmp_path, timeout=30)
        assert from_file.returncode == 0, from_file.stderr
    finally:
        stop_stack(emulator, process, log)
    gone = run([auth_binary(), "healthcheck"], env={"PORT": port})
    assert gone.returncode == 1
    assert gone.stderr == f"auth-server: not ready: cannot reach http://127.0.0.1:{port}/readyz: connection refused\n"
    bad = run([auth_binary(), "healthcheck"], env={"PORT": "eighty"})
    assert bad.returncode == 2
    assert bad.stderr == "auth-server: healthcheck: PORT: must be a whole number from 1 to 65535\n"
    unused = free_port()
    assert run([auth_binary(), "healthcheck"], env={"PORT": str(unused)}).returncode == 1


def test_docker_health_checks_use_the_subcommand_and_ports_stay_on_loopback(tmp_path):
    import yaml

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    ours = {name: service for name, service in compose["services"].items()
            if service.get("image") == "verify-emulator:local"}
    assert set(ours) == {"verify-emulator", "auth-server", "auth-server-a", "auth-server-b"}
    for name, service in compose["services"].items():
        for mapping in service.get("ports", []):
            assert mapping.startswith("127.0.0.1:"), f"{name} publishes {mapping} beyond loopback"
    # the no-code-change profile: the app names no emulator, reaches it as verify.twilio.com on the
    # TLS listener, and trusts the CA from the volume the emulator writes it to
    emulator_service = compose["services"]["verify-emulator"]
    assert emulator_service["networks"]["default"]["aliases"] == ["verify.twilio.com"]
    assert emulator_service["environment"]["VERIFY_EMULATOR_TLS_PORT"] == "443"
    assert "verify-emulator-ca:/ca" in emulator_service["volumes"]
    assert emulator_service["environment"]["VERIFY_EMULATOR_DATA_DIR"] == "/ca"
    app = compose["services"]["no-code-change-app"]
    assert "verify-emulator-ca:/ca:ro" in app["volumes"]
    assert app["environment"]["SSL_CERT_FILE"] == "/ca/ca-bundle.pem"
    assert not any("4010" in str(value) or "BASE_URL" in name for name, value in app["environment"].items())
    assert "emulator" not in (ROOT / "examples" / "no-code-change" / "send_code.py").read_text().split('"""', 2)[2]
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert 'HEALTHCHECK --interval=5s --timeout=4s CMD ["verify-emulator", "healthcheck"]' in dockerfile
    assert "\nUSER verify\n" in dockerfile

    # each service's health command, run with that service's environment (its port moved to a free one)
    running = Emulator(str(tmp_path / "compose.sqlite"), args=["--host", "0.0.0.0"])
    try:
        service = ours["verify-emulator"]
        assert service["healthcheck"]["test"] == ["CMD", "verify-emulator", "healthcheck"]
        env = {**service["environment"], "VERIFY_EMULATOR_PORT": str(running.port)}
        assert run([binary(), *service["healthcheck"]["test"][2:]], env=env).returncode == 0
    finally:
        running.stop()
    emulator, url, process, log = start_stack(tmp_path)
    try:
        for name in ["auth-server", "auth-server-a"]:
            service = ours[name]
            assert service["healthcheck"]["test"] == ["CMD", "auth-server", "healthcheck"]
            env = {**service["environment"], "PORT": url.rsplit(":", 1)[1]}
            result = run([auth_binary(), *service["healthcheck"]["test"][2:]], env=env)
            assert result.returncode == 0, (name, result.stderr)
    finally:
        stop_stack(emulator, process, log)


def json_lines(text):
    import json

    lines = [line for line in text.splitlines() if line.strip()]
    assert lines, "no output"
    parsed = []
    for line in lines:
        try:
            parsed.append(json.loads(line))
        except ValueError:
            raise AssertionError(f"not one JSON object: {line!r}")
    return parsed


def test_emulator_json_logs_name_each_code_and_each_refused_request(tmp_path):
    import requests

    running = Emulator(":memory:", args=["--log-format", "json", "--log-level", "debug"])
    try:
        auth = ("AC00000000000000000000000000000000", "emulator-auth-token")
        service = f"{running.url}/v2/Services/VA00000000000000000000000000000000"
        assert requests.post(f"{service}/Verifications", data={"To": "+15005550006", "Channel": "sms"},
                             auth=auth).status_code == 201
        assert requests.get(f"{service}/Verifications/VE{'0' * 32}", auth=auth).status_code == 404
        lines = json_lines(running.output())
    finally:
        running.stop()
    assert all({"time", "level", "label", "message"} <= set(line) for line in lines)
    banner = next(line for line in lines if line["message"].startswith("verify-emulator listening on"))
    assert banner["url"] == running.url and banner["accounts"] == ["AC00000000000000000000000000000000"]
    sent = next(line for line in lines if line.get("code"))
    assert sent["to"] == "+15005550006" and sent["channel"] == "sms" and re.fullmatch(r"\d{6}", sent["code"])
    assert sent["verification"].startswith("VE") and sent["level"] == "info"
    refused = next(line for line in lines if line.get("status") == "404" and "error_code" in line)
    assert refused["route"] == "/v2/Services/:service/Verifications/:verification"
    assert refused["error_code"] == "20404" and refused["twilio_request_id"].startswith("RQ")
    assert float(refused["duration_ms"]) >= 0 and refused["request_id"]
    # at debug every request has its line, with the route pattern
    started = [line for line in lines if line.get("route") == "/v2/Services/:service/Verifications"]
    assert started and started[0]["status"] == "201" and started[0]["level"] == "debug"


def test_text_logs_stay_as_they_were(tmp_path):
    running = Emulator(":memory:")
    try:
        import requests

        requests.post(f"{running.url}/v2/Services/VA00000000000000000000000000000000/Verifications",
                      data={"To": "+15005550006", "Channel": "sms"},
                      auth=("AC00000000000000000000000000000000", "emulator-auth-token"))
        output = running.output()
    finally:
        running.stop()
    line = next(line for line in output.splitlines() if "SMS to +15005550006: code" in line)
    assert " to=" not in line and " code=" not in line and "{" not in line
    assert "verify-emulator listening on" in output


def test_a_bad_log_format_stops_start_up_naming_it(tmp_path):
    result = run([binary(), "--log-format", "yaml", "--db", ":memory:"])
    assert result.returncode == 64
    assert "--log-format 'yaml': must be text or json" in result.stderr
    result = run([binary(), "--db", ":memory:"], env={"VERIFY_EMULATOR_LOG_FORMAT": "xml"})
    assert result.returncode == 64
    assert "VERIFY_EMULATOR_LOG_FORMAT='xml': must be text or json" in result.stderr
    result = run([auth_binary()], env={"LOG_FORMAT": "xml", "AUTH_SERVER_DEVELOPMENT": "1"})
    assert result.returncode == 2
    assert result.stderr == "auth-server: cannot start: LOG_FORMAT: must be text or json\n"


def test_auth_server_json_logs_every_line_one_object(tmp_path):
    emulator, url, process, log = start_stack(tmp_path, {"LOG_FORMAT": "json", "LOG_LEVEL": "debug"})
    try:
        import requests

        assert requests.post(f"{url}/api/auth/send-verification", json={"phone_number": "+14155550123"}
                             ).status_code == 200
        assert requests.get(f"{url}/api/auth/protected").status_code == 401
    finally:
        stop_stack(emulator, process, log)
    lines = json_lines((tmp_path / "auth.log").read_text())
    sent = next(line for line in lines if line.get("route") == "/api/auth/send-verification")
    assert sent["status"] == "200" and sent["method"] == "POST" and sent["request_id"]
    assert float(sent["duration_ms"]) > 0
    refused = next(line for line in lines if line.get("route") == "/api/auth/protected")
    assert refused["status"] == "401"
    # the auth server never logs a code
    assert not any("code" in line and re.search(r"\b\d{6}\b", str(line.get("code"))) for line in lines)
