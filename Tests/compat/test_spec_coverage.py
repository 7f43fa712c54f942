"""Every operation of Twilio's Verify v2 description is emulated: each is called once, on real
resources, and none answers as a route the emulator does not have (404 "no route", or 405)."""
import json

import requests

from conftest import Emulator
from spec_resources import ACCOUNT_SID, AUTH_TOKEN, IDENTITY, SAFE_NUMBER, SERVICE, SPARE_IDENTITY, SPARE_SAFE_NUMBER, seed
from test_schemathesis import SPEC, operations


def test_all_57_operations_are_emulated(tmp_path):
    emulator = Emulator(str(tmp_path / "coverage.sqlite"), args=["--quiet"])
    try:
        seeded = seed(emulator.url)
        spec = json.loads(SPEC.read_text())
        # deletes last, so that every other operation meets its resources
        ordered = sorted(operations(), key=lambda op: op[0] == "DELETE")
        answered = {}
        for method, path in ordered:
            url = path.replace("{ServiceSid}", SERVICE).replace("{RateLimitSid}", seeded.rate_limit)
            url = url.replace("{ChallengeSid}", seeded.push_challenge).replace("{FormType}", "form-push")
            url = url.replace("{Country}", "GB" if method == "DELETE" else "CA")
            url = url.replace("{PhoneNumber}", (SPARE_SAFE_NUMBER if method == "DELETE" else SAFE_NUMBER).replace("+", "%2B"))
            url = url.replace("{Identity}", SPARE_IDENTITY if method == "DELETE" and path.endswith("{Identity}") else IDENTITY)
            url = url.replace("{Sid}", seeded.sid_for(method, path) or "")
            body = spec["paths"][path][method.lower()].get("requestBody", {}).get("content", {})
            kwargs = {"json": {}} if "application/json" in body else {"data": {}}
            response = requests.request(method, emulator.url + url, auth=(ACCOUNT_SID, AUTH_TOKEN), timeout=10, **kwargs)
            answered[f"{method} {path}"] = response.status_code
        log = requests.get(emulator.url + "/emulator/v1/requests", params={"limit": 1000}, timeout=5).json()["requests"]
        not_routed = [f"{entry['method']} {entry['path']}" for entry in log
                      if entry["status"] == 405 or (entry.get("hint") or "").startswith("no route")]
        assert not_routed == [], not_routed
        assert 405 not in answered.values(), answered
        assert len(answered) == 57, answered
    finally:
        assert emulator.stop() == 0
