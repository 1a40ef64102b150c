"""What the browser tests share: how Chromium is started, the console watch that fails a test on
errors, CSP violations and failed requests, and small steps every journey takes."""

import contextlib
import re
from urllib.parse import urlsplit

from django.urls import reverse
from playwright.sync_api import ConsoleMessage, Page, Response, expect

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
TIMEOUT_MS = 5_000

# Reports every CSP violation on the console, in case Chromium's own "Refused to ..." line is missing.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`Content Security Policy violation: ${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


class ConsoleLog:
    """Console errors, uncaught page errors and failed responses of every page in a browser context."""

    def __init__(self):
        self.errors: list[str] = []
        self.failed_responses: list[str] = []

    def attach(self, page: Page) -> None:
        page.on("console", lambda msg: self._console(page, msg))
        page.on("pageerror", lambda exc: self.errors.append(f"[{page.url}] page error: {exc}"))
        page.on("response", self._response)

    def _console(self, page: Page, msg: ConsoleMessage) -> None:
        if msg.type == "error":
            self.errors.append(f"[{page.url}] {msg.text} ({msg.location.get('url', '')})")

    def _response(self, response: Response) -> None:
        if response.status >= 400:
            self.failed_responses.append(f"{response.status} {response.request.method} {response.url}")


def submit(page: Page, form_selector: str) -> None:
    """Press the submit button of the form and wait for the page that answers."""
    with page.expect_navigation():
        page.locator(form_selector).locator("[type=submit]").first.click()


def path_of(page: Page) -> str:
    return urlsplit(page.url).path


def html_lang(page: Page) -> str | None:
    return page.locator("html").get_attribute("lang")


def choose_language(page: Page, live_url: str, language: str) -> None:
    page.goto(live_url + reverse("public:home"))
    assert html_lang(page) != language, "the browser should start in the other language"
    switcher = page.locator(f'form[action="{reverse("set_language")}"]')
    with page.expect_navigation():
        switcher.locator(f'[type=submit][name=language][value="{language}"]').click()
    assert html_lang(page) == language
    expect(switcher.locator(f'[value="{language}"]')).to_have_attribute("aria-current", "true")


def print_failure_report(contexts, console: ConsoleLog) -> None:
    """For a failing test's report: where each browser was, what it showed, and what the console said."""
    for context in contexts:
        for open_page in context.pages:
            with contextlib.suppress(Exception):
                print(f"--- {open_page.url}\n{open_page.locator('body').inner_text(timeout=1_000)[:3000]}")
    print("--- console errors:", *console.errors, "--- failed responses:", *console.failed_responses, sep="\n")


def assert_clean_console(console: ConsoleLog) -> None:
    """No CSP violation, no console or page error, no failed response."""
    csp = [e for e in console.errors if re.search(r"Content.Security.Policy|Refused to", e, re.IGNORECASE)]
    assert not csp, "CSP violations:\n" + "\n".join(csp)
    assert not console.errors, "console or page errors:\n" + "\n".join(console.errors)
    assert not console.failed_responses, "failed responses:\n" + "\n".join(console.failed_responses)
