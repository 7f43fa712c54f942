"""The built-in outcome catalogue (GET /emulator/v1/outcomes), walked whole through the official
twilio SDK: every number of every outcome answers as the catalogue says, on a fresh emulator
with no fixture file, and each outcome shows the same everywhere: the API's answer, the
Attempts, the messages an inbox shows and the request log's hint."""
import threading
import time

import pytest
import requests
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

import verify_emulator


@pytest.fixture(scope="module")
def emulator(helper_emulator):
    return helper_emulator


@pytest.fixture
def client(helper_client):
    return helper_client


def catalogue(emulator):
    return {item["outcome"]: item for item in emulator.get("/emulator/v1/outcomes")["outcomes"]}


def test_the_catalogue_has_ten_numbers_per_outcome_and_no_number_twice(emulator):
    outcomes = catalogue(emulator)
    numbers = [number for item in outcomes.values() for number in item["numbers"]]
    assert all(len(item["numbers"]) >= 10 for item in outcomes.values())
    assert len(numbers) == len(set(numbers))
    assert {item["on"] for item in outcomes.values()} <= {"start", "check", "delivery"}
    assert {"invalid_number", "landline", "fraud_guard", "concurrent_requests", "max_send_attempts",
            "platform_rate_limit", "internal_error", "service_unavailable", "slow_send", "max_check_attempts",
            "sna_invalid_number", "sna_mismatch"} <= set(outcomes)


def refused_starts(emulator, client, item):
    """Every number of a start outcome refused with its status and code; nothing sent, no attempt."""
    service = client.verify.v2.services.create(friendly_name=f"Outcome {item['outcome']}")
    verify = client.verify.v2.services(service.sid)
    for number in item["numbers"]:
        with pytest.raises(TwilioRestException) as refused:
            verify.verifications.create(to=number, channel="sms")
        assert (refused.value.status, refused.value.code) == (item["http_status"], item["error_code"]), number
        assert emulator.messages(number) == []
        assert client.verify.v2.verification_attempts.list(channel_data_to=number) == []
    logged = emulator.get("/emulator/v1/requests", {"errors": "true", "limit": 1})["requests"][0]
    assert logged["error_code"] == item["error_code"]
    assert f"the outcome catalogue: {item['outcome']}" in logged["hint"]


def test_every_refusing_outcome_refuses_every_one_of_its_numbers(emulator, client):
    outcomes = catalogue(emulator)
    refusing = [item for item in outcomes.values() if item["on"] == "start" and item["error_code"]]
    assert len(refusing) >= 9
    for item in refusing:
        refused_starts(emulator, client, item)


def test_fraud_guard_passes_a_safe_listed_number_and_risk_check_disable(emulator, client):
    import inspect

    from twilio.rest.verify.v2.service.verification import VerificationList
    if "risk_check" not in inspect.signature(VerificationList.create).parameters:
        pytest.skip("this twilio version has no RiskCheck parameter (9.x runs it)")
    item = catalogue(emulator)["fraud_guard"]
    verify = client.verify.v2.services(client.verify.v2.services.create(friendly_name="Fraud").sid)
    safe, disabled = item["numbers"][0], item["numbers"][1]
    client.verify.v2.safelist.create(phone_number=safe)
    assert verify.verifications.create(to=safe, channel="sms").status == "pending"
    assert verify.verifications.create(to=disabled, channel="sms", risk_check="disable").status == "pending"
    with pytest.raises(TwilioRestException) as refused:
        verify.verifications.create(to=item["numbers"][2], channel="sms")
    assert refused.value.code == 60410
    client.verify.v2.safelist(safe).delete()


def test_a_check_outcome_starts_and_sends_then_refuses_every_check(emulator, client):
    item = catalogue(emulator)["max_check_attempts"]
    verify = client.verify.v2.services(client.verify.v2.services.create(friendly_name="Checks").sid)
    for number in item["numbers"]:
        assert verify.verifications.create(to=number, channel="sms").status == "pending"
        code = emulator.wait_for_code(number)
        assert len(client.verify.v2.verification_attempts.list(channel_data_to=number)) == 1
        with pytest.raises(TwilioRestException) as refused:
            verify.verification_checks.create(to=number, code=code)
        assert (refused.value.status, refused.value.code) == (item["http_status"], item["error_code"])


def test_a_slow_send_answers_after_its_delay_and_is_delivered(emulator, client):
    item = catalogue(emulator)["slow_send"]
    verify = client.verify.v2.services(client.verify.v2.services.create(friendly_name="Slow").sid)
    answered = {}

    def start(number):
        began = time.monotonic()
        status = verify.verifications.create(to=number, channel="sms").status
        answered[number] = (status, time.monotonic() - began)

    # in parallel: the delay is per request, not a queue
    threads = [threading.Thread(target=start, args=(number,)) for number in item["numbers"][:4]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for number in item["numbers"][:4]:
        status, seconds = answered[number]
        assert status == "pending" and item["delay_seconds"] <= seconds < item["delay_seconds"] + 5
        assert len(emulator.wait_for_code(number)) == 6
        assert len(client.verify.v2.verification_attempts.list(channel_data_to=number)) == 1


def test_sna_outcomes(emulator, client):
    outcomes = catalogue(emulator)
    verify = client.verify.v2.services(client.verify.v2.services.create(friendly_name="SNA").sid)
    mismatch = outcomes["sna_mismatch"]
    for number in mismatch["numbers"][:3]:
        verification = verify.verifications.create(to=number, channel="sna")
        answer = requests.get(verification.sna["url"], timeout=5)
        assert answer.text.startswith(f"ErrorCode={mismatch['error_code']}"), answer.text
        check = verify.verification_checks.create(to=number)
        assert check.status == "pending" and str(mismatch["error_code"]) in str(check.sna_attempts_error_codes)
    invalid = outcomes["sna_invalid_number"]
    with pytest.raises(TwilioRestException) as refused:
        verify.verifications.create(to=invalid["numbers"][0], channel="sna")
    assert refused.value.code == invalid["error_code"]


def test_other_numbers_of_the_block_are_ordinary(emulator, client):
    verify = client.verify.v2.services(client.verify.v2.services.create(friendly_name="Ordinary").sid)
    # +15005559000-009 belongs to no outcome, nor does a longer number sharing a prefix
    assert verify.verifications.create(to="+15005559000", channel="sms").status == "pending"
    assert verify.verifications.create(to="+150055590301", channel="sms").status == "pending"


def test_a_delayed_delivery_arrives_when_the_accounts_clock_reaches_it(emulator, client):
    item = catalogue(emulator)["delayed_delivery"]
    # on an account of its own, so moving its clock moves nothing else
    account = emulator.create_account("delayed")
    own = Client(account.account_sid, account.auth_token)
    own.verify.base_url = emulator.url
    verify = own.verify.v2.services(account.service_sid)
    number = item["numbers"][0]
    verification = verify.verifications.create(to=number, channel="sms")
    assert verification.status == "pending" and len(verification.send_code_attempts) == 1
    # sent (an attempt) but not received: no message yet, and a wait for it times out
    assert len(own.verify.v2.verification_attempts.list(channel_data_to=number)) == 1
    assert emulator.messages(number) == []
    with pytest.raises(verify_emulator.EmulatorError, match="no code was sent"):
        emulator.wait_for_code(number, timeout=0.5)
    # a long poll started now returns once the clock passes the delay
    threading.Timer(0.3, lambda: emulator.advance_clock(item["delay_seconds"], account_sid=account.account_sid)).start()
    code = emulator.wait_for_code(number, timeout=10)
    assert verify.verification_checks.create(to=number, code=code).status == "approved"
    emulator.delete_account(account.account_sid)


def test_a_code_never_delivered_counts_as_an_attempt_and_never_arrives(emulator, client):
    item = catalogue(emulator)["never_delivered"]
    verify = client.verify.v2.services(client.verify.v2.services.create(friendly_name="Never").sid)
    for number in item["numbers"][:3]:
        assert verify.verifications.create(to=number, channel="sms").status == "pending"
        assert len(client.verify.v2.verification_attempts.list(channel_data_to=number)) == 1
    emulator.advance_clock(3600)
    time.sleep(0.6)
    assert all(emulator.messages(number) == [] for number in item["numbers"][:3])
    inbox = requests.get(emulator.url + "/", timeout=5).text
    assert item["numbers"][0] not in inbox
    emulator.advance_clock(-3600)
