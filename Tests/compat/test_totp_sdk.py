"""Verify TOTP through the official twilio SDK, with codes computed by pyotp from the secret the
emulator returned, as an authenticator app would."""
import time
import uuid

import pyotp
import pytest
from twilio.base.exceptions import TwilioRestException


def test_totp_enrolment_and_challenges_with_pyotp(client, service):
    identity = str(uuid.uuid4())
    entity = client.verify.v2.services(service.sid).entities(identity)
    factor = entity.new_factors.create(friendly_name="Ada's phone", factor_type="totp")
    assert factor.sid.startswith("YF") and factor.status == "unverified"
    secret = factor.binding["secret"]
    assert factor.binding["uri"].startswith("otpauth://totp/Compat%20App:Ada%27s%20phone?secret=" + secret)
    totp = pyotp.TOTP(secret)
    # the URI parses in pyotp as an authenticator app reads it
    parsed = pyotp.parse_uri(factor.binding["uri"])
    assert parsed.secret == secret and parsed.digits == 6 and parsed.interval == 30

    wrong = "000000" if totp.now() != "000000" else "111111"
    assert entity.factors(factor.sid).update(auth_payload=wrong).status == "unverified"
    assert entity.factors(factor.sid).update(auth_payload=totp.now()).status == "verified"
    fetched = entity.factors(factor.sid).fetch()
    assert fetched.status == "verified" and fetched.config["code_length"] == 6

    # the code that verified the factor is spent; the next step's code (within the skew) approves
    challenge = entity.challenges.create(factor_sid=factor.sid, auth_payload=totp.at(time.time() + 30))
    assert challenge.status == "approved"
    pending = entity.challenges.create(factor_sid=factor.sid, details_message="Log in to Compat App?")
    assert pending.status == "pending" and pending.details["message"] == "Log in to Compat App?"
    assert entity.challenges(pending.sid).update(auth_payload=wrong).status == "pending"
    assert [c.sid for c in entity.challenges.list(status="pending")] == [pending.sid]

    with pytest.raises(TwilioRestException) as refused:
        entity.challenges(challenge.sid).update(auth_payload=totp.now())
    assert refused.value.status == 403 and refused.value.code == 60322

    assert client.verify.v2.services(service.sid).entities(identity).fetch().identity == identity
    assert client.verify.v2.services(service.sid).entities(identity).delete() is True
    with pytest.raises(TwilioRestException) as gone:
        entity.factors(factor.sid).fetch()
    assert gone.value.status == 404


def test_entities_through_the_sdk(client, service):
    identity = str(uuid.uuid4())
    created = client.verify.v2.services(service.sid).entities.create(identity=identity)
    assert created.sid.startswith("YE")
    with pytest.raises(TwilioRestException) as duplicate:
        client.verify.v2.services(service.sid).entities.create(identity=identity)
    assert duplicate.value.status == 409 and duplicate.value.code == 60301
    assert identity in [e.identity for e in client.verify.v2.services(service.sid).entities.list()]
