"""Real rows for every path parameter of Twilio's Verify description, so that tests calling each
operation (schemathesis, the spec-coverage test) meet resources and not only 404s. Each DELETE
gets a spare resource of its own, so the other operations keep theirs."""
from dataclasses import dataclass

import pyotp
import requests

SERVICE = "VA00000000000000000000000000000000"
# the account an emulator without fixtures accepts
ACCOUNT_SID, AUTH_TOKEN = "AC" + "0" * 32, "emulator-auth-token"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
IDENTITY, SPARE_IDENTITY = "ff483d1f-f4d0-4fd5-8e9f-3f1c6b9b0f1a", "0a1b2c3d-spare-entity"
SAFE_NUMBER, SPARE_SAFE_NUMBER = "+15005550006", "+15005550099"


@dataclass
class Resources:
    spare_service: str
    rate_limit: str
    spare_rate_limit: str
    bucket: str
    spare_bucket: str
    verification: str
    attempt: str
    factor: str
    spare_factor: str
    challenge: str
    push_challenge: str
    access_token: str
    webhook: str
    spare_webhook: str

    def sid_for(self, method: str, path: str) -> str | None:
        """The {Sid} of an operation on `path`, a spare one for a DELETE."""
        delete = method == "DELETE"
        for suffix, keep, spare in [
            ("/RateLimits/{RateLimitSid}/Buckets/{Sid}", self.bucket, self.spare_bucket),
            ("/RateLimits/{Sid}", self.rate_limit, self.spare_rate_limit),
            ("/Verifications/{Sid}", self.verification, self.verification),
            ("/Factors/{Sid}", self.factor, self.spare_factor),
            ("/Challenges/{Sid}", self.challenge, self.challenge),
            ("/AccessTokens/{Sid}", self.access_token, self.access_token),
            ("/Webhooks/{Sid}", self.webhook, self.spare_webhook),
            ("/Attempts/{Sid}", self.attempt, self.attempt),
            ("/Services/{Sid}", SERVICE, self.spare_service),
        ]:
            if path.endswith(suffix):
                return spare if delete else keep
        return None


def post(url, path, **form):
    response = requests.post(url + path, data=form, auth=(ACCOUNT_SID, AUTH_TOKEN), timeout=5)
    assert response.status_code in (200, 201), response.text
    return response.json()


def create(url, path, **form):
    return post(url, path, **form)["sid"]


def seed(url: str) -> Resources:
    from test_push_sdk import Phone

    spare_service = create(url, "/v2/Services", FriendlyName="Spare")
    # a relying party, so that passkeys factors and challenges can be created
    post(url, f"/v2/Services/{SERVICE}", **{
        "Passkeys.RelyingParty.Id": "example.com", "Passkeys.RelyingParty.Name": "Example",
        "Passkeys.RelyingParty.Origins": "https://example.com"})
    rate_limit = create(url, f"/v2/Services/{SERVICE}/RateLimits", UniqueName="keep")
    spare_rate_limit = create(url, f"/v2/Services/{SERVICE}/RateLimits", UniqueName="spare")
    buckets = f"/v2/Services/{SERVICE}/RateLimits/{rate_limit}/Buckets"
    bucket = create(url, buckets, Max="10", Interval="60")
    spare_bucket = create(url, buckets, Max="10", Interval="60")
    verification = create(url, f"/v2/Services/{SERVICE}/Verifications", To="+15005550006", Channel="sms")
    attempt = requests.get(url + "/emulator/v1/messages", params={"verification_sid": verification},
                           timeout=5).json()["messages"][0]["sid"]
    entity = f"/v2/Services/{SERVICE}/Entities/{IDENTITY}"
    factor = create(url, entity + "/Factors", FactorType="totp", FriendlyName="phone", **{"Binding.Secret": SECRET})
    assert post(url, entity + f"/Factors/{factor}", AuthPayload=pyotp.TOTP(SECRET).now())["status"] == "verified"
    spare_factor = create(url, entity + "/Factors", FactorType="totp", FriendlyName="spare")
    create(url, f"/v2/Services/{SERVICE}/Entities", Identity=SPARE_IDENTITY)
    challenge = create(url, entity + "/Challenges", FactorSid=factor)
    # a verified push factor and a pending push challenge, for the Notifications operation
    phone = Phone()
    push_factor = create(
        url, entity + "/Factors", FactorType="push", FriendlyName="device",
        **{"Binding.Alg": "ES256", "Binding.PublicKey": phone.public_key, "Config.AppId": "com.example.app",
           "Config.NotificationPlatform": "none", "Config.SdkVersion": "2.2.2"})
    assert post(url, entity + f"/Factors/{push_factor}", AuthPayload=phone.sign_der(push_factor))["status"] == "verified"
    push_challenge = create(url, entity + "/Challenges", FactorSid=push_factor, **{"Details.Message": "Log in?"})
    access_token = create(url, f"/v2/Services/{SERVICE}/AccessTokens", Identity=IDENTITY, FactorType="push")
    hooks = f"/v2/Services/{SERVICE}/Webhooks"
    webhook = create(url, hooks, FriendlyName="w", EventTypes="*", WebhookUrl="http://127.0.0.1:9/w")
    spare_webhook = create(url, hooks, FriendlyName="s", EventTypes="*", WebhookUrl="http://127.0.0.1:9/s")
    configurations = f"/v2/Services/{SERVICE}/MessagingConfigurations"
    for country in ("CA", "GB"):
        post(url, configurations, Country=country, MessagingServiceSid="MG" + "a" * 32)
    for number in (SAFE_NUMBER, SPARE_SAFE_NUMBER):
        post(url, "/v2/SafeList/Numbers", PhoneNumber=number)
    return Resources(
        spare_service, rate_limit, spare_rate_limit, bucket, spare_bucket, verification, attempt, factor,
        spare_factor, challenge, push_challenge, access_token, webhook, spare_webhook)
