"""Attempts, Templates, Messaging Configurations, SafeList, Forms and SNA through the official
twilio SDK: what an app calls, with the SDK's own paging and serialisation."""
import uuid
from datetime import datetime, timedelta, timezone

import pytest
import requests
from twilio.base.exceptions import TwilioRestException


def test_attempts_list_pages_and_the_summary_adds_up(emulator, client):
    service = client.verify.v2.services.create(friendly_name="Attempts")
    verify = client.verify.v2.services(service.sid)
    started = datetime.now(timezone.utc) - timedelta(seconds=5)
    numbers = ["+15145550" + str(100 + i) for i in range(3)]
    for number in numbers:
        verify.verifications.create(to=number, channel="sms")
    verify.verifications.create(to=numbers[0], channel="sms")  # a resend: a second attempt
    verify.verification_checks.create(to=numbers[0], code=emulator.last_code(numbers[0]))

    attempts = client.verify.v2.verification_attempts.list(verify_service_sid=service.sid, page_size=2)
    assert len(attempts) == 4  # the SDK followed next_page_url
    assert {a.conversion_status for a in attempts if a.channel_data["to"] == numbers[0]} == {"converted"}
    assert client.verify.v2.verification_attempts(attempts[0].sid).fetch().sid == attempts[0].sid
    converted = client.verify.v2.verification_attempts.list(
        verify_service_sid=service.sid, status="converted", date_created_after=started)
    assert len(converted) == 2 and all(a.channel_data["country"] == "CA" for a in converted)
    # the SDK's documentation spells the statuses in capitals
    assert len(client.verify.v2.verification_attempts.list(verify_service_sid=service.sid, status="UNCONVERTED")) == 2

    summary = client.verify.v2.verification_attempts_summary().fetch(verify_service_sid=service.sid)
    assert (summary.total_attempts, summary.total_converted, summary.total_unconverted) == (4, 2, 2)
    # a string in the description; twilio 7.x reads it as a Decimal
    assert str(summary.conversion_rate_percentage) == "50.000000000"


def test_templates_shape_the_message(emulator, client):
    templates = client.verify.v2.templates.list()
    assert [t.sid for t in templates][:2] == ["HJ" + "0" * 31 + "1", "HJ" + "0" * 31 + "2"]
    assert templates[0].translations["en"]["is_default_translation"] is True
    service = client.verify.v2.services.create(friendly_name="Shop")
    client.verify.v2.services(service.sid).verifications.create(
        to="+15005550006", channel="sms", template_sid=templates[2].sid,
        template_custom_substitutions='{"app_name": "Shop app"}')
    body = emulator.messages(to="+15005550006", service_sid=service.sid)[0]["body"]
    assert body.endswith(" is your code to log in to Shop app on Shop.")
    with pytest.raises(TwilioRestException) as refused:
        client.verify.v2.services(service.sid).verifications.create(
            to="+15005550006", channel="sms", template_sid="HJ" + "9" * 32)
    assert refused.value.status == 400 and refused.value.code == 60200


def test_messaging_configurations_and_the_safe_list(emulator, client):
    service = client.verify.v2.services.create(friendly_name="Messaging")
    configurations = client.verify.v2.services(service.sid).messaging_configurations
    created = configurations.create(country="CA", messaging_service_sid="MG" + "c" * 32)
    assert created.country == "CA"
    assert [c.country for c in configurations.list()] == ["CA"]
    assert configurations("CA").update(messaging_service_sid="MG" + "d" * 32).messaging_service_sid == "MG" + "d" * 32
    client.verify.v2.services(service.sid).verifications.create(to="+15145550199", channel="sms")
    sent = emulator.messages(to="+15145550199")[0]
    assert sent["messaging_service_sid"] == "MG" + "d" * 32
    assert configurations("CA").delete() is True

    number = "+15005550077"
    entry = client.verify.v2.safelist.create(phone_number=number)
    assert entry.sid.startswith("GN") and entry.phone_number == number
    assert client.verify.v2.safelist(number).fetch().sid == entry.sid
    assert client.verify.v2.safelist(number).delete() is True
    with pytest.raises(TwilioRestException) as gone:
        client.verify.v2.safelist(number).fetch()
    assert gone.value.status == 404


def test_forms(client):
    form = client.verify.v2.forms("form-push").fetch()
    assert form.form_type == "form-push" and set(form.forms) == {"create_factor", "verify_factor", "create_challenge"}


def test_silent_network_auth(emulator, client):
    service = client.verify.v2.services.create(friendly_name="SNA")
    verify = client.verify.v2.services(service.sid)
    verification = verify.verifications.create(to="+15005550006", channel="sna")
    assert verification.channel == "sna"
    with pytest.raises(TwilioRestException) as early:
        verify.verification_checks.create(to="+15005550006")
    assert early.value.code == 60519
    # the phone opens the URL over mobile data
    answer = requests.get(verification.sna["url"], timeout=5)
    assert answer.status_code == 200 and answer.text.startswith("ErrorCode=0&ErrorDescription=Success")
    check = verify.verification_checks.create(to="+15005550006")
    assert check.status == "approved" and check.sna_attempts_error_codes == []
    auto = verify.verifications.create(to="+81312345678", channel="auto")
    assert auto.channel == "sms"
