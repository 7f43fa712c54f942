"""schemathesis against the emulator with Twilio's own OpenAPI file: every operation the emulator
implements, bounded, with no server error and no response that violates Twilio's schema."""
import os
import re
import subprocess
import sys
from pathlib import Path

import pyotp
import requests

from conftest import ROOT, Emulator

SPEC = ROOT / "Tests" / "Fixtures" / "twilio-oai" / "twilio_verify_v2.json"
SERVICE = "VA00000000000000000000000000000000"
# the account an emulator without fixtures accepts
ACCOUNT_SID, AUTH_TOKEN = "AC" + "0" * 32, "emulator-auth-token"
# the operations the emulator implements: services, verifications, checks, rate limits, buckets
IMPLEMENTED = (
    r"^/v2/Services(/\{Sid\})?$|^/v2/Services/\{ServiceSid\}/(Verifications.*|VerificationCheck|RateLimits.*"
    r"|Entities(/\{Identity\}(/(Factors|Challenges)(/\{Sid\})?)?)?|Entities/\{Identity\}/Challenges/\{ChallengeSid\}/Notifications"
    r"|AccessTokens(/\{Sid\})?|Webhooks(/\{Sid\})?|Passkeys/(Factors|VerifyFactor|Challenges|ApproveChallenge))$")
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
IDENTITY, SPARE_IDENTITY = "ff483d1f-f4d0-4fd5-8e9f-3f1c6b9b0f1a", "0a1b2c3d-spare-entity"
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "20"))


def create(emulator, path, **form):
    response = requests.post(emulator.url + path, data=form, auth=(ACCOUNT_SID, AUTH_TOKEN), timeout=5)
    assert response.status_code == 201, response.text
    return response.json()["sid"]


def test_schemathesis_finds_no_server_error_and_no_schema_violation(tmp_path):
    # no send limit, so that thousands of generated starts are not all 429s
    emulator = Emulator(str(tmp_path / "emulator.sqlite"), args=["--quiet", "--max-send-attempts", "0"])
    try:
        # Resources for the path parameters, so that operations meet real rows and not only 404s;
        # each DELETE gets a spare one of its own, so the others keep theirs.
        spare_service = create(emulator, "/v2/Services", FriendlyName="Spare")
        # a relying party, so that generated passkeys factors and challenges can be created
        configured = requests.post(
            emulator.url + f"/v2/Services/{SERVICE}", auth=(ACCOUNT_SID, AUTH_TOKEN), timeout=5,
            data={"Passkeys.RelyingParty.Id": "example.com", "Passkeys.RelyingParty.Name": "Example",
                  "Passkeys.RelyingParty.Origins": "https://example.com"})
        assert configured.status_code == 200, configured.text
        rate_limit = create(emulator, f"/v2/Services/{SERVICE}/RateLimits", UniqueName="keep")
        spare_rate_limit = create(emulator, f"/v2/Services/{SERVICE}/RateLimits", UniqueName="spare")
        buckets = f"/v2/Services/{SERVICE}/RateLimits/{rate_limit}/Buckets"
        bucket = create(emulator, buckets, Max="10", Interval="60")
        spare_bucket = create(emulator, buckets, Max="10", Interval="60")
        verification = create(emulator, f"/v2/Services/{SERVICE}/Verifications", To="+15005550006", Channel="sms")
        entity = f"/v2/Services/{SERVICE}/Entities/{IDENTITY}"
        factor = create(emulator, entity + "/Factors", FactorType="totp", FriendlyName="phone", **{"Binding.Secret": SECRET})
        verified = requests.post(emulator.url + entity + f"/Factors/{factor}", data={"AuthPayload": pyotp.TOTP(SECRET).now()},
                                 auth=(ACCOUNT_SID, AUTH_TOKEN), timeout=5)
        assert verified.json()["status"] == "verified", verified.text
        spare_factor = create(emulator, entity + "/Factors", FactorType="totp", FriendlyName="spare")
        create(emulator, f"/v2/Services/{SERVICE}/Entities", Identity=SPARE_IDENTITY)
        challenge = create(emulator, entity + "/Challenges", FactorSid=factor)
        # a verified push factor and a pending push challenge, for the Notifications operation
        from test_push_sdk import Phone
        phone = Phone()
        push_factor = create(
            emulator, entity + "/Factors", FactorType="push", FriendlyName="device",
            **{"Binding.Alg": "ES256", "Binding.PublicKey": phone.public_key, "Config.AppId": "com.example.app",
               "Config.NotificationPlatform": "none", "Config.SdkVersion": "2.2.2"})
        verified_push = requests.post(emulator.url + entity + f"/Factors/{push_factor}",
                                      data={"AuthPayload": phone.sign_der(push_factor)},
                                      auth=(ACCOUNT_SID, AUTH_TOKEN), timeout=5)
        assert verified_push.json()["status"] == "verified", verified_push.text
        push_challenge = create(emulator, entity + "/Challenges", FactorSid=push_factor,
                                **{"Details.Message": "Log in?"})
        access_token = create(emulator, f"/v2/Services/{SERVICE}/AccessTokens", Identity=IDENTITY, FactorType="push")
        hooks = f"/v2/Services/{SERVICE}/Webhooks"
        webhook = create(emulator, hooks, FriendlyName="w", EventTypes="*", WebhookUrl="http://127.0.0.1:9/w")
        spare_webhook = create(emulator, hooks, FriendlyName="s", EventTypes="*", WebhookUrl="http://127.0.0.1:9/s")

        def operation(name, sid):
            return f'[[operations]]\ninclude-name = "{name}"\nparameters = {{ "path.Sid" = "{sid}" }}\n\n'

        config = tmp_path / "schemathesis.toml"
        config.write_text(
            f'[parameters]\n"path.ServiceSid" = "{SERVICE}"\n"path.RateLimitSid" = "{rate_limit}"\n'
            f'"path.Identity" = "{IDENTITY}"\n"path.ChallengeSid" = "{push_challenge}"\n\n'
            # the two checks, set here rather than by --checks so one operation can drop one
            + '[checks]\nenabled = false\nnot_a_server_error.enabled = true\n'
            + 'response_schema_conformance.enabled = true\n\n'
            + operation("GET /v2/Services/{Sid}", SERVICE)
            + operation("POST /v2/Services/{Sid}", SERVICE)
            + operation("DELETE /v2/Services/{Sid}", spare_service)
            + operation("GET /v2/Services/{ServiceSid}/RateLimits/{Sid}", rate_limit)
            + operation("POST /v2/Services/{ServiceSid}/RateLimits/{Sid}", rate_limit)
            + operation("DELETE /v2/Services/{ServiceSid}/RateLimits/{Sid}", spare_rate_limit)
            + operation("GET /v2/Services/{ServiceSid}/RateLimits/{RateLimitSid}/Buckets/{Sid}", bucket)
            + operation("POST /v2/Services/{ServiceSid}/RateLimits/{RateLimitSid}/Buckets/{Sid}", bucket)
            + operation("DELETE /v2/Services/{ServiceSid}/RateLimits/{RateLimitSid}/Buckets/{Sid}", spare_bucket)
            + operation("GET /v2/Services/{ServiceSid}/Verifications/{Sid}", verification)
            + operation("POST /v2/Services/{ServiceSid}/Verifications/{Sid}", verification)
            + operation("GET /v2/Services/{ServiceSid}/Entities/{Identity}/Factors/{Sid}", factor)
            + operation("POST /v2/Services/{ServiceSid}/Entities/{Identity}/Factors/{Sid}", factor)
            + operation("DELETE /v2/Services/{ServiceSid}/Entities/{Identity}/Factors/{Sid}", spare_factor)
            + operation("GET /v2/Services/{ServiceSid}/Entities/{Identity}/Challenges/{Sid}", challenge)
            + operation("POST /v2/Services/{ServiceSid}/Entities/{Identity}/Challenges/{Sid}", challenge)
            + operation("GET /v2/Services/{ServiceSid}/AccessTokens/{Sid}", access_token)
            + operation("GET /v2/Services/{ServiceSid}/Webhooks/{Sid}", webhook)
            + operation("POST /v2/Services/{ServiceSid}/Webhooks/{Sid}", webhook)
            + operation("DELETE /v2/Services/{ServiceSid}/Webhooks/{Sid}", spare_webhook)
            # a usernameless passkeys challenge names no entity: Twilio's examples show "" there,
            # its schema a SID or null; the emulator answers as the examples do
            + '[[operations]]\ninclude-name = "POST /v2/Services/{ServiceSid}/Passkeys/Challenges"\n'
            + 'checks.response_schema_conformance.enabled = false\n\n'
            + f'[[operations]]\ninclude-name = "DELETE /v2/Services/{{ServiceSid}}/Entities/{{Identity}}"\n'
            + f'parameters = {{ "path.Identity" = "{SPARE_IDENTITY}" }}\n\n')
        command = [
            str(Path(sys.executable).with_name("schemathesis")), "--config-file", str(config), "run", str(SPEC),
            "--url", emulator.url, "--auth", f"{ACCOUNT_SID}:{AUTH_TOKEN}",
            "--include-path-regex", IMPLEMENTED,
            # one worker: with two, hypothesis' lambda descriptions race in CPython's ast module
            # ("AST constructor recursion depth mismatch", a schemathesis runtime error, not ours)
            "--max-examples", str(MAX_EXAMPLES), "--workers", "1", "--no-color",
        ] + (["--seed", os.environ["SCHEMATHESIS_SEED"]] if os.environ.get("SCHEMATHESIS_SEED") else [])
        result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=600)
        (tmp_path / "schemathesis.out").write_text(result.stdout)
        errors = result.stdout[result.stdout.find("ERRORS"):][:4000] if "ERRORS" in result.stdout else ""
        summary = errors + result.stdout[-3000:]
        print(summary)
        assert result.returncode == 0, summary + result.stderr[-2000:]
        tested = re.search(r"Tested: (\d+)", result.stdout)
        assert tested and int(tested.group(1)) == 44, "every implemented operation was tested\n" + summary
        cases = re.search(r"(\d+) generated, (\d+) passed", result.stdout)
        assert cases and cases.group(1) == cases.group(2) and int(cases.group(1)) > 500, summary
        # the emulator survived it all
        assert requests.get(emulator.url + "/healthz", timeout=5).status_code == 200
        assert "Fatal error" not in emulator.output()

        # and the run can fail: with a fault making the services list answer 500, it does
        fault = requests.post(emulator.url + "/emulator/v1/faults", json={"endpoint": "services", "error": {"code": 20500}}, timeout=5)
        assert fault.status_code == 201, fault.text
        faulted = subprocess.run(
            command[:command.index("--include-path-regex")] + [
                "--include-name", "GET /v2/Services", "--checks", "not_a_server_error", "--max-examples", "3",
                "--phases", "examples,fuzzing", "--no-color"],
            cwd=tmp_path, capture_output=True, text=True, timeout=300)
        assert faulted.returncode != 0, faulted.stdout[-2000:]
        assert "Server error" in faulted.stdout, faulted.stdout[-2000:]
    finally:
        assert emulator.stop() == 0
