"""A Django site of ours around django-twilio-2fa (from PyPI, unmodified): its TwoFAClient sends a code
and checks a wrong one and the right one. The package builds a new twilio Client per call and
sets no base_url: it reaches the emulator only through the environment (`verify-emulator env`)."""
import json, sys, urllib.request
import django
from django.conf import settings

account, token, service, control = sys.argv[1:5]

def phone_of(user):
    from django_twilio_2fa.options import PhoneNumber
    return PhoneNumber("+15005550006", "US", carrier_type="mobile")

def email_of(user):
    return None

settings.configure(
    SECRET_KEY="third-party-app-test",
    INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions",
                    "rest_framework", "django_twilio_2fa.apps.Twilio2faConfig"],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    TWILIO_2FA_ACCOUNT_SID=account, TWILIO_2FA_AUTH_TOKEN=token, TWILIO_2FA_SERVICE_ID=service,
    TWILIO_2FA_ALLOWED_METHODS=["sms"], TWILIO_2FA_USER_PHONE_NUMBER_CB=phone_of, TWILIO_2FA_USER_EMAIL_CB=email_of,
    TWILIO_2FA_ALLOW_UNAUTHENTICATED_USERS=True,
    USE_TZ=True,
)
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
from django_twilio_2fa.client import TwoFAClient

user = User.objects.create_user("ada", password="x")
request = RequestFactory().get("/")
request.session = SessionStore()
request.user = user
client = TwoFAClient(request=request)
sid = client.send_verification("sms")
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
code = json.load(opener.open(control + "/emulator/v1/messages?to=%2B15005550006"))["messages"][0]["code"]
wrong = TwoFAClient(request=request).check_verification("000000" if code != "000000" else "111111")
right = TwoFAClient(request=request).check_verification(code)
print(json.dumps({"sid": sid, "wrong": wrong, "right": right}))
