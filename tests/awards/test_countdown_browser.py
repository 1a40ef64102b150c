"""The countdown on the edition page, run by headless Chromium under the site's strict CSP."""

import os
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connections
from django.urls import reverse
from playwright.sync_api import expect, sync_playwright

from tests.factories import EditionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = "/usr/bin/chromium"
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`Content Security Policy violation: ${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


@pytest.fixture
def page(live_server, monkeypatch):
    # Playwright's sync API keeps an event loop running in the test thread; the ORM would refuse.
    monkeypatch.setitem(os.environ, "DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"], headless=True)
        context = browser.new_context(locale="en-GB")
        context.set_default_timeout(5_000)
        context.add_init_script(CSP_LISTENER)
        context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
        page = context.new_page()
        page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        yield page
        browser.close()
        # Inside Playwright's sync API the ORM opens a connection of its own; close it, or the
        # test database cannot be dropped at the end of the run.
        connections.close_all()
    assert errors == []


def test_countdown_ticks_every_second(live_server, page):
    now = datetime.now(UTC)
    EditionFactory(
        year=2032, nominations_open_at=now - timedelta(days=1), nominations_close_at=now + timedelta(days=2, hours=3)
    )

    page.goto(live_server.url + reverse("awards:edition_detail", args=[2032]))

    remaining = page.locator("[data-countdown-remaining]")
    expect(remaining).to_have_text(re.compile(r"^2 days 0[23]:\d\d:\d\d$"))
    first = remaining.text_content()
    expect(remaining).not_to_have_text(first, timeout=2_500)


def test_countdown_says_when_the_deadline_has_come(live_server, page):
    now = datetime.now(UTC)
    EditionFactory(
        year=2032, nominations_open_at=now - timedelta(days=1), nominations_close_at=now + timedelta(seconds=3)
    )

    page.goto(live_server.url + reverse("awards:edition_detail", args=[2032]))

    expect(page.locator("[data-countdown-status]")).to_have_text(
        "The time has come. Reload the page to see the next step.", timeout=6_000
    )
