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


def test_webhooks_are_signed_as_twilio_signs_them(client, service):
    """A receiver using the official SDK's RequestValidator accepts every event."""
    import threading
    import urllib.parse
    from http.server import BaseHTTPRequestHandler, HTTPServer

    from twilio.request_validator import RequestValidator

    from conftest import AUTH_TOKEN

    received = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"])).decode()
            params = dict(urllib.parse.parse_qsl(body, keep_blank_values=True))
            url = f"http://127.0.0.1:{self.server.server_port}{self.path}"
            valid = RequestValidator(AUTH_TOKEN).validate(url, params, self.headers.get("X-Twilio-Signature", ""))
            received.append((params, valid))
            self.send_response(200 if valid else 403)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        hooks = client.verify.v2.services(service.sid).webhooks
        hook = hooks.create(friendly_name="events", event_types=["*"],
                            webhook_url=f"http://127.0.0.1:{server.server_port}/twilio/events?source=emulator")
        assert hook.sid.startswith("YW") and hook.status == "enabled"
        assert [h.sid for h in hooks.list()] == [hook.sid]

        identity = str(uuid.uuid4())
        entity = client.verify.v2.services(service.sid).entities(identity)
        factor = entity.new_factors.create(friendly_name="phone", factor_type="totp")
        totp = pyotp.TOTP(factor.binding["secret"])
        entity.factors(factor.sid).update(auth_payload=totp.now())
        entity.challenges.create(factor_sid=factor.sid, auth_payload=totp.at(time.time() + 30))
        deadline = time.monotonic() + 5
        while len(received) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        types = sorted(params["type"] for params, _ in received)
        assert types == ["challenge.approved", "factor.created", "factor.verified"], received
        assert all(valid for _, valid in received), "RequestValidator refused a signature"
        assert all(params["entity_identity"] == identity and params["factor_sid"] == factor.sid for params, _ in received)
        hooks(hook.sid).delete()
    finally:
        server.shutdown()
