"""The whole account journey in headless Chromium, in Swedish and in English: sign up, confirm the
e-mail address from the link in the message, log in, activate TOTP (with a code computed here from the
secret on the page), see the recovery codes, log out and log in again with password and TOTP code.
Console errors, page errors and Content-Security-Policy violations fail the test."""

import base64
import hashlib
import hmac
import re
import struct
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core import mail
from django.urls import reverse
from playwright.sync_api import Page, expect

from accounts.models import User

from .helpers import (
    CSP_LISTENER,
    TIMEOUT_MS,
    ConsoleLog,
    assert_clean_console,
    choose_language,
    path_of,
    print_failure_report,
    submit,
)

pytestmark = pytest.mark.browser

PASSWORD = "Vinter-Ljus-2931!"
TOTP_PERIOD = 30
TOTP_DIGITS = 6

# What allauth's catalogues give for the strings the journey checks, per language.
TEXTS = {
    "sv": {"sign_in": "Logga in", "confirm_subject": "Vänligen bekräfta din epost-adress"},
    "en": {"sign_in": "Sign In", "confirm_subject": "Please Confirm Your Email Address"},
}
# The browser asks for the other language first, so the switcher has something to change.
OTHER_LOCALE = {"sv": "en-GB", "en": "sv-SE"}

# --- RFC 6238 TOTP (HMAC-SHA1, 30 s steps, 6 digits), as an authenticator app computes it ---------------


def hotp(secret: str, counter: int, digits: int = TOTP_DIGITS) -> str:
    key = base64.b32decode(secret.replace(" ", "").upper() + "=" * (-len(secret.replace(" ", "")) % 8))
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


def totp_counter(at: float | None = None) -> int:
    return int(time.time() if at is None else at) // TOTP_PERIOD


def fresh_totp(secret: str, *, after_counter: int | None = None, margin: float = 3.0) -> tuple[str, int]:
    """The current code, waiting for the next time step when the current one is about to end (allauth
    accepts only the current step) or when it is `after_counter`'s step (a code already used)."""
    while True:
        now = time.time()
        remaining = TOTP_PERIOD - now % TOTP_PERIOD
        counter = totp_counter(now)
        if remaining > margin and (after_counter is None or counter > after_counter):
            return hotp(secret, counter), counter
        time.sleep(remaining + 0.05)


def test_hotp_matches_rfc_4226_test_vectors():
    secret = base64.b32encode(b"12345678901234567890").decode()
    expected = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"]
    assert [hotp(secret, counter) for counter in range(10)] == expected


# --- Helpers --------------------------------------------------------------------------------------------


def log_in_with_password(page: Page, live_url: str, email: str, expected_heading: str) -> None:
    page.goto(live_url + reverse("account_login"))
    expect(page.locator("h1").first).to_have_text(expected_heading)
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    submit(page, "form:has(input[name=password])")


def assert_logged_in(page: Page, live_url: str, email: str) -> None:
    page.goto(live_url + reverse("public:home"))
    logout = page.locator(f'form[action="{reverse("account_logout")}"] [type=submit]')
    expect(logout).to_be_visible()
    page.goto(live_url + reverse("account_email"))
    assert path_of(page) == reverse("account_email")
    assert email in page.content()


# --- The journey ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["sv", "en"])
def test_signup_confirm_login_and_totp(browser, live_server, language):
    texts = TEXTS[language]
    email = f"applicant-{language}@example.org"
    live_url = live_server.url
    console = ConsoleLog()
    context = browser.new_context(locale=OTHER_LOCALE[language])
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    context.add_init_script(CSP_LISTENER)
    context.on("page", console.attach)
    try:
        page = context.new_page()

        # 0. Choose the language with the switcher in the navbar; the login page follows it.
        choose_language(page, live_url, language)
        page.goto(live_url + reverse("account_login"))
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.locator("h1").first).to_have_text(texts["sign_in"])
        expect(page.locator("form:has(input[name=login]) [type=submit]").first).to_contain_text(texts["sign_in"])

        # 1. Sign up; the "verification sent" page follows.
        page.goto(live_url + reverse("account_signup"))
        expect(page.locator("html")).to_have_attribute("lang", language)
        page.locator("input[name=email]").fill(email)
        page.locator("input[name=password1]").fill(PASSWORD)
        page.locator("input[name=password2]").fill(PASSWORD)
        submit(page, "form:has(input[name=password2])")
        assert path_of(page) == reverse("account_email_verification_sent"), page.url
        user = User.objects.get(email=email)
        assert not EmailAddress.objects.filter(user=user, verified=True).exists()

        # 2. One confirmation message, in the chosen language; its link confirms the address.
        messages = [m for m in mail.outbox if email in m.to]
        assert len(messages) == 1, [(m.to, m.subject) for m in mail.outbox]
        assert texts["confirm_subject"] in messages[0].subject
        assert messages[0].subject.startswith(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX.strip())
        links = re.findall(r"https?://\S+/confirm-email/\S+/", messages[0].body)
        assert len(links) == 1, messages[0].body
        page.goto(links[0])
        # The form posts to a freshly signed key (it embeds a timestamp), so match the URL's prefix only.
        confirm_prefix = reverse("account_confirm_email", args=["key"]).removesuffix("key/")
        submit(page, f'form[action^="{confirm_prefix}"]')
        assert EmailAddress.objects.get(user=user, email=email).verified

        # 3. Log in with e-mail and password.
        log_in_with_password(page, live_url, email, texts["sign_in"])
        assert path_of(page) == reverse(settings.LOGIN_REDIRECT_URL), page.url

        # 4. From the MFA page to TOTP activation; the code comes from the secret shown on the page.
        page.goto(live_url + reverse("mfa_index"))
        activate_path = reverse("mfa_activate_totp")
        with page.expect_navigation():
            page.locator(f'a[href="{activate_path}"]').first.click()
        if path_of(page) == reverse("account_reauthenticate"):
            # allauth (65.x) asks for the password again before adding an authenticator, even right after login.
            page.locator("input[name=password]").fill(PASSWORD)
            submit(page, "form:has(input[name=password])")
        assert path_of(page) == activate_path, page.url
        secret = page.locator("#authenticator_secret").input_value().strip()
        assert re.fullmatch(r"[A-Z2-7]{16,}=*", secret), secret
        code, activation_counter = fresh_totp(secret)
        page.locator("input[name=code]").fill(code)
        submit(page, "form:has(input[name=code])")
        assert path_of(page) != activate_path, "the TOTP code was refused: " + page.locator("main").inner_text()
        types = set(Authenticator.objects.filter(user=user).values_list("type", flat=True))
        assert types == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}

        page.goto(live_url + reverse("mfa_view_recovery_codes"))
        codes = page.locator("#recovery_codes").input_value().split()
        assert len(codes) == settings.MFA_RECOVERY_CODE_COUNT, codes
        assert all(re.fullmatch(r"[A-Za-z0-9]{6,}", c) for c in codes), codes

        # 5. Log out, log in again: after the password allauth asks for a code.
        page.goto(live_url + reverse("account_logout"))
        submit(page, f'form[action="{reverse("account_logout")}"]')
        page.goto(live_url + reverse("account_email"))
        assert path_of(page) == reverse("account_login"), page.url

        log_in_with_password(page, live_url, email, texts["sign_in"])
        assert path_of(page) == reverse("mfa_authenticate"), page.url
        code, counter = fresh_totp(secret)
        page.locator("input[name=code]").fill(code)
        submit(page, "form:has(input[name=code])")
        if path_of(page) == reverse("mfa_authenticate") and counter == activation_counter:
            # The activation code's time step: allauth may refuse a code it has seen. Use the next one.
            code, counter = fresh_totp(secret, after_counter=activation_counter)
            page.locator("input[name=code]").fill(code)
            submit(page, "form:has(input[name=code])")
        assert path_of(page) == reverse(settings.LOGIN_REDIRECT_URL), page.url
        assert_logged_in(page, live_url, email)

        assert_clean_console(console)
    except Exception:
        # For the failure report: where the browser was and what it showed.
        print_failure_report([context], console)
        raise
    finally:
        context.close()
