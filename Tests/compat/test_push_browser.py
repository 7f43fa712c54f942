"""A push-approval login in a real browser (headless Chromium, selenium), approved in the
emulator's own inbox: the auth server's page says which identity and service to enrol, the
inbox's form enrols a virtual phone, the login waits (its script polls) and the inbox's Approve
button signs the user in. A denied request says so on the page.
"""
import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from test_web_browser import Shots, click_and_wait, confirm_password, fill, wait_path


def answer_in_inbox(browser, emulator, inbox, answer):
    """Clicks Approve or Deny on the inbox's pending challenge, in the inbox's window."""
    login_window = browser.current_window_handle
    browser.switch_to.window(inbox)
    button = WebDriverWait(browser, 10).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, f'#push button[data-answer="{answer}"]'))[0]
    button.click()
    WebDriverWait(browser, 10).until(lambda d: "No pending push challenges" in d.find_element(By.ID, "push").text)
    browser.switch_to.window(login_window)


@pytest.mark.parametrize("web", [{"PUSH_LOGIN": "1"}], indirect=True)
def test_push_login_approved_in_the_emulator_inbox(web, browser):
    emulator, url = web
    browser.set_window_size(1100, 900)
    shots = Shots(browser)
    requests.post(url + "/api/accounts/register", json={
        "username": "joan", "email": "joan@example.com", "password": "enigma-machine"}, timeout=10).raise_for_status()
    browser.get(url + "/login")
    fill(browser, {"login": "joan", "password": "enigma-machine"})
    wait_path(browser, "/profile")
    click_and_wait(browser, browser.find_element(By.ID, "add-push"))
    confirm_password(browser, "enigma-machine")
    wait_path(browser, "/profile/2fa/push")
    hint = browser.find_element(By.ID, "emulator-hint")
    identity, service_sid = [code.text for code in hint.find_elements(By.TAG_NAME, "code")]
    shots.take("push-setup")

    # enrol a virtual phone with the inbox's form, in a second window
    auth_window = browser.current_window_handle
    browser.switch_to.new_window("window")
    browser.get(emulator.url + "/")
    inbox = browser.current_window_handle
    Select(browser.find_element(By.CSS_SELECTOR, "#enrol select[name=service_sid]")).select_by_value(service_sid)
    browser.find_element(By.CSS_SELECTOR, "#enrol input[name=identity]").send_keys(identity)
    browser.find_element(By.CSS_SELECTOR, "#enrol button").click()
    status = WebDriverWait(browser, 10).until(lambda d: d.find_element(By.ID, "enrol-status").text or None)
    assert status.startswith("Enrolled YF"), status
    browser.switch_to.window(auth_window)
    click_and_wait(browser, browser.find_element(By.ID, "confirm-push"))
    wait_path(browser, "/profile/recovery-codes")
    click_and_wait(browser, browser.find_element(By.ID, "saved-codes"))
    assert "On" in browser.find_element(By.ID, "push").text

    # log in again: the page waits for the phone; Approve in the inbox signs in
    click_and_wait(browser, browser.find_element(By.ID, "logout"))
    fill(browser, {"login": "joan", "password": "enigma-machine"})
    wait_path(browser, "/login/verify")
    assert "Waiting for your phone" in browser.find_element(By.ID, "push-status").text
    shots.take("login-verify-push")
    answer_in_inbox(browser, emulator, inbox, "approve")
    WebDriverWait(browser, 15).until(lambda d: d.current_url.endswith("/profile"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "joan"

    # a denied request is refused on the page, which offers to send a new one
    click_and_wait(browser, browser.find_element(By.ID, "logout"))
    fill(browser, {"login": "joan", "password": "enigma-machine"})
    wait_path(browser, "/login/verify")
    answer_in_inbox(browser, emulator, inbox, "deny")
    WebDriverWait(browser, 15).until(
        lambda d: "denied on your phone" in (d.find_elements(By.CSS_SELECTOR, ".alert") or [None])[0].text
        if d.find_elements(By.CSS_SELECTOR, ".alert") else False)
    assert browser.find_element(By.ID, "send-push").text.startswith("Ask")
