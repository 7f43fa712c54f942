"""The OpenAPI descriptions both servers serve of their own APIs (the emulator's control API at
/emulator/v1/openapi.json, the auth server's JSON API at /openapi.json), kept true: they
validate with openapi-spec-validator, and a bounded schemathesis run against each finds no
server error and no response that violates them. (Both servers refuse to start when a route
and the description disagree, so every route is in it.)"""
import copy
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import requests
from openapi_spec_validator import validate

from conftest import ROOT, Emulator, start_auth_server
from openapi_hooks import LOGIN, PHONE

VERSION = (ROOT / "VERSION").read_text().strip()
MAX_EXAMPLES = os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "20")
# "no server error and no response that violates the description": the status, the content
# type, the headers and the body of every answer; and a method a path does not take is a 405
CHECKS = ("not_a_server_error,status_code_conformance,content_type_conformance,"
          "response_headers_conformance,response_schema_conformance,unsupported_method")
HOOKS = Path(__file__).with_name("openapi_hooks.py")
# the admin API is exercised too; the run's random account ids and filters meet its 404s and 400s
ADMIN_TOKEN = "openapi-admin-" + os.urandom(16).hex()


def schemathesis(tmp_path, document, url, *args, env=None):
    """Runs schemathesis on `document` (written to a file) against `url`; (returncode, output)."""
    spec = tmp_path / f"openapi-{abs(hash(json.dumps(document, sort_keys=True)))}.json"
    spec.write_text(json.dumps(document))
    environment = dict(os.environ, SCHEMATHESIS_HOOKS="openapi_hooks", PYTHONPATH=str(HOOKS.parent), **(env or {}))
    command = [str(Path(sys.executable).with_name("schemathesis")), "run", str(spec), "--url", url,
               "--checks", CHECKS, "--workers", "1", "--no-color", *args]
    if os.environ.get("SCHEMATHESIS_SEED"):
        command += ["--seed", os.environ["SCHEMATHESIS_SEED"]]
    result = subprocess.run(command, cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=900)
    output = result.stdout + result.stderr
    (tmp_path / "schemathesis.out").write_text(output)
    return result.returncode, output


def summary(output):
    failures = output[output.find("FAILURES"):][:6000] if "FAILURES" in output else ""
    return failures + output[-2500:]


METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def operations(document):
    """Every operation; a path's shared `parameters` are not one."""
    return [f"{method.upper()} {path}" for path, item in document["paths"].items() for method in item
            if method in METHODS]


def assert_clean_run(returncode, output, expected_operations):
    assert returncode == 0, summary(output)
    tested = re.search(r"Tested: (\d+)", output)
    assert tested and int(tested.group(1)) == expected_operations, "every operation was tested\n" + summary(output)
    cases = re.search(r"(\d+) generated, (\d+) passed", output)
    assert cases and cases.group(1) == cases.group(2) and int(cases.group(1)) > 300, summary(output)


def test_the_control_api_description_validates_and_schemathesis_finds_nothing(tmp_path):
    emulator = Emulator(str(tmp_path / "emulator.sqlite"), args=["--quiet"])
    try:
        answer = requests.get(emulator.url + "/emulator/v1/openapi.json", timeout=5)
        assert answer.status_code == 200 and answer.headers["Content-Type"] == "application/json"
        document = answer.json()
        validate(document)
        assert document["openapi"] == "3.1.0" and document["info"]["version"] == VERSION
        described = operations(document)
        for operation in ["GET /emulator/v1/messages", "POST /emulator/v1/clock", "POST /emulator/v1/faults",
                          "POST /emulator/v1/snapshots/{name}/restore", "GET /readyz", "GET /metrics"]:
            assert operation in described, operation
        # the event stream never ends, so it is the one operation not run
        returncode, output = schemathesis(
            tmp_path, document, emulator.url, "--exclude-path", "/emulator/v1/events", "--max-examples", MAX_EXAMPLES)
        print(summary(output))
        assert_clean_run(returncode, output, len(described) - 1)
        assert requests.get(emulator.url + "/readyz", timeout=5).status_code == 200
        assert "Fatal error" not in emulator.output()

        # and the run can fail: a description that says the clock's epoch_ms is a string is caught
        lying = copy.deepcopy(document)
        lying["components"]["schemas"]["Clock"]["properties"]["epoch_ms"] = {"type": "string"}
        returncode, output = schemathesis(
            tmp_path, lying, emulator.url, "--include-path", "/emulator/v1/clock", "--include-method", "GET",
            "--max-examples", "3")
        assert returncode != 0, summary(output)
        assert "Response violates schema" in output, summary(output)
    finally:
        assert emulator.stop() == 0


def test_the_auth_api_description_validates_and_schemathesis_finds_nothing(tmp_path):
    emulator = Emulator(str(tmp_path / "emulator.sqlite"), args=["--quiet"])
    # the hooks log the test account in again after every 401: their logins must not be refused
    # by the per-IP login limit; every other limit is as deployed, so 429s are part of the run
    url, process, log = start_auth_server(tmp_path, {
        "TWILIO_VERIFY_BASE_URL": emulator.url, "LOGIN_LIMIT_PER_IP": "100000", "LOGIN_LIMIT_PER_ACCOUNT": "100000",
        "PUSH_LOGIN": "1", "PASSKEYS_RP_ID": "localhost", "PASSKEYS_ORIGINS": "http://localhost:8080",
        "TEST_PHONE_NUMBERS": f"{PHONE['phone_number']}:{PHONE['code']}", "VERIFY_LIMIT_PER_PHONE": "100000",
        # an OpenID Connect provider, so the admin API's client registrations are fuzzed too
        "ADMIN_TOKEN": ADMIN_TOKEN, "ISSUER": "http://127.0.0.1:9"})
    try:
        answer = requests.get(url + "/openapi.json", timeout=5)
        assert answer.status_code == 200 and answer.headers["Content-Type"] == "application/json"
        document = answer.json()
        validate(document)
        assert document["info"]["version"] == VERSION
        described = operations(document)
        for operation in ["POST /api/auth/send-verification", "POST /api/accounts/login", "GET /api/accounts/me",
                          "POST /api/accounts/2fa/totp", "GET /.well-known/jwks.json", "GET /readyz"]:
            assert operation in described, operation
        assert not [operation for operation in described if operation.split(" ")[1] in ("/", "/login", "/account")]
        registered = requests.post(url + "/api/accounts/register", json={
            "username": LOGIN["login"], "email": "openapi@example.com", "password": LOGIN["password"]}, timeout=10)
        assert registered.status_code == 201, registered.text

        returncode, output = schemathesis(
            tmp_path, document, url, "--max-examples", MAX_EXAMPLES,
            env={"OPENAPI_AUTH_URL": url, "OPENAPI_ADMIN_TOKEN": ADMIN_TOKEN})
        print(summary(output))
        assert_clean_run(returncode, output, len(described))
        # the signed-in routes were reached with a live token, not only refused
        assert "Authentication failed" not in output, summary(output)
        assert requests.get(url + "/readyz", timeout=5).status_code == 200
        assert "Fatal error" not in log_path(tmp_path).read_text()

        # and the run can fail: a description that leaves out the 401 of /api/accounts/me is caught
        lying = copy.deepcopy(document)
        del lying["paths"]["/api/accounts/me"]["get"]["responses"]["401"]
        returncode, output = schemathesis(
            tmp_path, lying, url, "--include-path", "/api/accounts/me", "--max-examples", "5")
        assert returncode != 0, summary(output)
        assert "Undocumented status code" in output, summary(output)
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()
        assert emulator.stop() == 0


def log_path(tmp_path):
    return Path(tmp_path) / "auth.log"
