"""The inbox as the emulator's console, in headless Chromium: codes first on a phone, phones side
by side on a wide screen, search and pins, every control (clock, fixed codes, faults, snapshots,
reset) changing the emulator as its control API then reports, the request log with a failed
check's hint, keyboard use, and no layout break from 320 to 1,920 px."""
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

import pytest
from conftest import DEFAULT_ACCOUNT as AUTH, DEFAULT_SERVICE as SERVICE


def send(emulator, to):
    answer = requests.post(f"{emulator.url}/v2/Services/{SERVICE}/Verifications", auth=AUTH,
                           data={"To": to, "Channel": "sms"}, timeout=10)
    assert answer.status_code == 201, answer.text
    return answer.json()


def control(emulator, path):
    return requests.get(emulator.url + "/emulator/v1/" + path, timeout=10).json()


def wait(browser, condition, timeout=10):
    return WebDriverWait(browser, timeout).until(lambda d: condition(d))


def click(browser, css):
    """Clicks the first element `css` matches once there is one, in one script: the lists of
    codes, faults and snapshots are redrawn every few seconds."""
    wait(browser, lambda d: d.execute_script(
        "var b = document.querySelector(arguments[0]); if (!b) return false; b.click(); return true;", css))


def status_text(browser):
    return browser.find_element(By.ID, "control-status").text


def test_at_phone_width_the_newest_code_and_its_copy_button_are_on_the_first_screen(default_emulator, browser):
    for number in ("+15005550701", "+15005550702", "+15005550703"):
        send(default_emulator, number)
    browser.set_window_size(390, 844)
    browser.get(default_emulator.url + "/")
    height = browser.execute_script("return window.innerHeight")
    card = browser.find_element(By.CSS_SELECTOR, "#phones .phone .bubble")
    copy = card.find_element(By.CSS_SELECTOR, "button.copy")
    assert card.find_element(By.CLASS_NAME, "code").text == control(default_emulator, "messages?limit=1")["messages"][0]["code"]
    assert card.rect["y"] + card.rect["height"] <= height, (card.rect, height)
    assert copy.rect["y"] + copy.rect["height"] <= height and copy.is_displayed(), (copy.rect, height)


def test_at_desktop_width_the_phones_sit_side_by_side(default_emulator, browser):
    for number in ("+15005550711", "+15005550712", "+15005550713"):
        send(default_emulator, number)
    browser.set_window_size(1280, 900)
    browser.get(default_emulator.url + "/")
    phones = browser.find_elements(By.CSS_SELECTOR, "#phones .phone")
    assert len(phones) == 3
    assert abs(phones[0].rect["y"] - phones[1].rect["y"]) < 2 and phones[1].rect["x"] > phones[0].rect["x"]
    # the controls beside the inbox, not under it
    controls = browser.find_element(By.ID, "controls")
    assert controls.rect["x"] > phones[0].rect["x"] + phones[0].rect["width"]
    assert controls.rect["y"] < phones[0].rect["y"] + phones[0].rect["height"]


def test_search_filters_by_number_and_a_pinned_phone_stays_first(default_emulator, browser):
    send(default_emulator, "+15005550721")
    send(default_emulator, "+15005550722")
    browser.get(default_emulator.url + "/")
    browser.find_element(By.ID, "search").send_keys("0721")
    visible = lambda d: [p.get_attribute("data-to") for p in d.find_elements(By.CSS_SELECTOR, "#phones .phone")
                         if p.is_displayed()]
    wait(browser, lambda d: visible(d) == ["+15005550721"])
    browser.find_element(By.ID, "search").send_keys(Keys.BACKSPACE * 4)
    wait(browser, lambda d: len(visible(d)) == 2)
    pin = browser.find_element(By.CSS_SELECTOR, '.phone[data-to="+15005550721"] button.pin')
    assert pin.get_attribute("aria-label") == "Pin +15005550721 first"
    pin.click()
    assert pin.get_attribute("aria-pressed") == "true"
    # new activity on another number: live, and the pinned phone still shows first
    send(default_emulator, "+15005550723")
    wait(browser, lambda d: len(visible(d)) == 3)
    ordered = sorted(browser.find_elements(By.CSS_SELECTOR, "#phones .phone"),
                     key=lambda p: (round(p.rect["y"]), p.rect["x"]))
    assert ordered[0].get_attribute("data-to") == "+15005550721"
    # the pin survives a reload (kept in the browser)
    browser.refresh()
    pinned = wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, '.phone[data-to="+15005550721"] button.pin'))
    wait(browser, lambda d: pinned.get_attribute("aria-pressed") == "true")


def test_the_clock_controls_move_and_freeze_the_clock(default_emulator, browser):
    browser.get(default_emulator.url + "/")
    before = control(default_emulator, "clock")["offset_seconds"]
    browser.find_element(By.CSS_SELECTOR, 'button[data-advance="600"]').click()
    wait(browser, lambda d: "Clock moved 600 s" in status_text(d))
    assert control(default_emulator, "clock")["offset_seconds"] - before == pytest.approx(600, abs=1)
    # by keyboard: the +1 min button focused and Enter pressed
    one = browser.find_element(By.CSS_SELECTOR, 'button[data-advance="60"]')
    browser.execute_script("arguments[0].focus()", one)
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    wait(browser, lambda d: "Clock moved 60 s" in status_text(d))
    assert control(default_emulator, "clock")["offset_seconds"] - before == pytest.approx(660, abs=1)
    field = browser.find_element(By.ID, "advance-seconds")
    field.send_keys("-300")
    field.send_keys(Keys.ENTER)
    wait(browser, lambda d: "Clock moved back 300 s" in status_text(d))
    assert control(default_emulator, "clock")["offset_seconds"] - before == pytest.approx(360, abs=1)
    freeze = browser.find_element(By.ID, "freeze")
    freeze.click()
    wait(browser, lambda d: "Clock frozen" in status_text(d))
    assert control(default_emulator, "clock")["frozen"] is True
    assert freeze.get_attribute("aria-pressed") == "true" and freeze.text == "Unfreeze"
    assert browser.find_element(By.ID, "frozen-badge").text == "frozen"
    freeze.click()
    wait(browser, lambda d: "Clock running" in status_text(d))
    assert control(default_emulator, "clock")["frozen"] is False


def test_fixed_codes_and_faults_are_added_and_removed_and_errors_are_shown(default_emulator, browser):
    browser.get(default_emulator.url + "/")
    browser.find_element(By.ID, "fixed-code").send_keys("246810")
    browser.find_element(By.ID, "fixed-to").send_keys("+15005550731")
    browser.find_element(By.CSS_SELECTOR, "#code-form button").click()
    wait(browser, lambda d: "get the code 246810" in status_text(d))
    assert {"code": "246810", "to": "+15005550731"} in control(default_emulator, "codes")["codes"]
    send(default_emulator, "+15005550731")
    assert control(default_emulator, "messages?to=%2B15005550731")["messages"][0]["code"] == "246810"
    wait(browser, lambda d: d.execute_script(
        "var b = document.querySelector('#codes button'); return b && b.getAttribute('aria-label');")
        == "Remove the fixed code for +15005550731")
    click(browser, "#codes button")
    wait(browser, lambda d: "Fixed code removed" in status_text(d))
    assert control(default_emulator, "codes")["codes"] == []
    assert browser.find_element(By.ID, "fixed-code").get_attribute("value") == "", "a form is emptied after it worked"

    # a refusal: the control API's own reason, shown as an error
    browser.find_element(By.ID, "fixed-code").send_keys("12")
    browser.execute_script("document.getElementById('fixed-code').removeAttribute('minlength')")
    browser.find_element(By.CSS_SELECTOR, "#code-form button").click()
    wait(browser, lambda d: "answered 400" in status_text(d))
    assert "code must be 4 to 10 letters or digits" in status_text(browser)
    assert "error" in browser.find_element(By.ID, "control-status").get_attribute("class")

    Select(browser.find_element(By.ID, "fault-endpoint")).select_by_value("verifications")
    browser.find_element(By.ID, "fault-error").send_keys("60410")
    browser.find_element(By.ID, "fault-times").send_keys("1")
    browser.find_element(By.CSS_SELECTOR, "#fault-form button").click()
    wait(browser, lambda d: "answers 60410" in status_text(d))
    (rule,) = control(default_emulator, "faults")["faults"]
    assert rule["endpoint"] == "verifications" and rule["error"]["code"] == 60410 and rule["times"] == 1
    click(browser, "#faults button")
    wait(browser, lambda d: f"Fault {rule['id']} removed" in status_text(d))
    assert control(default_emulator, "faults")["faults"] == []


def test_snapshots_are_saved_restored_and_deleted_and_reset_forgets_everything(default_emulator, browser):
    send(default_emulator, "+15005550741")
    browser.get(default_emulator.url + "/")
    browser.find_element(By.ID, "snapshot-name").send_keys("seeded")
    browser.find_element(By.CSS_SELECTOR, "#snapshot-form button").click()
    wait(browser, lambda d: "Snapshot seeded saved" in status_text(d))
    assert [s["name"] for s in control(default_emulator, "snapshots")["snapshots"]] == ["seeded"]

    browser.find_element(By.ID, "reset").click()
    wait(browser, lambda d: "Reset" in status_text(d))
    assert control(default_emulator, "messages")["messages"] == []
    wait(browser, lambda d: not d.find_elements(By.CSS_SELECTOR, "#phones .phone"))

    click(browser, '#snapshots button[data-restore="seeded"]')
    wait(browser, lambda d: "Snapshot seeded restored" in status_text(d))
    assert len(control(default_emulator, "messages")["messages"]) == 1
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, '#phones .phone[data-to="+15005550741"]'))

    click(browser, '#snapshots button[data-delete-snapshot="seeded"]')
    wait(browser, lambda d: "Snapshot seeded deleted" in status_text(d))
    assert control(default_emulator, "snapshots")["snapshots"] == []


def test_the_request_log_shows_a_failed_check_with_its_hint_and_filters(default_emulator, browser):
    browser.get(default_emulator.url + "/")
    send(default_emulator, "+15005550751")
    failed = requests.post(f"{default_emulator.url}/v2/Services/{SERVICE}/VerificationCheck", auth=AUTH,
                           data={"To": "+15005550752", "Code": "123456"}, timeout=10)
    assert failed.status_code == 404
    request_id = failed.headers["Twilio-Request-Id"]
    # read in one script: the table is redrawn every two seconds
    table = lambda d: d.execute_script("""return Array.from(document.querySelectorAll('#requests tr')).map(function (r) {
        return {failed: r.classList.contains('failed'), cells: Array.from(r.cells).map(function (c) { return c.textContent; })}; });""")
    rows = lambda d: [" ".join(row["cells"]) for row in table(d)]
    found = wait(browser, lambda d: [row for row in table(d) if request_id in " ".join(row["cells"])])
    cells = found[0]["cells"]
    assert cells[1] == "POST /v2/Services/VA…/VerificationCheck\n" + request_id, "the sids in a path are shortened"
    assert cells[2] == "404" and cells[3] == "20404"
    assert cells[4] == "no verification matches on service " + SERVICE and cells[5] == "+15005550752"
    assert found[0]["failed"]
    browser.find_element(By.ID, "errors-only").click()
    wait(browser, lambda d: len(rows(d)) == 1 and request_id in rows(d)[0])
    browser.find_element(By.ID, "errors-only").click()
    browser.find_element(By.ID, "log-to").send_keys("0751")
    wait(browser, lambda d: len(rows(d)) == 1 and "+15005550751" in rows(d)[0] and "201" in rows(d)[0])


def test_every_control_has_a_name_and_no_width_breaks_the_layout(default_emulator, browser):
    send(default_emulator, "+15005550761")
    browser.get(default_emulator.url + "/")
    unnamed = browser.execute_script("""
        return Array.from(document.querySelectorAll('button, input, select')).filter(function (el) {
          if (el.type === 'hidden') return false;
          var name = el.getAttribute('aria-label') || (el.labels && el.labels.length && el.labels[0].textContent.trim())
            || (el.tagName === 'BUTTON' && el.textContent.trim());
          return !name;
        }).map(function (el) { return el.outerHTML.slice(0, 80); });""")
    assert unnamed == []
    # WCAG AA: 4.5:1 for the text of every button, heading, label, status and card line
    low = browser.execute_script("""
        function rgb(text) { var m = text.match(/[\\d.]+/g).map(Number); return m.length > 3 && m[3] === 0 ? null : m; }
        function lum(c) { var v = c.slice(0, 3).map(function (x) { x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
          return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; }
        function background(el) { for (; el; el = el.parentElement) { var c = rgb(getComputedStyle(el).backgroundColor); if (c) return c; } return [255, 255, 255]; }
        return Array.from(document.querySelectorAll('button, h2, h3, label, .status, .meta span, .sid, .left, td, th, .to span, summary'))
          .filter(function (el) { return el.offsetParent !== null && el.textContent.trim() && !el.closest('.done') && !el.disabled; })
          .map(function (el) { var a = lum(rgb(getComputedStyle(el).color)), b = lum(background(el));
            return [el.tagName + '.' + el.className + ' ' + el.textContent.trim().slice(0, 20), (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)]; })
          .filter(function (pair) { return pair[1] < 4.5; });""")
    assert low == [], low
    for width in (320, 390, 768, 1024, 1280, 1920):
        browser.set_window_size(width, 900)
        overflow = browser.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{overflow} px of horizontal scroll at {width} px"


def test_the_screenshot_script_draws_the_page_at_both_widths(tmp_path):
    """scripts/inbox-screenshots.py makes the README's pictures from a real default_emulator and browser."""
    import os
    import struct
    import subprocess
    import sys
    from conftest import ROOT
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "inbox-screenshots.py"), str(tmp_path)],
                            capture_output=True, text=True, timeout=120, env=dict(os.environ))
    assert result.returncode == 0, result.stdout + result.stderr
    for name, width in (("inbox-390.png", 390), ("inbox-1280.png", 1280)):
        header = (tmp_path / name).read_bytes()[:24]
        assert header[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">I", header[16:20])[0] == width, name
        assert f"(docs/{name})" in (ROOT / "README.md").read_text(), f"the README shows docs/{name}"
