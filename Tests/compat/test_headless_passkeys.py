"""Headless passkeys: the emulator's software authenticator (POST /emulator/v1/passkeys/...)
answers Verify's passkey options through the Python helper, with no browser; the official twilio
SDK verifies the factor and approves the challenge with what it made; and an independent
WebAuthn server library (py_webauthn) accepts the same registration and assertion, and refuses
each broken variant as the emulator does."""
import uuid

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.rest.verify.v2.service.approve_challenge import ApproveChallengeList
from twilio.rest.verify.v2.service.new_challenge import NewChallengeList
from twilio.rest.verify.v2.service.new_factor import NewFactorList
from twilio.rest.verify.v2.service.new_verify_factor import NewVerifyFactorList
from webauthn import verify_authentication_response, verify_registration_response
from webauthn.helpers import base64url_to_bytes
from webauthn.helpers.exceptions import InvalidAuthenticationResponse, InvalidRegistrationResponse

import verify_emulator

RP_ID = "example.com"
ORIGIN = "https://login.example.com"


@pytest.fixture(scope="module")
def emulator(helper_emulator):
    return helper_emulator


@pytest.fixture
def verify(helper_client):
    client = helper_client
    service = client.verify.v2.services.create(
        friendly_name="Headless", passkeys_relying_party_id=RP_ID, passkeys_relying_party_name="Example",
        passkeys_relying_party_origins=ORIGIN, passkeys_authenticator_attachment="platform",
        passkeys_discoverable_credentials="preferred", passkeys_user_verification="preferred")
    return client.verify.v2.services(service.sid)


def challenge_of(options):
    return base64url_to_bytes(options["publicKey"]["challenge"])


def refused(call, code):
    with pytest.raises(TwilioRestException) as error:
        call()
    assert error.value.status in (400, 401, 403) and error.value.code == code, error.value
    return error.value


def registered(emulator, verify, identity):
    """A passkey factor registered through the headless authenticator, checked by py_webauthn too."""
    factor = verify.new_factors.create(NewFactorList.CreateNewPasskeysFactorRequest(
        {"friendly_name": "Headless laptop", "identity": identity}))
    registration = emulator.passkey_register(factor.options, ORIGIN)
    independent = verify_registration_response(
        credential=registration, expected_challenge=challenge_of(factor.options), expected_origin=ORIGIN,
        expected_rp_id=RP_ID, require_user_verification=True)
    assert independent.credential_id == base64url_to_bytes(registration["rawId"])
    verified = verify.new_verify_factors.update(NewVerifyFactorList.VerifyPasskeysFactorRequest(registration))
    assert verified.status == "verified" and verified.sid == factor.sid
    return factor, independent


def test_a_passkey_registers_and_signs_in_with_no_browser(emulator, verify):
    identity = str(uuid.uuid4())
    factor, independent = registered(emulator, verify, identity)
    count = independent.sign_count
    for _ in range(3):
        challenge = verify.new_challenge().create(NewChallengeList.CreatePasskeysChallengeRequest({"identity": identity}))
        assertion = emulator.passkey_authenticate(challenge.options, ORIGIN)
        checked = verify_authentication_response(
            credential=assertion, expected_challenge=challenge_of(challenge.options), expected_origin=ORIGIN,
            expected_rp_id=RP_ID, credential_public_key=independent.credential_public_key,
            credential_current_sign_count=count, require_user_verification=True)
        assert checked.new_sign_count == count + 1
        count = checked.new_sign_count
        approved = verify.approve_challenge.update(ApproveChallengeList.ApprovePasskeysChallengeRequest(assertion))
        assert approved.status == "approved" and approved.factor_sid == factor.sid

    # usernameless: no identity in the challenge, the discoverable credential answers
    challenge = verify.new_challenge().create(NewChallengeList.CreatePasskeysChallengeRequest({}))
    assertion = emulator.passkey_authenticate(challenge.options, ORIGIN)
    approved = verify.approve_challenge.update(ApproveChallengeList.ApprovePasskeysChallengeRequest(assertion))
    assert approved.status == "approved" and approved.identity == identity


@pytest.mark.parametrize("variant, code", [
    ("bad_signature", 60381), ("wrong_origin", 60371), ("replayed_counter", 60379), ("user_not_present", 60379),
])
def test_each_broken_sign_in_is_refused_by_verify_and_by_py_webauthn(emulator, verify, variant, code):
    identity = str(uuid.uuid4())
    _, independent = registered(emulator, verify, identity)
    # one good sign-in first, so there is a counter to replay
    good = verify.new_challenge().create(NewChallengeList.CreatePasskeysChallengeRequest({"identity": identity}))
    verify.approve_challenge.update(ApproveChallengeList.ApprovePasskeysChallengeRequest(
        emulator.passkey_authenticate(good.options, ORIGIN)))

    challenge = verify.new_challenge().create(NewChallengeList.CreatePasskeysChallengeRequest({"identity": identity}))
    broken = emulator.passkey_authenticate(challenge.options, ORIGIN, variant=variant)
    with pytest.raises(InvalidAuthenticationResponse):
        verify_authentication_response(
            credential=broken, expected_challenge=challenge_of(challenge.options), expected_origin=ORIGIN,
            expected_rp_id=RP_ID, credential_public_key=independent.credential_public_key,
            credential_current_sign_count=1, require_user_verification=False)
    refused(lambda: verify.approve_challenge.update(ApproveChallengeList.ApprovePasskeysChallengeRequest(broken)), code)
    # the passkey still works after the refusal
    again = verify.new_challenge().create(NewChallengeList.CreatePasskeysChallengeRequest({"identity": identity}))
    approved = verify.approve_challenge.update(ApproveChallengeList.ApprovePasskeysChallengeRequest(
        emulator.passkey_authenticate(again.options, ORIGIN)))
    assert approved.status == "approved"


@pytest.mark.parametrize("variant, code", [("wrong_origin", 60371), ("user_not_present", 60379)])
def test_each_broken_registration_is_refused_by_verify_and_by_py_webauthn(emulator, verify, variant, code):
    factor = verify.new_factors.create(NewFactorList.CreateNewPasskeysFactorRequest(
        {"friendly_name": "Broken", "identity": str(uuid.uuid4())}))
    broken = emulator.passkey_register(factor.options, ORIGIN, variant=variant)
    with pytest.raises(InvalidRegistrationResponse):
        verify_registration_response(
            credential=broken, expected_challenge=challenge_of(factor.options), expected_origin=ORIGIN,
            expected_rp_id=RP_ID)
    refused(lambda: verify.new_verify_factors.update(NewVerifyFactorList.VerifyPasskeysFactorRequest(broken)), code)


def test_mistakes_are_400s_naming_what_was_wrong(emulator, verify):
    factor = verify.new_factors.create(NewFactorList.CreateNewPasskeysFactorRequest(
        {"friendly_name": "Mistakes", "identity": str(uuid.uuid4())}))
    cases = [
        ("register", {"options": factor.options, "origin": ORIGIN, "variant": "bad_signature"}, "variant"),
        ("register", {"options": factor.options, "origin": ORIGIN, "variant": "sideways"}, "variant"),
        ("register", {"options": factor.options}, "origin"),
        ("register", {"options": "x", "origin": ORIGIN}, "options"),
        ("register", {"options": {"publicKey": {"challenge": "abc"}}, "origin": ORIGIN}, "options.publicKey.rp.id"),
        ("register", {"options": factor.options, "origin": ORIGIN, "extra": 1}, "extra"),
        ("authenticate", {"options": {"publicKey": {"challenge": "abc"}}, "origin": ORIGIN}, "options.publicKey.rpId"),
    ]
    for ceremony, body, named in cases:
        with pytest.raises(verify_emulator.EmulatorError, match="answered 400") as error:
            emulator.post(f"/emulator/v1/passkeys/{ceremony}", body)
        assert f"Invalid parameter: {named}" in str(error.value), (body, error.value)
    # a relying party with no passkey registered yet is a 404 saying how to make one
    options = {"publicKey": {"challenge": "abc", "rpId": "nobody.example"}}
    with pytest.raises(verify_emulator.EmulatorError, match="answered 404") as error:
        emulator.passkey_authenticate(options, "https://nobody.example")
    assert "POST /emulator/v1/passkeys/register" in str(error.value)
    # replaying a counter needs an earlier sign-in
    identity = str(uuid.uuid4())
    registered(emulator, verify, identity)
    challenge = verify.new_challenge().create(NewChallengeList.CreatePasskeysChallengeRequest({"identity": identity}))
    with pytest.raises(verify_emulator.EmulatorError, match="sign in with this passkey once first"):
        emulator.passkey_authenticate(challenge.options, ORIGIN, variant="replayed_counter")
