"""Screenshots of the live inbox at a phone's width (390 px) and a desktop's (1,280 px), from a
real emulator with a few codes, a used one, a fault, a snapshot and a failed check in its request
log, so the README's pictures show the page as it is.

    .venv/bin/python scripts/inbox-screenshots.py [FOLDER]     (default: docs)

Needs the project's venv (selenium, clients/python), Debian's chromium and chromium-driver, and
the built emulator (VERIFY_EMULATOR_BIN, or .build/debug/verify-emulator).
"""
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import requests
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from verify_emulator import Emulator

ROOT = Path(__file__).resolve().parent.parent
AUTH = ("AC00000000000000000000000000000000", "emulator-auth-token")
SERVICE = "VA00000000000000000000000000000000"
WIDTHS = {"inbox-390.png": (390, 844), "inbox-1280.png": (1280, 900)}


def seed(emulator):
    """Codes to three numbers (one used), a fault rule, a snapshot and a failed check."""
    verifications = f"{emulator.url}/v2/Services/{SERVICE}/Verifications"
    for number in ("+15005550006", "+14155550123", "+447700900123", "+15005550006"):
        requests.post(verifications, auth=AUTH, data={"To": number, "Channel": "sms"}, timeout=10).raise_for_status()
    used = emulator.wait_for_code("+14155550123")
    requests.post(f"{emulator.url}/v2/Services/{SERVICE}/VerificationCheck", auth=AUTH,
                  data={"To": "+14155550123", "Code": used}, timeout=10).raise_for_status()
    requests.post(f"{emulator.url}/v2/Services/{SERVICE}/VerificationCheck", auth=AUTH,
                  data={"To": "+15005550199", "Code": "123456"}, timeout=10)
    emulator.fixed_code("424242", to="+15005550100")
    emulator.fault("verifications", error_code=60410, to="+15005550666")
    emulator.snapshot("seeded")


def main(folder):
    folder.mkdir(parents=True, exist_ok=True)
    binary = os.environ.get("VERIFY_EMULATOR_BIN") or str(ROOT / ".build" / "debug" / "verify-emulator")
    browser_path = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if not browser_path or not driver_path:
        sys.exit("inbox-screenshots: chromium and chromium-driver are needed (apt-get install chromium chromium-driver)")
    data = tempfile.mkdtemp(prefix="inbox-screenshots-")
    with Emulator.start(binary, env={"VERIFY_EMULATOR_DATA_DIR": data}) as emulator:
        seed(emulator)
        options = webdriver.ChromeOptions()
        options.binary_location = browser_path
        for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--hide-scrollbars", "--force-device-scale-factor=1"]:
            options.add_argument(argument)
        browser = webdriver.Chrome(service=Service(driver_path), options=options)
        try:
            for name, (width, height) in WIDTHS.items():
                browser.set_window_size(width, height)
                browser.get(emulator.url + "/")
                # the lists and the request log fill in from the control API, the cards' states too
                deadline = time.monotonic() + 10
                while time.monotonic() < deadline and not browser.execute_script(
                        "return document.querySelector('#requests .failed') && document.querySelector('#snapshots button')"
                        " && document.querySelector('.bubble.done')"):
                    time.sleep(0.1)
                inner = browser.execute_script("return [window.innerWidth, window.innerHeight]")
                # the window's chrome takes some height: the viewport is what the picture shows
                browser.set_window_size(width + (width - inner[0]), height + (height - inner[1]))
                time.sleep(0.3)
                browser.save_screenshot(str(folder / name))
                print(folder / name)
        finally:
            browser.quit()
    shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs")
