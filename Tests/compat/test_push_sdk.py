"""Verify Push through the official twilio SDK, with a phone played by the `cryptography` package
signing exactly as the Verify Push SDKs do: a P-256 key whose SubjectPublicKeyInfo is the binding,
the factor SID signed in DER to verify the factor, ES256 JWTs (raw r||s) as the device's
credentials and as its answer to a challenge, over the fields the challenge's fetch names."""
import base64
import json
import time
import uuid

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from twilio.base.exceptions import TwilioRestException

from conftest import ACCOUNT_SID


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Phone:
    def __init__(self):
        self.key = ec.generate_private_key(ec.SECP256R1())

    @property
    def public_key(self) -> str:
        der = self.key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        return base64.b64encode(der).decode()

    def sign_der(self, text: str) -> str:
        return base64.b64encode(self.key.sign(text.encode(), ec.ECDSA(hashes.SHA256()))).decode()

    def jwt(self, header: dict, claims: dict) -> str:
        signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
        r, s = decode_dss_signature(self.key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256())))
        return signing_input + "." + b64url(r.to_bytes(32, "big") + s.to_bytes(32, "big"))

    def credentials(self, credential_sid: str) -> str:
        now = int(time.time())
        return self.jwt(
            {"cty": "twilio-pba;v=1", "kid": credential_sid, "typ": "JWT", "alg": "ES256"},
            {"sub": ACCOUNT_SID, "exp": now + 600, "nbf": now})

    def answer(self, body: dict, fields: str, status: str) -> str:
        claims = {field: body[field] for field in fields.split(",")}
        claims["status"] = status
        return self.jwt({"typ": "JWT", "alg": "ES256"}, claims)


def enrol(emulator, client, service, phone, identity):
    """The backend mints an access token; the phone creates its factor with it, then verifies it."""
    token = client.verify.v2.services(service.sid).access_tokens.create(identity=identity, factor_type="push")
    assert token.sid.startswith("YK") and token.ttl == 60
    enrolling = emulator.client("token", token.token)
    factor = enrolling.verify.v2.services(service.sid).entities(identity).new_factors.create(
        friendly_name="Ada's phone", factor_type="push", binding_alg="ES256", binding_public_key=phone.public_key,
        config_app_id="com.example.app", config_notification_platform="none", config_sdk_version="2.2.2",
        metadata={"os": "Android"})
    assert factor.status == "unverified" and factor.binding["public_key"] == phone.public_key
    credential = factor.config["credential_sid"]
    assert credential.startswith("CR")
    device = emulator.client("token", phone.credentials(credential))
    verified = device.verify.v2.services(service.sid).entities(identity).factors(factor.sid).update(
        auth_payload=phone.sign_der(factor.sid))
    assert verified.status == "verified"
    return factor.sid, device


def fetch_as_device(device, service, identity, challenge_sid):
    """GET the challenge as the SDKs do, through the twilio client's HTTP layer: body and header."""
    url = f"{device.verify.base_url}/v2/Services/{service.sid}/Entities/{identity}/Challenges/{challenge_sid}"
    response = device.request("GET", url)
    assert response.status_code == 200, response.text
    headers = {name.lower(): value for name, value in response.headers.items()}
    return json.loads(response.text), headers["twilio-verify-signature-fields"]


def test_push_enrolment_and_challenges_signed_with_cryptography(emulator, client, service):
    identity = str(uuid.uuid4())
    phone = Phone()
    factor_sid, device = enrol(emulator, client, service, phone, identity)
    entity = client.verify.v2.services(service.sid).entities(identity)
    device_entity = device.verify.v2.services(service.sid).entities(identity)

    challenge = entity.challenges.create(
        factor_sid=factor_sid, details_message="Log in to Compat App?",
        details_fields=[{"label": "City", "value": "Lisbon"}], hidden_details={"ip": "203.0.113.9"})
    assert challenge.status == "pending" and challenge.factor_type == "push"
    assert challenge.details["fields"] == [{"label": "City", "value": "Lisbon"}]
    body, fields = fetch_as_device(device, service, identity, challenge.sid)
    assert set(fields.split(",")) <= set(body)

    # signed by another key, or over a changed field: 403/60324
    for payload in (Phone().answer(body, fields, "approved"),
                    phone.answer({**body, "details": {"message": "Something else", "fields": []}}, fields, "approved")):
        with pytest.raises(TwilioRestException) as refused:
            device_entity.challenges(challenge.sid).update(auth_payload=payload)
        assert refused.value.status == 403 and refused.value.code == 60324

    notification = entity.challenges(challenge.sid).notifications.create(ttl=60)
    assert notification.sid.startswith("NT") and notification.priority == "high" and notification.ttl == 60

    approved = device_entity.challenges(challenge.sid).update(auth_payload=phone.answer(body, fields, "approved"))
    assert approved.status == "approved"
    assert entity.challenges(challenge.sid).fetch().status == "approved"

    second = entity.challenges.create(factor_sid=factor_sid, details_message="Pay 10 EUR?")
    body, fields = fetch_as_device(device, service, identity, second.sid)
    denied = device_entity.challenges(second.sid).update(auth_payload=phone.answer(body, fields, "denied"))
    assert denied.status == "denied"
    assert [c.sid for c in device_entity.challenges.list(factor_sid=factor_sid, status="denied")] == [second.sid]


def test_device_credentials_are_checked(emulator, client, service):
    identity = str(uuid.uuid4())
    phone = Phone()
    factor_sid, device = enrol(emulator, client, service, phone, identity)
    # a JWT signed by another key, for this factor's credential, is 401
    factor = client.verify.v2.services(service.sid).entities(identity).factors(factor_sid).fetch()
    impostor = emulator.client("token", Phone().credentials(factor.config["credential_sid"]))
    with pytest.raises(TwilioRestException) as refused:
        impostor.verify.v2.services(service.sid).entities(identity).factors(factor_sid).fetch()
    assert refused.value.status == 401
    # an access token is good for one factor
    token = client.verify.v2.services(service.sid).access_tokens.create(identity=identity, factor_type="push")
    assert client.verify.v2.services(service.sid).access_tokens(token.sid).fetch().token == token.token
    enrolling = emulator.client("token", token.token)
    create = enrolling.verify.v2.services(service.sid).entities(identity).new_factors.create
    create(friendly_name="one", factor_type="push", binding_alg="ES256", binding_public_key=Phone().public_key,
           config_app_id="com.example.app", config_notification_platform="none", config_sdk_version="2.2.2")
    with pytest.raises(TwilioRestException) as reused:
        create(friendly_name="two", factor_type="push", binding_alg="ES256", binding_public_key=Phone().public_key,
               config_app_id="com.example.app", config_notification_platform="none", config_sdk_version="2.2.2")
    assert reused.value.status == 401


def test_a_virtual_device_answers_from_the_control_api(emulator, client, service):
    import requests

    identity = str(uuid.uuid4())
    enrolled = requests.post(
        emulator.url + "/emulator/v1/devices", json={"service_sid": service.sid, "identity": identity}, timeout=5)
    assert enrolled.status_code == 201, enrolled.text
    factor_sid = enrolled.json()["factor_sid"]
    entity = client.verify.v2.services(service.sid).entities(identity)
    assert entity.factors(factor_sid).fetch().status == "verified"
    challenge = entity.challenges.create(factor_sid=factor_sid, details_message="Approve from the inbox?")
    pending = requests.get(emulator.url + "/emulator/v1/challenges", params={"identity": identity}, timeout=5)
    assert [c["sid"] for c in pending.json()["challenges"]] == [challenge.sid]
    answered = requests.post(emulator.url + f"/emulator/v1/challenges/{challenge.sid}/approve", timeout=5)
    assert answered.status_code == 200 and answered.json()["status"] == "approved"
    assert entity.challenges(challenge.sid).fetch().status == "approved"
