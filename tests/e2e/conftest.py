"""Browser tests: headless Chromium driven by Selenium against the live test server.

They fail, never skip, when Chromium is missing: `scripts/ensure-browser` installs it.
"""

import shutil

import pytest
from selenium import webdriver

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


def headless_chromium(*, window_size: str, log_console: bool = False) -> webdriver.Chrome:
    """Debian's Chromium, headless, without the background calls this closed network refuses."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--lang=fr-FR",
        f"--window-size={window_size}",
    ):
        options.add_argument(argument)
    if log_console:
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(CHROMEDRIVER))
    driver.implicitly_wait(5)
    return driver


@pytest.fixture
def browser():
    driver = headless_chromium(window_size="390,900")  # a prescriber's phone
    yield driver
    driver.quit()
