"""The authenticator-app second factor in a real browser (headless Chromium, selenium): decode the
set-up page's QR code from its pixels (zbar), read the secret off the page, compute codes with
pyotp as an authenticator app does, turn it on,
log in with password + TOTP code, then with a recovery code, and remove it with a fresh code.

The emulator's clock moves forward 30 s before each code, so every code is a new time step's:
an accepted code is never accepted twice.
"""
import subprocess
from urllib.parse import parse_qs, unquote, urlparse

import pyotp
import requests
from selenium.webdriver.common.by import By

from test_web_browser import Shots, click_and_wait, confirm_password, fill, wait_path


def next_code(emulator, totp):
    """The app's code for the next time step, on the emulator's clock."""
    clock = requests.post(emulator.url + "/emulator/v1/clock", json={"advance_seconds": 30}, timeout=5).json()
    return totp.at(clock["epoch_ms"] / 1000)


def test_authenticator_app_enrol_log_in_recover_remove(web, browser, tmp_path):
    emulator, url = web
    browser.set_window_size(1100, 900)
    shots = Shots(browser)
    requests.post(url + "/api/accounts/register", json={
        "username": "hedy", "email": "hedy@example.com", "password": "frequency-hopping"}, timeout=10).raise_for_status()
    browser.get(url + "/login")
    fill(browser, {"login": "hedy", "password": "frequency-hopping"})
    wait_path(browser, "/profile")
    assert "Off" in browser.find_element(By.ID, "totp").text

    # set the app up from the page: the QR code is there, the secret is read as a person types it
    click_and_wait(browser, browser.find_element(By.ID, "add-totp"))
    confirm_password(browser, "frequency-hopping")
    wait_path(browser, "/profile/2fa/totp")
    click_and_wait(browser, browser.find_element(By.ID, "start-totp"))
    wait_path(browser, "/profile/2fa/totp")
    qr = browser.find_element(By.CSS_SELECTOR, "#qr svg")
    assert qr.size["width"] >= 150 and qr.get_attribute("aria-label").startswith("QR code")
    typed = browser.find_element(By.ID, "secret").text
    totp = pyotp.TOTP(typed.replace(" ", ""))
    # a phone's camera reads the QR code: zbar (Debian's zbar-tools) decodes the rendered pixels
    picture = tmp_path / "qr.png"
    picture.write_bytes(qr.screenshot_as_png)
    decoded = subprocess.run(["zbarimg", "--quiet", "--raw", str(picture)], capture_output=True, text=True, timeout=20)
    assert decoded.returncode == 0, decoded.stderr
    uri = urlparse(decoded.stdout.strip())
    assert (uri.scheme, uri.netloc) == ("otpauth", "totp")
    assert unquote(uri.path) == "/Auth Server (dev):hedy"
    assert parse_qs(uri.query)["secret"] == [typed.replace(" ", "")]
    shots.take("totp-setup")
    fill(browser, {"code": "000000" if totp.now() != "000000" else "111111"}, submit="confirm")
    assert "not right" in browser.find_element(By.ID, "code-error").text
    fill(browser, {"code": next_code(emulator, totp)}, submit="confirm")
    wait_path(browser, "/profile/recovery-codes")
    codes = [item.text for item in browser.find_elements(By.CSS_SELECTOR, "#recovery-codes li")]
    assert len(codes) == 10
    shots.take("totp-recovery-codes")
    click_and_wait(browser, browser.find_element(By.ID, "saved-codes"))
    assert "On" in browser.find_element(By.ID, "totp").text
    assert "Authenticator app added" in browser.find_element(By.ID, "events").text

    # log out; log in with the password and the app's code
    click_and_wait(browser, browser.find_element(By.ID, "logout"))
    fill(browser, {"login": "hedy", "password": "frequency-hopping"})
    wait_path(browser, "/login/verify")
    assert "authenticator app" in browser.find_element(By.TAG_NAME, "main").text
    shots.take("login-verify-totp")
    fill(browser, {"code": next_code(emulator, totp)})
    wait_path(browser, "/profile")
    assert browser.find_element(By.TAG_NAME, "h1").text == "hedy"

    # and once with a recovery code, which then is spent
    click_and_wait(browser, browser.find_element(By.ID, "logout"))
    fill(browser, {"login": "hedy", "password": "frequency-hopping"})
    click_and_wait(browser, browser.find_element(By.ID, "use-recovery"))
    fill(browser, {"code": codes[0]})
    wait_path(browser, "/profile")
    assert "9 unused" in browser.find_element(By.ID, "recovery").text
    shots.take("profile-factors")

    # remove the app with a fresh code from it
    click_and_wait(browser, browser.find_element(By.ID, "remove-totp"))
    wait_path(browser, "/profile/2fa/totp/remove")
    assert browser.find_element(By.ID, "method-totp").is_selected()
    fill(browser, {"code": next_code(emulator, totp)}, submit="confirm")
    wait_path(browser, "/profile")
    assert "The authenticator app is removed" in browser.find_element(By.CSS_SELECTOR, ".flash").text
    assert "Off" in browser.find_element(By.ID, "totp").text
    click_and_wait(browser, browser.find_element(By.ID, "logout"))
    fill(browser, {"login": "hedy", "password": "frequency-hopping"})
    wait_path(browser, "/profile")
