"""clients/scenarios.json run with the Python helper (clients/python): the one behaviour every
language's helper shares (clients/node, clients/go run the same file in their own suites)."""
import base64
import json
import urllib.error
import urllib.parse
import urllib.request

import pytest
from verify_emulator import Emulator, EmulatorError

from conftest import ROOT

SCENARIOS = json.loads((ROOT / "clients" / "scenarios.json").read_text())


def wrong(code):
    """A code of the same length that differs from `code` in every digit."""
    return "".join(str((int(digit) + 1) % 10) for digit in code)


def verify(emulator, path, form):
    """An app's plain HTTP call to the Verify API, as the official SDKs make it."""
    credentials = base64.b64encode(f"{SCENARIOS['account_sid']}:{SCENARIOS['auth_token']}".encode()).decode()
    request = urllib.request.Request(
        f"{emulator.url}/v2/Services/{SCENARIOS['service_sid']}/{path}",
        data=urllib.parse.urlencode(form).encode(), method="POST",
        headers={"Authorization": "Basic " + credentials, "Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.mark.parametrize("scenario", SCENARIOS["scenarios"], ids=[s["name"] for s in SCENARIOS["scenarios"]])
def test_scenario(scenario):
    emulators = [Emulator.start() for _ in range(scenario.get("emulators", 1))]
    saved = {}

    def code_of(text):
        if text.startswith("$"):
            return saved[text[1:]]
        if text.startswith("!"):
            return wrong(saved[text[1:]])
        return text

    try:
        for step in scenario["steps"]:
            emulator = emulators[step.get("emulator", 0)]
            op = step["op"]
            if op in ("send", "check"):
                if op == "send":
                    status, body = verify(emulator, "Verifications", {"To": step["to"], "Channel": "sms"})
                    expected = (201, "pending")
                else:
                    status, body = verify(emulator, "VerificationCheck",
                                          {"To": step["to"], "Code": code_of(step["code"])})
                    expected = (200, step.get("status"))
                if "error" in step:
                    assert body.get("code") == step["error"], (step, status, body)
                else:
                    assert (status, body.get("status")) == expected, (step, status, body)
            elif op == "wait_for_code":
                saved[step["save"]] = emulator.wait_for_code(step["to"])
            elif op == "expect":
                assert saved[step["saved"]] == step["equals"], step
            elif op == "messages":
                assert len(emulator.messages(step["to"])) == step["count"], step
            elif op == "advance_clock":
                emulator.advance_clock(step["seconds"])
            elif op == "fixed_code":
                emulator.fixed_code(step["code"], to=step.get("to"))
            elif op == "clear_fixed_code":
                emulator.clear_fixed_code(to=step.get("to"))
            elif op == "fault":
                emulator.fault(step["endpoint"], error_code=step["error_code"], times=step.get("times"))
            elif op == "clear_faults":
                emulator.clear_faults()
            elif op == "reset":
                emulator.reset()
            elif op == "snapshot":
                emulator.snapshot(step["name"])
            elif op == "restore":
                if "refused" in step:
                    with pytest.raises(EmulatorError, match=f"answered {step['refused']}"):
                        emulator.restore(step["name"])
                else:
                    emulator.restore(step["name"])
            elif op == "delete_snapshot":
                emulator.delete_snapshot(step["name"])
            else:
                pytest.fail(f"unknown op {op}")
    finally:
        for emulator in emulators:
            emulator.stop()
