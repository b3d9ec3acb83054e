"""Every page each role reaches, audited in Chromium: axe-core (locked in package-lock.json,
installed by scripts/ensure-browser) finds no serious or critical violation, and every
piece of text stands out from the colour really behind it (tests/e2e/contrast.js).

The pages are found as a person finds them: from the role's landing page, following the
links of each page (downloads, sign-out, the API and the Django admin aside). Pages that
differ only by an id are audited once.
"""

from __future__ import annotations

import re
from collections import deque
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.management import call_command
from selenium.webdriver.common.by import By

from tests.e2e.conftest import headless_chromium
from tests.e2e.test_content_security_policy import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CONTRAST = Path(__file__).with_name("contrast.js").read_text()
DEMO_ACCOUNTS = ["admin", "conseiller", "flotte", "moniteur", "prescripteur", "financeur"]
SKIPPED = re.compile(r"^/(api|admin|static|deconnexion)/|\.(pdf|csv|xlsx|json)$|/export")
PAGES_PER_ROLE = 60

RUN_AXE = """
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ["violations"]}).then(
  (result) => done(result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => v.id + " (" + v.impact + "): "
      + v.nodes.map((n) => n.target.join(" ")).join(", "))),
  (error) => done(["axe failed: " + error]),
);
"""


def shape(url: str) -> str:
    """A page's kind: its path with ids as N, and the names (not values) of its query."""
    parts = urlsplit(url)
    names = sorted({name for name, _value in parse_qsl(parts.query)})
    return re.sub(r"\d+", "N", parts.path) + ("?" + "&".join(names) if names else "")


def audit(browser) -> list[str]:
    if not browser.execute_script("return typeof axe !== 'undefined'"):
        browser.execute_script(AXE.read_text())
    problems = browser.execute_async_script(RUN_AXE)
    problems += [f"contrast {failure}" for failure in browser.execute_script(CONTRAST)]
    return problems


def links(browser, origin: str) -> list[str]:
    found = []
    for anchor in browser.find_elements(By.CSS_SELECTOR, "a[href]"):
        href = anchor.get_attribute("href") or ""
        if not href.startswith(origin + "/"):
            continue
        path = href[len(origin) :].split("#")[0]
        if path and not SKIPPED.search(urlsplit(path).path):
            found.append(path)
    return found


@pytest.fixture
def audited_browser():
    assert AXE.exists(), "axe-core is missing: run scripts/ensure-browser"
    driver = headless_chromium(window_size="1366,900")
    driver.set_script_timeout(30)
    yield driver
    driver.quit()


def test_every_page_of_every_role_passes_axe_and_the_contrast_check(audited_browser, live_server):
    call_command("seed_demo", stdout=None)
    browser = audited_browser
    problems: dict[str, list[str]] = {}
    audited = 0
    browser.get(f"{live_server.url}/connexion/")
    if found := audit(browser):
        problems["anonymous /connexion/"] = found
    for username in DEMO_ACCOUNTS:
        sign_in(browser, live_server, username)
        queue = deque(["/"])
        seen_shapes = set()
        while queue and len(seen_shapes) < PAGES_PER_ROLE:
            path = queue.popleft()
            if shape(path) in seen_shapes:
                continue
            seen_shapes.add(shape(path))
            browser.get(f"{live_server.url}{path}")
            audited += 1
            if found := audit(browser):
                problems[f"{username} {path}"] = found
            queue.extend(links(browser, live_server.url))
        # Each role really walked its part of the site, not only its landing page.
        assert len(seen_shapes) >= 3, (username, seen_shapes)
    print(f"\naxe-core and contrast: {audited} pages audited for {len(DEMO_ACCOUNTS)} roles")
    assert problems == {}


def test_the_contrast_check_sees_through_a_transparent_button(audited_browser):
    """White text on a transparent button over a white panel: invisible, so it must fail
    (the diagnostic's "Annuler" button once was exactly that)."""
    audited_browser.get(
        "data:text/html;charset=utf-8,<div style='background:%23fff'>"
        "<a style='color:%23fff;background:transparent'>Annuler</a>"
        "<a style='color:%230b4f5c'>Revenir aux questions</a></div>"
    )
    failures = audited_browser.execute_script(CONTRAST)
    assert failures == ['a. "Annuler": 1.00 < 4.5']


PHONE_PAGES = {
    "admin": ["/", "/auto-ecole/", "/auto-ecole/semaine/", "/flotte/", "/beneficiaires/"],
    "prescripteur": ["/fiches/", "/fiches/nouvelle/"],
    "financeur": ["/rapports/"],
}


def test_on_a_phone_no_page_pans_sideways(live_server):
    """At 390 px, the page never scrolls sideways: wide tables stack, the menu scrolls
    within its own row."""
    call_command("seed_demo", stdout=None)
    browser = headless_chromium(window_size="390,844")
    try:
        wide = {}
        for username, paths in PHONE_PAGES.items():
            sign_in(browser, live_server, username)
            for path in paths:
                browser.get(f"{live_server.url}{path}")
                overflow = browser.execute_script(
                    "return document.documentElement.scrollWidth"
                    " - document.documentElement.clientWidth"
                )
                if overflow > 0:
                    wide[f"{username} {path}"] = overflow
        assert wide == {}
    finally:
        browser.quit()
