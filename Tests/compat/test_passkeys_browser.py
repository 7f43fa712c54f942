"""Verify Passkeys in a real browser: headless Chromium with WebDriver's virtual authenticator
(through selenium) registers a passkey and signs in with it, usernameless, against creation and
request options from the emulator, through the official twilio SDK's Passkeys operations; a
tampered assertion is refused."""
import uuid

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.rest.verify.v2.service.approve_challenge import ApproveChallengeList
from twilio.rest.verify.v2.service.new_challenge import NewChallengeList
from twilio.rest.verify.v2.service.new_factor import NewFactorList
from twilio.rest.verify.v2.service.new_verify_factor import NewVerifyFactorList

from conftest import add_passkey_authenticator

CREATE = """
const [options, done] = [arguments[0], arguments[arguments.length - 1]];
navigator.credentials.create({publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options)})
  .then((credential) => done(credential.toJSON()), (error) => done({error: String(error)}));
"""
GET = """
const [options, done] = [arguments[0], arguments[arguments.length - 1]];
navigator.credentials.get({publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options)})
  .then((credential) => done(credential.toJSON()), (error) => done({error: String(error)}));
"""


def test_passkey_registration_and_usernameless_sign_in_in_chromium(emulator, client, browser):
    # the relying party is localhost, the origin the emulator's own page as the browser sees it
    origin = emulator.url.replace("127.0.0.1", "localhost")
    service = client.verify.v2.services.create(
        friendly_name="Passkeys demo", passkeys_relying_party_id="localhost",
        passkeys_relying_party_name="Passkeys demo", passkeys_relying_party_origins=origin,
        passkeys_authenticator_attachment="platform", passkeys_discoverable_credentials="required",
        passkeys_user_verification="preferred")
    assert service.passkeys["relying_party"]["origins"] == [origin]
    verify = client.verify.v2.services(service.sid)

    browser.get(origin + "/")
    add_passkey_authenticator(browser)
    browser.set_script_timeout(20)

    identity = str(uuid.uuid4())
    factor = verify.new_factors.create(NewFactorList.CreateNewPasskeysFactorRequest(
        {"friendly_name": "Ada's laptop", "identity": identity}))
    assert factor.status == "unverified" and factor.factor_type == "passkeys"
    creation = factor.options["publicKey"]
    assert creation["pubKeyCredParams"] == [{"type": "public-key", "alg": -7}]
    registration = browser.execute_async_script(CREATE, creation)
    assert "error" not in registration, registration
    verified = verify.new_verify_factors.update(NewVerifyFactorList.VerifyPasskeysFactorRequest(registration))
    assert verified.status == "verified" and verified.sid == factor.sid
    assert len(browser.get_credentials()) == 1

    # sign in without a username: the resident credential answers
    challenge = verify.new_challenge().create(NewChallengeList.CreatePasskeysChallengeRequest({}))
    assert challenge.status == "pending" and challenge.identity == ""
    assertion = browser.execute_async_script(GET, challenge.options["publicKey"])
    assert "error" not in assertion, assertion
    approved = verify.approve_challenge.update(ApproveChallengeList.ApprovePasskeysChallengeRequest(assertion))
    assert approved.status == "approved" and approved.identity == identity and approved.factor_sid == factor.sid

    # a tampered assertion (one byte of the signature changed) is refused with 60381
    second = verify.new_challenge().create(NewChallengeList.CreatePasskeysChallengeRequest({"identity": identity}))
    assertion = browser.execute_async_script(GET, second.options["publicKey"])
    signature = assertion["response"]["signature"]
    assertion["response"]["signature"] = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    with pytest.raises(TwilioRestException) as refused:
        verify.approve_challenge.update(ApproveChallengeList.ApprovePasskeysChallengeRequest(assertion))
    assert refused.value.status == 400 and refused.value.code == 60381, refused.value
