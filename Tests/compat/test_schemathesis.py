"""schemathesis against the emulator with Twilio's own OpenAPI file: all 57 operations, bounded,
with no server error and no response that violates Twilio's schema."""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import requests

from conftest import ROOT, Emulator
from spec_resources import ACCOUNT_SID, AUTH_TOKEN, IDENTITY, SAFE_NUMBER, SERVICE, SPARE_IDENTITY, SPARE_SAFE_NUMBER, seed

SPEC = ROOT / "Tests" / "Fixtures" / "twilio-oai" / "twilio_verify_v2.json"
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "20"))


def operations():
    """Every (method, path) of the description."""
    spec = json.loads(SPEC.read_text())
    return [(method.upper(), path) for path, item in spec["paths"].items()
            for method in item if method in ("get", "post", "delete")]


def test_schemathesis_finds_no_server_error_and_no_schema_violation(tmp_path):
    # no send limit, so that thousands of generated starts are not all 429s
    emulator = Emulator(str(tmp_path / "emulator.sqlite"), args=["--quiet", "--max-send-attempts", "0"])
    try:
        seeded = seed(emulator.url)
        config = (
            f'[parameters]\n"path.ServiceSid" = "{SERVICE}"\n"path.RateLimitSid" = "{seeded.rate_limit}"\n'
            f'"path.Identity" = "{IDENTITY}"\n"path.ChallengeSid" = "{seeded.push_challenge}"\n'
            f'"path.FormType" = "form-push"\n\n'
            # the two checks, set here rather than by --checks so one operation can drop one
            + '[checks]\nenabled = false\nnot_a_server_error.enabled = true\n'
            + 'response_schema_conformance.enabled = true\n\n')
        for method, path in operations():
            parameters = {}
            if sid := seeded.sid_for(method, path):
                parameters["path.Sid"] = sid
            if path.endswith("{PhoneNumber}"):
                parameters["path.PhoneNumber"] = SPARE_SAFE_NUMBER if method == "DELETE" else SAFE_NUMBER
            if path.endswith("{Country}"):
                parameters["path.Country"] = "GB" if method == "DELETE" else "CA"
            if method == "DELETE" and path.endswith("/Entities/{Identity}"):
                parameters["path.Identity"] = SPARE_IDENTITY
            if parameters:
                values = ", ".join(f'"{key}" = "{value}"' for key, value in parameters.items())
                config += f'[[operations]]\ninclude-name = "{method} {path}"\nparameters = {{ {values} }}\n\n'
        # a usernameless passkeys challenge names no entity: Twilio's examples show "" there, its
        # schema a SID or null; the emulator answers as the examples do
        config += ('[[operations]]\ninclude-name = "POST /v2/Services/{ServiceSid}/Passkeys/Challenges"\n'
                   'checks.response_schema_conformance.enabled = false\n\n')
        (tmp_path / "schemathesis.toml").write_text(config)
        command = [
            str(Path(sys.executable).with_name("schemathesis")), "--config-file", str(tmp_path / "schemathesis.toml"),
            "run", str(SPEC), "--url", emulator.url, "--auth", f"{ACCOUNT_SID}:{AUTH_TOKEN}",
            # one worker: with two, hypothesis' lambda descriptions race in CPython's ast module
            # ("AST constructor recursion depth mismatch", a schemathesis runtime error, not ours)
            "--max-examples", str(MAX_EXAMPLES), "--workers", "1", "--no-color",
        ] + (["--seed", os.environ["SCHEMATHESIS_SEED"]] if os.environ.get("SCHEMATHESIS_SEED") else [])
        result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=900)
        (tmp_path / "schemathesis.out").write_text(result.stdout)
        errors = result.stdout[result.stdout.find("FAILURES"):][:6000] if "FAILURES" in result.stdout else ""
        summary = errors + result.stdout[-3000:]
        print(summary)
        assert result.returncode == 0, summary + result.stderr[-2000:]
        tested = re.search(r"Tested: (\d+)", result.stdout)
        assert tested and int(tested.group(1)) == len(operations()) == 57, "every operation was tested\n" + summary
        cases = re.search(r"(\d+) generated, (\d+) passed", result.stdout)
        assert cases and cases.group(1) == cases.group(2) and int(cases.group(1)) > 500, summary
        # the emulator survived it all
        assert requests.get(emulator.url + "/healthz", timeout=5).status_code == 200
        assert "Fatal error" not in emulator.output()

        # and the run can fail: with a fault making the services list answer 500, it does
        fault = requests.post(emulator.url + "/emulator/v1/faults", json={"endpoint": "services", "error": {"code": 20500}}, timeout=5)
        assert fault.status_code == 201, fault.text
        faulted = subprocess.run(
            command[:command.index("--max-examples")] + [
                "--include-name", "GET /v2/Services", "--checks", "not_a_server_error", "--max-examples", "3",
                "--phases", "examples,fuzzing", "--no-color"],
            cwd=tmp_path, capture_output=True, text=True, timeout=300)
        assert faulted.returncode != 0, faulted.stdout[-2000:]
        assert "Server error" in faulted.stdout, faulted.stdout[-2000:]
    finally:
        assert emulator.stop() == 0
