"""The official twilio Python SDK against the emulator: it must not tell it from Twilio."""
import base64

import pytest
import requests
from twilio.base.exceptions import TwilioException

from conftest import ACCOUNT_SID, AUTH_TOKEN, Emulator, expect_error, number

# Services


def test_service_crud(client):
    created = client.verify.v2.services.create(friendly_name="Crud", code_length=8, custom_code_enabled=True)
    assert created.sid.startswith("VA") and len(created.sid) == 34
    assert created.account_sid == ACCOUNT_SID
    assert created.code_length == 8
    assert created.custom_code_enabled is True
    assert created.lookup_enabled is False
    assert created.totp["time_step"] == 30
    assert created.links["verifications"].endswith(f"/v2/Services/{created.sid}/Verifications")
    assert created.date_created is not None  # parsed by the SDK as a datetime

    fetched = client.verify.v2.services(created.sid).fetch()
    assert fetched.friendly_name == "Crud"

    updated = client.verify.v2.services(created.sid).update(friendly_name="Renamed", code_length=4)
    assert updated.friendly_name == "Renamed" and updated.code_length == 4
    assert client.verify.v2.services(created.sid).fetch().code_length == 4

    assert client.verify.v2.services(created.sid).delete() is True
    expect_error(lambda: client.verify.v2.services(created.sid).fetch(), 404, 20404)


def test_service_list_paging_across_pages(emulator):
    # a separate account so other tests' services do not change the count
    other = Emulator(emulator.db.replace(".sqlite", "-paging.sqlite"), args=["--account-sid", ACCOUNT_SID, "--auth-token", AUTH_TOKEN])
    try:
        client = other.client()
        created = [client.verify.v2.services.create(friendly_name=f"Paged {i}").sid for i in range(7)]
        listed = [s.sid for s in client.verify.v2.services.list(page_size=3)]
        assert listed == created

        page = client.verify.v2.services.page(page_size=3)
        sids = [s.sid for s in page]
        pages = 1
        while True:
            page = page.next_page()
            if page is None:
                break
            sids += [s.sid for s in page]
            pages += 1
        assert pages == 3
        assert sids == created
        assert [s.sid for s in client.verify.v2.services.stream(page_size=2, limit=5)] == created[:5]
    finally:
        assert other.stop() == 0


def test_service_validation_errors(client):
    error = expect_error(lambda: client.verify.v2.services.create(friendly_name="x" * 33), 400, 60200)
    assert "FriendlyName" in error.msg
    error = expect_error(lambda: client.verify.v2.services.create(friendly_name="ok", code_length=11), 400, 60200)
    assert "CodeLength" in error.msg
    expect_error(lambda: client.verify.v2.services.create(friendly_name=""), 400, 60200)


def test_fixture_service_and_api_key(emulator):
    # fixtures/accounts.json: an account with an API key and two services with fixed SIDs
    client = emulator.client("SKa0000000000000000000000000000001", "fixture-api-key-secret", "ACa0000000000000000000000000000001")
    service = client.verify.v2.services("VAa0000000000000000000000000000001").fetch()
    assert service.friendly_name == "Fixture App"
    by_token = emulator.client("ACa0000000000000000000000000000001", "fixture-auth-token")
    assert len(by_token.verify.v2.services.list()) == 2


def test_accounts_are_isolated(emulator, service):
    other = emulator.client("ACa0000000000000000000000000000001", "fixture-auth-token")
    expect_error(lambda: other.verify.v2.services(service.sid).fetch(), 404, 20404)
    assert service.sid not in [s.sid for s in other.verify.v2.services.list()]


def test_wrong_credentials(emulator):
    bad = emulator.client(ACCOUNT_SID, "not-the-token")
    error = expect_error(lambda: bad.verify.v2.services("VAa0000000000000000000000000000001").fetch(), 401, 20003)
    assert error.msg.endswith("Authenticate")
    # list pages raise the SDK's plain TwilioException on any non-200, as against Twilio
    with pytest.raises(TwilioException, match="Unable to fetch page"):
        bad.verify.v2.services.list()
    unknown = emulator.client("AC" + "9" * 32, AUTH_TOKEN)
    expect_error(lambda: unknown.verify.v2.services.create(friendly_name="x"), 401, 20003)


# Verifications and checks


def test_verification_lifecycle(emulator, client, service):
    to = number()
    verifications = client.verify.v2.services(service.sid).verifications
    started = verifications.create(to=to, channel="sms")
    assert started.status == "pending" and started.valid is False
    assert started.sid.startswith("VE")
    assert len(started.send_code_attempts) == 1
    assert started.send_code_attempts[0]["channel"] == "SMS"

    fetched = client.verify.v2.services(service.sid).verifications(started.sid).fetch()
    assert fetched.sid == started.sid and fetched.to == to

    resent = verifications.create(to=to, channel="call")
    assert resent.sid == started.sid
    assert len(resent.send_code_attempts) == 2
    codes = {m["code"] for m in emulator.messages(verification_sid=started.sid)}
    assert len(codes) == 1, "a resend repeats the same code"

    code = emulator.last_code(to)
    wrong = "000000" if code != "000000" else "111111"
    check = client.verify.v2.services(service.sid).verification_checks.create(to=to, code=wrong)
    assert check.status == "pending" and check.valid is False

    check = client.verify.v2.services(service.sid).verification_checks.create(to=to, code=code)
    assert check.status == "approved" and check.valid is True
    assert check.sid == started.sid

    expect_error(lambda: client.verify.v2.services(service.sid).verifications(started.sid).fetch(), 404, 20404)
    expect_error(lambda: client.verify.v2.services(service.sid).verification_checks.create(to=to, code=code), 404, 20404)


def test_check_by_verification_sid(emulator, client, service):
    to = number()
    started = client.verify.v2.services(service.sid).verifications.create(to=to, channel="sms")
    check = client.verify.v2.services(service.sid).verification_checks.create(
        verification_sid=started.sid, code=emulator.last_code(to)
    )
    assert check.status == "approved"


def test_cancel_and_approve_by_update(emulator, client, service):
    to = number()
    started = client.verify.v2.services(service.sid).verifications.create(to=to, channel="sms")
    canceled = client.verify.v2.services(service.sid).verifications(started.sid).update(status="canceled")
    assert canceled.status == "canceled"
    expect_error(
        lambda: client.verify.v2.services(service.sid).verification_checks.create(to=to, code=emulator.last_code(to)),
        404,
        20404,
    )
    second = client.verify.v2.services(service.sid).verifications.create(to=to, channel="sms")
    assert second.sid != started.sid
    approved = client.verify.v2.services(service.sid).verifications(second.sid).update(status="approved")
    assert approved.status == "approved" and approved.valid is True


def test_email_channel(emulator, client, service):
    started = client.verify.v2.services(service.sid).verifications.create(to="person@example.com", channel="email")
    assert started.channel == "email"
    message = emulator.messages(to="person@example.com")[0]
    assert message["channel"] == "email" and message["code"] in message["body"]


def test_custom_code(emulator, client):
    custom = client.verify.v2.services.create(friendly_name="Custom", custom_code_enabled=True)
    to = number()
    client.verify.v2.services(custom.sid).verifications.create(to=to, channel="sms", custom_code="867530")
    assert emulator.last_code(to) == "867530"
    plain = client.verify.v2.services.create(friendly_name="Plain")
    expect_error(
        lambda: client.verify.v2.services(plain.sid).verifications.create(to=number(), channel="sms", custom_code="1234"),
        400,
        60204,
    )


def test_locale_and_friendly_name_in_message(emulator, client, service):
    to = number()
    client.verify.v2.services(service.sid).verifications.create(
        to=to, channel="sms", locale="fr", custom_friendly_name="Boutique"
    )
    message = emulator.messages(to=to)[0]
    assert message["body"] == f"Votre code de vérification Boutique est : {message['code']}"


# Errors as TwilioRestException


@pytest.mark.parametrize(
    "to,channel",
    [("15005550006", "sms"), ("+1 500 555 0006", "sms"), ("+1500555000a", "call"), ("nobody", "email"), ("+15005550006", "fax")],
)
def test_invalid_parameters(client, service, to, channel):
    error = expect_error(lambda: client.verify.v2.services(service.sid).verifications.create(to=to, channel=channel), 400, 60200)
    assert "Invalid parameter" in error.msg


def test_max_send_attempts(client, service):
    to = number()
    for _ in range(5):
        client.verify.v2.services(service.sid).verifications.create(to=to, channel="sms")
    error = expect_error(lambda: client.verify.v2.services(service.sid).verifications.create(to=to, channel="sms"), 429, 60203)
    assert error.msg.endswith("Max send attempts reached")


def test_max_check_attempts(emulator, client, service):
    to = number()
    client.verify.v2.services(service.sid).verifications.create(to=to, channel="sms")
    code = emulator.last_code(to)
    wrong = "000000" if code != "000000" else "111111"
    checks = client.verify.v2.services(service.sid).verification_checks
    statuses = [checks.create(to=to, code=wrong).status for _ in range(5)]
    assert statuses == ["pending"] * 4 + ["max_attempts_reached"]
    error = expect_error(lambda: checks.create(to=to, code=code), 429, 60202)
    assert error.msg.endswith("Max check attempts reached")
    expect_error(lambda: checks.create(to=to, code=code), 404, 20404)


def test_unknown_resources(client, service):
    expect_error(lambda: client.verify.v2.services("VA" + "0" * 31 + "1").fetch(), 404, 20404)
    expect_error(lambda: client.verify.v2.services(service.sid).verifications("VE" + "0" * 32).fetch(), 404, 20404)
    expect_error(
        lambda: client.verify.v2.services("VA" + "0" * 31 + "1").verifications.create(to=number(), channel="sms"), 404, 20404
    )


def test_raw_http_errors(emulator):
    auth = "Basic " + base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
    put = requests.put(emulator.url + "/v2/Services", headers={"Authorization": auth}, timeout=5)
    assert put.status_code == 405 and put.json()["code"] == 20004
    bad = requests.post(
        emulator.url + "/v2/Services",
        data=b"FriendlyName=%ZZ",
        headers={"Authorization": auth, "Content-Type": "application/x-www-form-urlencoded"},
        timeout=5,
    )
    assert bad.status_code == 400 and bad.json()["code"] == 20001
    big = requests.post(emulator.url + "/v2/Services", data={"FriendlyName": "x" * 200_000}, headers={"Authorization": auth}, timeout=5)
    assert big.status_code == 413 and big.json()["status"] == 413
    assert requests.get(emulator.url + "/healthz", timeout=5).status_code == 200
