"""Starts the built `verify-emulator` binary for the official twilio SDK suite.

The binary comes from VERIFY_EMULATOR_BIN (the test script sets it after `swift build`).
Each test module gets a fresh emulator on a free loopback port with its own SQLite file.
"""
import itertools
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import requests
import verify_emulator
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

ACCOUNT_SID = "AC" + "c0" * 16
AUTH_TOKEN = "compat-suite-token"
#: The account and service of an emulator started with no accounts or fixtures configured.
DEFAULT_ACCOUNT = (verify_emulator.DEFAULT_ACCOUNT_SID, verify_emulator.DEFAULT_AUTH_TOKEN)
DEFAULT_SERVICE = verify_emulator.DEFAULT_SERVICE_SID
OTHER_SID = "AC" + "d1" * 16
OTHER_TOKEN = "other-token"
ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures" / "accounts.json"


def binary() -> str:
    path = os.environ.get("VERIFY_EMULATOR_BIN", str(ROOT / ".build" / "debug" / "verify-emulator"))
    if not os.access(path, os.X_OK):
        pytest.fail(f"verify-emulator binary not found at {path}; run swift build first")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Emulator(verify_emulator.Emulator):
    """One running emulator process, started through the project's own Python helper
    (clients/python, installed by scripts/test.sh), so every suite here tests it too."""

    def __init__(self, db: str, args=(), env=None, port=None):
        self.db = db
        # A throwaway database has no folder of its own: its log goes to a temporary file.
        if db == ":memory:":
            log_path = Path(tempfile.mkdtemp(prefix="verify-emulator-")) / "emulator.log"
        else:
            log_path = Path(db).with_suffix(".log")
        started = verify_emulator.launch(
            binary(), port=port or free_port(), db=db, args=args, env=env, log_path=log_path, timeout=10.0)
        super().__init__(started.url, process=started.process, log_path=started.log_path)
        self.ready_after = started.ready_after

    def stop(self) -> int:
        return super().stop()

    def client(self, sid=ACCOUNT_SID, token=AUTH_TOKEN, account_sid=None) -> Client:
        client = Client(sid, token, account_sid) if account_sid else Client(sid, token)
        client.verify.base_url = self.url
        return client

    def messages(self, **filters):
        """The messages as the control API's JSON objects (the helper's own `messages` gives
        typed `Message`s; the suites here read the raw fields)."""
        return self.get("/emulator/v1/messages", filters)["messages"]

    def last_code(self, to: str) -> str:
        messages = self.messages(to=to)
        assert messages, f"no message was sent to {to}"
        return messages[0]["code"]


SECRET = "k3v9-Qz8r!Lp2Xw7#Mn4Tb6Yc1Hd5Jf0Gs-pytest"


def auth_binary() -> str:
    path = os.environ.get("AUTH_SERVER_BIN", str(ROOT / ".build" / "debug" / "auth-server"))
    if not os.access(path, os.X_OK):
        pytest.fail(f"auth-server binary not found at {path}; run swift build first")
    return path


def start_auth_server(folder, env, name="auth"):
    """One auth-server process run from `folder` with `env` on top of ours (on `env["PORT"]` when
    given); returns (url, process, log) once it answers /healthz."""
    port = int(env.get("PORT") or free_port())
    environment = dict(os.environ)
    environment.update({"SECRET_KEY": SECRET, "AUTH_SERVER_DEVELOPMENT": "1"})
    environment.update(env)
    environment["PORT"] = str(port)
    log_path = Path(folder) / f"{name}.log"
    log = open(log_path, "wb")
    process = subprocess.Popen([auth_binary()], cwd=folder, env=environment, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{name} exited with {process.returncode}: " + log_path.read_text())
        try:
            if requests.get(url + "/healthz", timeout=0.5).status_code == 200:
                return url, process, log
        except requests.ConnectionError:
            time.sleep(0.05)
    process.kill()
    pytest.fail(f"{name} did not start: " + log_path.read_text())


def start_stack(tmp_path, extra_env=None):
    """An emulator and an auth-server process in development mode against it."""
    emulator = Emulator(str(tmp_path / "emulator.sqlite"))
    url, process, log = start_auth_server(tmp_path, {"TWILIO_VERIFY_BASE_URL": emulator.url, **(extra_env or {})})
    return emulator, url, process, log


def stop_stack(emulator, process, log):
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=10) == 0
    log.close()
    assert emulator.stop() == 0


_numbers = itertools.count(5550100)


def number() -> str:
    """A fresh E.164 number per use, so the per-recipient send limit never couples tests."""
    return f"+1500{next(_numbers)}"


def expect_error(call, status: int, code: int):
    """Runs an SDK call that must fail with Twilio's `status` and `code`."""
    with pytest.raises(TwilioRestException) as raised:
        call()
    assert raised.value.status == status, raised.value
    assert raised.value.code == code, raised.value
    return raised.value


@pytest.fixture(scope="module")
def emulator(tmp_path_factory):
    db = str(tmp_path_factory.mktemp("emulator") / "state.sqlite")
    running = Emulator(
        db,
        args=["--account-sid", ACCOUNT_SID, "--auth-token", AUTH_TOKEN, "--fixtures", str(FIXTURES)],
        env={"VERIFY_EMULATOR_QUIET": "0"},
    )
    yield running
    assert running.stop() == 0, running.output()


@pytest.fixture
def default_emulator(tmp_path):
    """An emulator of the test's own with the defaults (DEFAULT_ACCOUNT, DEFAULT_SERVICE), its
    state in a file; it must stop cleanly."""
    running = Emulator(str(tmp_path / "emulator.sqlite"))
    yield running
    assert running.stop() == 0, running.output()


@pytest.fixture
def client(emulator):
    return emulator.client()


@pytest.fixture(scope="module")
def helper_emulator():
    """An emulator started by the Python helper (`clients/python`), as a user's suite starts one:
    the default account, no fixtures; it must stop cleanly."""
    import verify_emulator

    with verify_emulator.Emulator.start(binary()) as running:
        yield running
    assert running.process.returncode == 0


@pytest.fixture
def helper_client(helper_emulator):
    """The official SDK pointed at `helper_emulator`, on its default account."""
    import verify_emulator
    from twilio.rest import Client

    client = Client(verify_emulator.DEFAULT_ACCOUNT_SID, verify_emulator.DEFAULT_AUTH_TOKEN)
    client.verify.base_url = helper_emulator.url
    return client


@pytest.fixture
def service(client):
    service = client.verify.v2.services.create(friendly_name="Compat App")
    yield service
    try:
        client.verify.v2.services(service.sid).delete()
    except Exception:
        pass


def chromium_paths():
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if not browser or not driver:
        pytest.fail("chromium and chromium-driver are needed (scripts/test.sh installs them)")
    return browser, driver


@pytest.fixture
def browser():
    binary, driver_path = chromium_paths()
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,900"]:
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    yield driver
    driver.quit()


def add_passkey_authenticator(browser):
    """WebDriver's virtual authenticator: a platform passkey store (CTAP2, resident keys) whose
    user is always present and verified."""
    from selenium.webdriver.common.virtual_authenticator import VirtualAuthenticatorOptions
    options = VirtualAuthenticatorOptions()
    options.protocol = VirtualAuthenticatorOptions.Protocol.CTAP2
    options.transport = VirtualAuthenticatorOptions.Transport.INTERNAL
    options.has_resident_key = True
    options.has_user_verification = True
    options.is_user_verified = True
    browser.add_virtual_authenticator(options)


@pytest.fixture
def web(tmp_path, request):
    """An emulator and an auth server in development mode against it, for the pages' browser
    tests; `@pytest.mark.parametrize("web", [{"NAME": "value"}], indirect=True)` adds settings."""
    emulator, url, process, log = start_stack(tmp_path, getattr(request, "param", None))
    yield emulator, url
    stop_stack(emulator, process, log)
