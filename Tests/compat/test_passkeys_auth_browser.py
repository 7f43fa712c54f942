"""Passkeys on the auth server's pages in a real browser: headless Chromium with WebDriver's
virtual authenticator registers a passkey from the profile (the page's own script runs WebAuthn
against options from Verify Passkeys on the emulator), then signs in with it from the login page
without a username or password. The pages are opened at http://localhost:PORT, the relying
party development mode sets on its Verify service.
"""
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import add_passkey_authenticator
from test_web_browser import Shots, click_and_wait, confirm_password, fill, wait_path


def test_passkey_registered_from_the_profile_signs_in_without_a_username(web, browser):
    emulator, url = web
    url = url.replace("127.0.0.1", "localhost")  # the relying party is localhost
    browser.set_window_size(1100, 900)
    shots = Shots(browser)
    requests.post(url + "/api/accounts/register", json={
        "username": "katherine", "email": "kj@example.com", "password": "orbital-mechanics"}, timeout=10).raise_for_status()
    browser.get(url + "/login")
    add_passkey_authenticator(browser)

    fill(browser, {"login": "katherine", "password": "orbital-mechanics"})
    wait_path(browser, "/profile")
    assert "None yet" in browser.find_element(By.ID, "passkeys").text
    # adding a sign-in method asks for the password first, then comes back to the profile
    click_and_wait(browser, browser.find_element(By.ID, "add-passkey"))
    confirm_password(browser, "orbital-mechanics")
    wait_path(browser, "/profile")
    click_and_wait(browser, browser.find_element(By.ID, "add-passkey"))
    wait_path(browser, "/profile")
    assert "Passkey added" in browser.find_element(By.CSS_SELECTOR, ".flash").text
    assert "Passkey added" in browser.find_element(By.ID, "passkeys").text
    assert len(browser.get_credentials()) == 1
    shots.take("passkeys-profile")

    click_and_wait(browser, browser.find_element(By.ID, "logout"))
    wait_path(browser, "/login")
    shots.take("login-passkey")
    click_and_wait(browser, browser.find_element(By.ID, "passkey-login"))
    wait_path(browser, "/profile")
    assert browser.find_element(By.TAG_NAME, "h1").text == "katherine"

    # a removed passkey no longer signs in: the page says so and stays on the login form;
    # removing one asks for the password first (a passkey sign-in is no proof for this session)
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "#passkeys button.link"))
    confirm_password(browser, "orbital-mechanics")
    wait_path(browser, "/profile")
    browser.find_element(By.CSS_SELECTOR, "#passkeys button.link").click()
    WebDriverWait(browser, 10).until(lambda d: "Passkey removed" in d.find_element(By.CSS_SELECTOR, ".flash").text)
    click_and_wait(browser, browser.find_element(By.ID, "logout"))
    browser.find_element(By.ID, "passkey-login").click()
    WebDriverWait(browser, 10).until(lambda d: "not accepted" in d.find_element(By.ID, "passkey-status").text)
    assert browser.current_url.endswith("/login")
