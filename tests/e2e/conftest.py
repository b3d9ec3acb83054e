"""Browser tests: headless Chromium driven by Selenium against the live test server.

They fail, never skip, when Chromium is missing: `scripts/ensure-browser` installs it.
"""

import shutil

import pytest
from selenium import webdriver

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


@pytest.fixture
def browser():
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
        "--window-size=390,900",  # a prescriber's phone
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(CHROMEDRIVER))
    driver.implicitly_wait(5)
    yield driver
    driver.quit()
