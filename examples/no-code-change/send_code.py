"""An app that sends a Verify code as it does in production: nothing in it names the emulator.

`docker compose --profile no-code-change up` runs it in a container where `verify.twilio.com` is
the emulator (a network alias) and the emulator's CA bundle is trusted (`SSL_CERT_FILE`,
`REQUESTS_CA_BUNDLE`); on a workstation, `eval "$(verify-emulator env)"` does the same.
"""
import os

from twilio.rest import Client

client = Client(os.environ["TWILIO_ACCOUNT_SID"], os.environ["TWILIO_AUTH_TOKEN"])
verification = client.verify.v2.services(os.environ["TWILIO_VERIFY_SERVICE_SID"]).verifications.create(
    to=os.environ.get("TO", "+15005550006"), channel="sms")
print(f"sent {verification.sid} ({verification.status}) through {verification.url}")
