"""The live inbox in a real browser: headless Chromium (Debian's chromium and chromium-driver)
driven by selenium. A code sent through the API appears without reloading the page."""
import os

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import DEFAULT_ACCOUNT, DEFAULT_SERVICE


def test_code_appears_live_without_reload(default_emulator, browser):
    client = default_emulator.client(*DEFAULT_ACCOUNT)
    browser.get(default_emulator.url + "/")
    assert "Verify Emulator" in browser.title
    WebDriverWait(browser, 10).until(lambda d: "on" in d.find_element(By.ID, "live").get_attribute("class"))
    browser.execute_script("window.__notReloaded = true;")

    client.verify.v2.services(DEFAULT_SERVICE).verifications.create(to="+15005550006", channel="sms")
    code = default_emulator.last_code("+15005550006")

    phone = WebDriverWait(browser, 10).until(lambda d: d.find_element(By.CSS_SELECTOR, '.phone[data-to="+15005550006"]'))
    WebDriverWait(browser, 10).until(lambda d: code in phone.find_element(By.CSS_SELECTOR, ".code").text)
    assert browser.execute_script("return window.__notReloaded === true;"), "the page must not reload"
    assert phone.find_element(By.CSS_SELECTOR, "button.copy").get_attribute("data-code") == code

    # the pending verification shows up with its time left, and the clock is shown
    WebDriverWait(browser, 10).until(lambda d: "+15005550006" in d.find_element(By.ID, "services").text)
    assert browser.find_element(By.ID, "clock").text.endswith("Z")

    # a second message to another recipient arrives as a new phone, still without reload
    client.verify.v2.services(DEFAULT_SERVICE).verifications.create(to="demo@example.com", channel="email")
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, '.phone[data-to="demo@example.com"]'))
    assert browser.execute_script("return window.__notReloaded === true;")

    if os.environ.get("INBOX_SCREENSHOT"):
        for to in ["+447700900123", "+15005550100"]:
            client.verify.v2.services(DEFAULT_SERVICE).verifications.create(to=to, channel="sms")
        WebDriverWait(browser, 10).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".phone")) == 4)
        browser.save_screenshot(os.environ["INBOX_SCREENSHOT"])


def test_virtual_device_enrolled_and_approved_from_the_page(default_emulator, browser):
    """The inbox's form enrols a virtual device; its challenge appears with Approve and Deny, and a
    click answers it as the phone would, without reloading the page."""
    client = default_emulator.client(*DEFAULT_ACCOUNT)
    browser.get(default_emulator.url + "/")
    browser.find_element(By.CSS_SELECTOR, "#enrol input[name=identity]").send_keys("demo-user-0001")
    browser.find_element(By.CSS_SELECTOR, "#enrol button").click()
    status = WebDriverWait(browser, 10).until(
        lambda d: d.find_element(By.ID, "enrol-status").text or None)
    assert status.startswith("Enrolled YF") and "demo-user-0001" in status, status
    factor_sid = status.split()[1]
    entity = client.verify.v2.services(DEFAULT_SERVICE).entities("demo-user-0001")
    assert entity.factors(factor_sid).fetch().status == "verified"

    challenges = [entity.challenges.create(factor_sid=factor_sid, details_message=m) for m in ("Log in?", "Pay?")]
    for challenge, button in zip(challenges, ["approve", "deny"]):
        selector = f'button[data-answer="{button}"][data-challenge="{challenge.sid}"]'
        WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, selector))[0].click()
        WebDriverWait(browser, 10).until(lambda d: entity.challenges(challenge.sid).fetch().status != "pending")
    assert [entity.challenges(c.sid).fetch().status for c in challenges] == ["approved", "denied"]
    WebDriverWait(browser, 10).until(
        lambda d: "No pending push challenges" in d.find_element(By.ID, "push").text)

    # a bad identity is said on the page
    field = browser.find_element(By.CSS_SELECTOR, "#enrol input[name=identity]")
    field.clear()
    field.send_keys("bad identity!")
    browser.find_element(By.CSS_SELECTOR, "#enrol button").click()
    WebDriverWait(browser, 10).until(lambda d: "identity" in d.find_element(By.ID, "enrol-status").text.lower()
                                     and not d.find_element(By.ID, "enrol-status").text.startswith("Enrolled"))


def test_events_stream_carries_messages(default_emulator):
    client = default_emulator.client(*DEFAULT_ACCOUNT)
    with requests.get(default_emulator.url + "/emulator/v1/events", stream=True, timeout=10) as stream:
        assert stream.headers["Content-Type"].startswith("text/event-stream")
        client.verify.v2.services(DEFAULT_SERVICE).verifications.create(to="+15005550006", channel="sms")
        event = None
        for line in stream.iter_lines(decode_unicode=True):
            if line == "event: message":
                event = "message"
            elif event == "message" and line.startswith("data: "):
                assert '"to":"+15005550006"' in line.replace(" ", "")
                break
        else:
            pytest.fail("no message event")


def test_header_stays_one_line_at_phone_width(default_emulator, browser):
    """At 390 px (a phone) the title and the clock share one line, frozen badge included, and
    nothing overflows the header."""
    browser.set_window_size(390, 844)
    for frozen in (False, True):
        if frozen:
            requests.post(default_emulator.url + "/emulator/v1/clock", json={"frozen": True}).raise_for_status()
        browser.get(default_emulator.url + "/")
        width = browser.execute_script("return document.documentElement.clientWidth")
        assert width <= 420, f"the viewport is {width} px, not a phone's"
        header = browser.find_element(By.TAG_NAME, "header")
        title = header.find_element(By.TAG_NAME, "h1")
        clock = header.find_element(By.CLASS_NAME, "clock")
        assert abs(title.rect["y"] - clock.rect["y"]) < 12, (title.rect, clock.rect)
        assert header.rect["height"] < 60, header.rect
        assert title.rect["height"] < 30 and clock.rect["height"] < 30, (title.rect, clock.rect)
        assert browser.execute_script("var h = document.querySelector('header'); return h.scrollWidth <= h.clientWidth")
        assert clock.rect["x"] + clock.rect["width"] <= width


def test_each_card_shows_its_time_left_and_greys_out_once_used_or_expired(default_emulator, browser):
    client = default_emulator.client(*DEFAULT_ACCOUNT)
    service = client.verify.v2.services(DEFAULT_SERVICE)
    service.verifications.create(to="+15005550041", channel="sms")
    code = default_emulator.last_code("+15005550041")
    browser.get(default_emulator.url + "/")

    def card(to):
        return browser.find_element(By.CSS_SELECTOR, f'.phone[data-to="{to}"] .bubble')

    import re

    WebDriverWait(browser, 10).until(
        lambda d: re.fullmatch(r"\d+:\d\d left", card("+15005550041").find_element(By.CLASS_NAME, "state").text))
    assert "done" not in card("+15005550041").get_attribute("class")
    # used: the check approves it, and the card greys out without a reload
    assert service.verification_checks.create(to="+15005550041", code=code).status == "approved"
    WebDriverWait(browser, 10).until(lambda d: "done" in card("+15005550041").get_attribute("class"))
    assert card("+15005550041").find_element(By.CLASS_NAME, "state").text == "used"

    # expired: the emulator clock moves past the code's ten minutes
    service.verifications.create(to="+15005550042", channel="sms")
    WebDriverWait(browser, 10).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, '.phone[data-to="+15005550042"] .bubble .state')
        and "left" in card("+15005550042").find_element(By.CLASS_NAME, "state").text)
    default_emulator.advance_clock(601)
    WebDriverWait(browser, 10).until(lambda d: card("+15005550042").find_element(By.CLASS_NAME, "state").text == "expired")
    assert "done" in card("+15005550042").get_attribute("class")
