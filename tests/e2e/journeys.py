"""A person's journey through the site, counted as they live it: the pages they see, the
taps, the fields they type. Each step is saved as a screenshot (JOURNEY_SCREENSHOTS, by
default tmp/journeys/<journey>/), so a reviewer can look at what the person saw."""

from __future__ import annotations

import os
import re
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

ROOT = Path(__file__).resolve().parents[2]


class Journey:
    def __init__(self, browser, live_server, name: str):
        self.browser = browser
        self.base = live_server.url
        self.name = name
        self.pages = self.clicks = self.typed = 0
        self.folder = Path(os.environ.get("JOURNEY_SCREENSHOTS", ROOT / "tmp" / "journeys")) / name
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.png"):
            old.unlink()

    # --- what the person does

    def open(self, path: str) -> None:
        self.browser.get(f"{self.base}{path}")
        self._arrived()

    def sign_in(self, username: str, password: str) -> None:
        self.open("/connexion/")
        self.type("username", username)
        self.type("password", password)
        self.press("main form button[type=submit]")

    def follow(self, link_text: str) -> None:
        self._navigate(self.browser.find_element(By.PARTIAL_LINK_TEXT, link_text))

    def press(self, selector: str) -> None:
        """A button that sends a form (CSS selector), then the page it leads to."""
        self._navigate(self.browser.find_element(By.CSS_SELECTOR, selector))

    def press_text(self, text: str) -> None:
        """The button of the page (not the header's) that says `text`."""
        buttons = self.browser.find_elements(By.CSS_SELECTOR, "main button")
        self._navigate(next(button for button in buttons if text in button.text))

    def tick(self, selector: str) -> None:
        self.clicks += 1
        self.browser.find_element(By.CSS_SELECTOR, selector).click()

    def unfold(self, summary_text: str) -> None:
        """A folded section of a form (<details>), opened by a tap on its summary."""
        self.clicks += 1
        self.browser.find_element(By.XPATH, f"//summary[contains(., '{summary_text}')]").click()

    def choose(self, name: str, value: str) -> None:
        self.clicks += 1
        Select(self.browser.find_element(By.NAME, name)).select_by_value(str(value))

    def type(self, name: str, value: str) -> None:
        self.typed += 1
        field = self.browser.find_element(By.NAME, name)
        if field.get_attribute("type") == "date":
            # A date input takes the browser's locale order; set it as the form posts it.
            self.browser.execute_script("arguments[0].value = arguments[1]", field, value)
        else:
            field.clear()
            field.send_keys(value)

    # --- what the test reads

    @property
    def page(self) -> str:
        return self.browser.page_source

    @property
    def path(self) -> str:
        return self.browser.current_url.removeprefix(self.base)

    def report(self) -> str:
        line = (
            f"{self.name}: {self.pages} pages, {self.clicks} clicks, {self.typed} typed fields "
            f"(screenshots in {self.folder})"
        )
        print("\n" + line)
        return line

    # --- plumbing

    def _navigate(self, element) -> None:
        self.clicks += 1
        self.browser.execute_script("window.__previous_page = true")
        element.click()
        WebDriverWait(self.browser, 15).until(
            lambda driver: driver.execute_script(
                "return window.__previous_page === undefined && document.readyState === 'complete'"
            )
        )
        self._arrived()

    def _arrived(self) -> None:
        self.pages += 1
        slug = re.sub(r"[^a-z0-9]+", "-", self.path.lower()).strip("-") or "accueil"
        self.browser.save_screenshot(str(self.folder / f"{self.pages:02d}-{slug[:60]}.png"))
