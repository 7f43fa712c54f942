"""The auth server's web pages in a real browser: headless Chromium (Debian's chromium and
chromium-driver) driven by selenium, against the auth-server and verify-emulator binaries.
Register, turn two-factor on with the code the emulator captured, log out, log in with the
password and a code, turn two-factor off.

With SCREENSHOT_DIR set, the main pages are saved there as PNG (docs/screens in the README).
"""
import os
from pathlib import Path

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.support.ui import WebDriverWait


PHONE = "+14155550177"


def newest_code(emulator, to, after=0):
    """The code of the newest message to `to` once there are more than `after` messages."""
    for _ in range(50):
        messages = requests.get(emulator.url + "/emulator/v1/messages", params={"to": to}, timeout=5).json()["messages"]
        if len(messages) > after:
            return messages[0]["code"], len(messages)
        requests.get(emulator.url + "/emulator/v1/messages", params={"to": to, "wait": "200ms"}, timeout=5)
    pytest.fail(f"no new message to {to}")


class Shots:
    def __init__(self, browser):
        self.browser = browser
        self.directory = os.environ.get("SCREENSHOT_DIR")

    def take(self, name):
        if self.directory:
            Path(self.directory).mkdir(parents=True, exist_ok=True)
            self.browser.save_screenshot(str(Path(self.directory) / f"{name}.png"))


def click_and_wait(browser, element):
    """Clicks and waits until the next page has replaced this one and finished loading."""
    browser.execute_script("window.__oldPage = true;")

    def loaded(driver):
        try:
            return driver.execute_script(
                "return window.__oldPage !== true && document.readyState === 'complete';")
        except WebDriverException:  # mid-navigation
            return False

    element.click()
    WebDriverWait(browser, 10).until(loaded)


def fill(browser, fields, submit="submit"):
    for name, value in fields.items():
        element = browser.find_element(By.NAME, name)
        element.clear()
        element.send_keys(value)
    click_and_wait(browser, browser.find_element(By.ID, submit))


def wait_path(browser, path):
    WebDriverWait(browser, 10).until(lambda d: d.current_url.split("?")[0].endswith(path))


def confirm_password(browser, password):
    """The pages' sudo mode: a change that adds a sign-in method asks for the password first."""
    wait_path(browser, "/profile/confirm")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Confirm it is you"
    fill(browser, {"current_password": password}, submit="confirm")


def test_register_enable_two_factor_log_in_with_code_disable(web, browser):
    emulator, url = web
    browser.set_window_size(1100, 820)
    shots = Shots(browser)

    browser.get(url + "/")
    assert browser.title == "Welcome · Auth Server"
    shots.take("home")

    # register; a mismatched confirmation is shown next to its field first
    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "Create an account"))
    wait_path(browser, "/register")
    fill(browser, {"username": "ada", "email": "ada@example.com", "password": "analytical-engine",
                   "password_confirmation": "analytical-engin"})
    assert browser.find_element(By.ID, "password_confirmation-error").text == "The passwords do not match"
    assert browser.find_element(By.NAME, "username").get_attribute("value") == "ada"
    shots.take("register-errors")
    fill(browser, {"password": "analytical-engine", "password_confirmation": "analytical-engine"})
    wait_path(browser, "/profile")
    assert browser.find_element(By.TAG_NAME, "h1").text == "ada"
    assert "Off" in browser.find_element(By.ID, "two-factor").text
    session = next(c for c in browser.get_cookies() if c["name"] == "auth_session")
    assert session["httpOnly"] is True
    assert session["sameSite"] == "Lax"

    # turn two-factor on: a wrong code first, then the one the emulator captured
    click_and_wait(browser, browser.find_element(By.ID, "enable-2fa"))
    confirm_password(browser, "analytical-engine")
    wait_path(browser, "/profile/2fa/enable")
    shots.take("enable-2fa")
    fill(browser, {"phone_number": "+1 415 555 0177"}, submit="send-code")
    wait_path(browser, "/profile/2fa/enable")
    code, sent = newest_code(emulator, PHONE)
    fill(browser, {"code": "000000" if code != "000000" else "111111"}, submit="confirm")
    assert "not right" in browser.find_element(By.ID, "code-error").text
    shots.take("enable-2fa-code")
    fill(browser, {"code": code}, submit="confirm")
    # the first second factor comes with ten recovery codes, shown this once
    wait_path(browser, "/profile/recovery-codes")
    assert "Two-factor authentication is on" in browser.find_element(By.CSS_SELECTOR, ".flash").text
    assert len(browser.find_elements(By.CSS_SELECTOR, "#recovery-codes li")) == 10
    shots.take("recovery-codes")
    click_and_wait(browser, browser.find_element(By.ID, "saved-codes"))
    wait_path(browser, "/profile")
    assert "On" in browser.find_element(By.ID, "two-factor").text
    assert "10 unused" in browser.find_element(By.ID, "recovery").text
    shots.take("profile")

    # log out; log in with the password, then the SMS code
    click_and_wait(browser, browser.find_element(By.ID, "logout"))
    wait_path(browser, "/login")
    assert "You are logged out" in browser.find_element(By.CSS_SELECTOR, ".flash").text
    browser.get(url + "/profile")
    wait_path(browser, "/login")
    fill(browser, {"login": "ada", "password": "analytical-engine"})
    wait_path(browser, "/login/verify")
    assert "+1••••••0177" in browser.find_element(By.TAG_NAME, "main").text
    browser.get(url + "/profile")  # not signed in until the code is approved
    wait_path(browser, "/login")
    browser.get(url + "/login/verify")
    shots.take("login-verify")
    code, sent = newest_code(emulator, PHONE, after=sent)
    fill(browser, {"code": code})
    wait_path(browser, "/profile")
    assert browser.find_element(By.TAG_NAME, "h1").text == "ada"

    # edit the profile
    click_and_wait(browser, browser.find_element(By.ID, "edit-profile"))
    wait_path(browser, "/profile/edit")
    browser.find_element(By.NAME, "about").send_keys("First programmer.")
    shots.take("edit-profile")
    click_and_wait(browser, browser.find_element(By.ID, "submit"))
    wait_path(browser, "/profile")
    assert browser.find_element(By.ID, "about").text == "First programmer."

    # turn two-factor off with a fresh code
    click_and_wait(browser, browser.find_element(By.ID, "disable-2fa"))
    wait_path(browser, "/profile/2fa/disable")
    click_and_wait(browser, browser.find_element(By.ID, "send-code"))
    WebDriverWait(browser, 10).until(lambda d: "sent=1" in d.current_url)
    code, sent = newest_code(emulator, PHONE, after=sent)
    shots.take("disable-2fa")
    fill(browser, {"code": code}, submit="confirm")
    wait_path(browser, "/profile")
    assert "Off" in browser.find_element(By.ID, "two-factor").text

    # the password alone logs in now
    click_and_wait(browser, browser.find_element(By.ID, "logout"))
    wait_path(browser, "/login")
    shots.take("login")
    fill(browser, {"login": "ada@example.com", "password": "analytical-engine"})
    wait_path(browser, "/profile")


def test_password_reset_by_email(web, browser):
    emulator, url = web
    shots = Shots(browser)
    requests.post(url + "/api/accounts/register", json={
        "username": "grace", "email": "grace@example.com", "password": "compiler-first"}, timeout=10).raise_for_status()
    browser.get(url + "/login")
    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "Forgot your password?"))
    wait_path(browser, "/reset")
    fill(browser, {"email": "grace@example.com"})
    wait_path(browser, "/reset/confirm")
    code, _ = newest_code(emulator, "grace@example.com")
    fill(browser, {"code": code, "password": "cobol-rules-59", "password_confirmation": "cobol-rules-59"})
    wait_path(browser, "/login")
    assert "Your password is changed" in browser.find_element(By.CSS_SELECTOR, ".flash").text
    fill(browser, {"login": "grace", "password": "compiler-first"})
    assert browser.find_element(By.CSS_SELECTOR, ".alert").text == "Wrong username or password"
    fill(browser, {"password": "cobol-rules-59"})
    wait_path(browser, "/profile")


def test_delete_the_account_from_the_profile(web, browser):
    """The profile's "Delete your account": the password, then the account is gone, the browser
    signed out, and the name free again. The page's own CSP lets its form post."""
    emulator, url = web
    requests.post(url + "/api/accounts/register", json={
        "username": "heidi", "email": "heidi@example.com", "password": "lamport-clocks-78"}, timeout=10).raise_for_status()
    browser.get(url + "/login")
    fill(browser, {"login": "heidi", "password": "lamport-clocks-78"})
    wait_path(browser, "/profile")
    assert "Account created" in browser.find_element(By.ID, "activity").text
    click_and_wait(browser, browser.find_element(By.ID, "delete-account"))
    wait_path(browser, "/profile/delete")
    fill(browser, {"current_password": "not-the-password"})
    assert "This is not your current password" in browser.page_source
    fill(browser, {"current_password": "lamport-clocks-78"})
    wait_path(browser, "/")
    assert "Your account is deleted" in browser.find_element(By.CSS_SELECTOR, ".flash").text
    browser.get(url + "/profile")
    wait_path(browser, "/login")
    login = requests.post(url + "/api/accounts/login", json={"login": "heidi", "password": "lamport-clocks-78"},
                          timeout=10)
    assert login.status_code == 401


def test_pages_fit_a_phone_screen(web, browser):
    _, url = web
    browser.set_window_size(390, 844)
    browser.get(url + "/register")
    width = browser.execute_script("return document.documentElement.scrollWidth")
    assert width <= 390, "no sideways scrolling on a phone"
    Shots(browser).take("register-phone")
