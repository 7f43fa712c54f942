"""Errors raised by fault rules and by the shipped magic numbers, as the official SDK sees them."""
import json

import pytest
import requests

from conftest import ACCOUNT_SID, AUTH_TOKEN, ROOT, Emulator, expect_error


@pytest.fixture(scope="module")
def magic(tmp_path_factory):
    db = str(tmp_path_factory.mktemp("magic") / "state.sqlite")
    running = Emulator(
        db,
        args=["--account-sid", ACCOUNT_SID, "--auth-token", AUTH_TOKEN, "--fixtures", str(ROOT / "fixtures" / "magic-numbers.json")],
    )
    yield running
    assert running.stop() == 0


@pytest.mark.parametrize(
    "to,status,code",
    [
        ("+15005550001", 400, 60200),
        ("+15005550002", 400, 60205),
        ("+15005550003", 403, 60410),
        ("+15005550004", 429, 60212),
        ("+15005550005", 429, 60203),
        ("+15005550007", 429, 20429),
        ("+15005550008", 500, 20500),
        ("+15005550009", 503, 20503),
        ("+15005550013", 400, 60540),
    ],
)
def test_magic_numbers(magic, to, status, code):
    client = magic.client()
    service = client.verify.v2.services.create(friendly_name="Magic")
    expect_error(lambda: client.verify.v2.services(service.sid).verifications.create(to=to, channel="sms"), status, code)


def test_one_shot_fault_from_control_api(magic):
    client = magic.client()
    service = client.verify.v2.services.create(friendly_name="Faulty")
    rule = {"endpoint": "verification_checks", "error": {"code": 20503}, "times": 1}
    assert requests.post(magic.url + "/emulator/v1/faults", json=rule, timeout=5).status_code == 201
    client.verify.v2.services(service.sid).verifications.create(to="+15005550006", channel="sms")
    code = magic.last_code("+15005550006")
    checks = client.verify.v2.services(service.sid).verification_checks
    expect_error(lambda: checks.create(to="+15005550006", code=code), 503, 20503)
    assert checks.create(to="+15005550006", code=code).status == "approved"
