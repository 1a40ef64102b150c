"""A startup's nomination from first visit to screening, in headless Chromium and in English.

A new user signs up, confirms the e-mail address and logs in; starts a nomination from the landing
page, saves a partial draft and logs out. On a second visit the draft is found under "My nominations"
with everything typed the first time; the rest is filled in, a real PDF pitch deck uploaded, consent
given and the nomination submitted: the page says so and a confirmation e-mail arrives. An organiser
then marks it eligible on the screening pages, and the applicant's page shows it.
Console errors, page errors, Content-Security-Policy violations and failed requests fail the test."""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.conf import settings
from django.core import mail
from django.urls import reverse
from playwright.sync_api import BrowserContext, Locator, Page, expect

from accounts.models import User
from nominations.models import Nomination
from tests.factories import AwardFactory, EditionFactory, OrganiserFactory
from tests.nominations.pdfs import real_pdf

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

EMAIL = "founder@sepsissense.example"
PASSWORD = "Kanel-Bulle-4817!"
ORGANISER_EMAIL = "organiser@flemingsbergscience.example"
ORGANISER_PASSWORD = "correct-horse-battery"  # tests/factories.py
STARTUP = "Sepsis Sense AB"
ORG_NUMBER = "556677-8899"

# Typed on the first visit and expected back on the second.
FIRST_VISIT = {
    "website": "https://sepsissense.example",
    "founded_year": "2022",
    "city": "Huddinge",
    "flemingsberg_tie": "Lab bench at the incubator on the Flemingsberg campus; clinical partner at Karolinska Huddinge.",
    "pitch": "A bedside test that finds sepsis in twenty minutes.",
}
# Typed on the second visit.
SECOND_VISIT = {
    "team_size": "6",
    "contact_name": "Maja Ek",
    "contact_phone": "08-123 456 78",
    "problem": "Sepsis is found too late: every hour without antibiotics raises the risk of death.",
    "solution": "A cartridge test run at the bedside that reads a panel of host biomarkers from one drop of blood.",
    "innovation": "The biomarker panel is new and patented; no lab instrument is needed.",
    "market": "Emergency departments and intensive care units, first in the Nordics, then in Europe.",
    "team": "A clinician, a chemist and an engineer, with two advisers from the medtech industry.",
    "impact": "Fewer deaths, shorter hospital stays and less use of broad-spectrum antibiotics.",
    "video_url": "https://video.example/sepsis-sense",
}
SELECTS = {"sector": ("medtech", "Medtech"), "stage": ("clinical", "Clinical or pilot studies")}


# --- Helpers --------------------------------------------------------------------------------------------


def follow(page: Page, link: Locator) -> None:
    """Click a link and wait for the page it opens."""
    with page.expect_navigation():
        link.click()


def nav(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Main navigation")


def messages_box(page: Page) -> Locator:
    return page.locator("main .messages")


def log_in(page: Page, email: str, password: str, *, totp_secret: str | None = None) -> None:
    follow(page, nav(page).get_by_role("link", name="Log in", exact=True))
    assert path_of(page) == reverse("account_login"), page.url
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(password)
    submit(page, "form:has(input[name=password])")
    if totp_secret is not None:
        # Organisers have two-factor authentication: after the password comes the code.
        assert path_of(page) == reverse("mfa_authenticate"), page.url
        code = format_hotp_value(hotp_value(totp_secret, next(yield_hotp_counters_from_time())))
        page.locator("input[name=code]").fill(code)
        submit(page, "form:has(input[name=code])")
    assert path_of(page) == reverse(settings.LOGIN_REDIRECT_URL), page.url
    expect(nav(page).get_by_role("button", name="Log out")).to_be_visible()


def log_out(page: Page) -> None:
    submit(page, f'nav form[action="{reverse("account_logout")}"]')
    expect(nav(page).get_by_role("link", name="Log in", exact=True)).to_be_visible()


def sign_up_and_confirm(page: Page, live_url: str, email: str, password: str) -> User:
    follow(page, nav(page).get_by_role("link", name="Sign up", exact=True))
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password1]").fill(password)
    page.locator("input[name=password2]").fill(password)
    submit(page, "form:has(input[name=password2])")
    assert path_of(page) == reverse("account_email_verification_sent"), page.url
    messages = [m for m in mail.outbox if email in m.to]
    assert len(messages) == 1, [(m.to, m.subject) for m in mail.outbox]
    links = re.findall(r"https?://\S+/confirm-email/\S+/", messages[0].body)
    assert len(links) == 1, messages[0].body
    page.goto(links[0])
    confirm_prefix = reverse("account_confirm_email", args=["key"]).removesuffix("key/")
    submit(page, f'form[action^="{confirm_prefix}"]')
    user = User.objects.get(email=email)
    assert EmailAddress.objects.get(user=user, email=email).verified
    page.goto(live_url + reverse("public:home"))
    return user


def field(page: Page, name: str) -> Locator:
    return page.locator(f"#nomination-form [name={name}]")


def expect_counter(page: Page, name: str, text: str, limit: int) -> None:
    """static/js/nomination-form.js writes "N / limit characters" after the field."""
    counter = page.locator(f"#id_{name}-counter")
    expect(counter).to_have_text(f"{len(text)} / {limit} characters")
    expect(field(page, name)).to_have_attribute("aria-describedby", re.compile(rf"\bid_{name}-counter\b"))


def new_context(browser, console: ConsoleLog) -> BrowserContext:
    # The browser asks for Swedish, so choosing English with the switcher changes something.
    context = browser.new_context(locale="sv-SE")
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    context.add_init_script(CSP_LISTENER)
    context.on("page", console.attach)
    return context


# --- The journey ----------------------------------------------------------------------------------------


def test_nominate_save_draft_come_back_submit_and_be_screened(browser, live_server, tmp_path):
    edition = EditionFactory(award=AwardFactory(slug="startup"))
    organiser = OrganiserFactory(email=ORGANISER_EMAIL)
    deck_path = tmp_path / "sepsis-sense-pitch.pdf"
    deck_path.write_bytes(real_pdf(pages=3))
    live_url = live_server.url
    console = ConsoleLog()
    contexts = [new_context(browser, console)]
    try:
        page = contexts[0].new_page()

        # 1. English, chosen with the switcher in the navbar.
        choose_language(page, live_url, "en")

        # 2. Sign up, confirm the address from the e-mail, log in.
        user = sign_up_and_confirm(page, live_url, EMAIL, PASSWORD)
        log_in(page, EMAIL, PASSWORD)

        # 3. From the landing page: start the nomination, fill in part of it, save the draft, log out.
        page.goto(live_url + reverse("public:home"))
        follow(page, page.get_by_role("link", name="Nominate your startup"))
        assert path_of(page) == reverse("nominations:start", args=[edition.pk]), page.url
        expect(page.locator("h1")).to_have_text("Start a nomination")
        page.locator("input[name=startup_name]").fill(STARTUP)
        page.locator("input[name=org_number]").fill(ORG_NUMBER)
        submit(page, "main form:has(input[name=startup_name])")
        nomination = Nomination.objects.get(submitted_by=user)
        assert path_of(page) == reverse("nominations:edit", args=[nomination.pk]), page.url
        expect(messages_box(page)).to_contain_text("Your draft is saved.")
        expect(field(page, "startup_name")).to_have_value(STARTUP)
        expect(field(page, "org_number")).to_have_value(ORG_NUMBER)

        for name, value in FIRST_VISIT.items():
            field(page, name).fill(value)
        expect_counter(page, "pitch", FIRST_VISIT["pitch"], Nomination.TEXT_LIMITS["pitch"])
        with page.expect_navigation():
            page.get_by_role("button", name="Save draft").click()
        assert path_of(page) == reverse("nominations:edit", args=[nomination.pk]), page.url
        expect(messages_box(page)).to_have_text("Saved.")
        nomination.refresh_from_db()
        assert nomination.status == Nomination.Status.DRAFT
        assert nomination.language == "en"
        assert (nomination.org_number, nomination.city, nomination.founded_year) == (ORG_NUMBER, "Huddinge", 2022)
        log_out(page)

        # 4. Second visit: the draft is under "My nominations", with what was typed the first time.
        log_in(page, EMAIL, PASSWORD)
        follow(page, nav(page).get_by_role("link", name="My nominations"))
        assert path_of(page) == reverse("nominations:mine"), page.url
        row = page.locator("tbody tr", has_text=STARTUP)
        expect(row).to_have_count(1)
        expect(row.locator(".badge")).to_have_text("Draft")
        follow(page, row.get_by_role("link", name=STARTUP))
        assert path_of(page) == reverse("nominations:detail", args=[nomination.pk]), page.url
        expect(page.locator("main")).to_contain_text("This nomination is a draft: it has not been submitted yet.")
        follow(page, page.get_by_role("link", name="Continue editing"))
        assert path_of(page) == reverse("nominations:edit", args=[nomination.pk]), page.url
        expect(field(page, "startup_name")).to_have_value(STARTUP)
        expect(field(page, "org_number")).to_have_value(ORG_NUMBER)
        for name, value in FIRST_VISIT.items():
            expect(field(page, name)).to_have_value(value)
        # The counter starts from the saved text, before anything is typed.
        tie = FIRST_VISIT["flemingsberg_tie"]
        expect_counter(page, "flemingsberg_tie", tie, Nomination.TEXT_LIMITS["flemingsberg_tie"])

        for name, (value, label) in SELECTS.items():
            field(page, name).select_option(label=label)
            expect(field(page, name)).to_have_value(value)
        for name, value in SECOND_VISIT.items():
            field(page, name).fill(value)
        expect_counter(page, "problem", SECOND_VISIT["problem"], Nomination.TEXT_LIMITS["problem"])
        field(page, "pitch_deck_upload").set_input_files(deck_path)
        field(page, "consent").check()
        with page.expect_navigation():
            page.get_by_role("button", name="Submit nomination").click()

        # 5. Submitted: the page says so, the data is stored, a confirmation e-mail went to the applicant.
        assert path_of(page) == reverse("nominations:detail", args=[nomination.pk]), page.locator("main").inner_text()
        expect(messages_box(page)).to_have_text("Your nomination is submitted. A confirmation is on its way by e-mail.")
        expect(page.locator("main h1 + p .badge")).to_have_text("Submitted")
        expect(page.locator("main .alert-success").last).to_contain_text("Submitted on")
        expect(page.get_by_role("link", name="Download the pitch deck")).to_be_visible()
        nomination.refresh_from_db()
        assert nomination.status == Nomination.Status.SUBMITTED
        assert nomination.submitted_at is not None and nomination.consent_at is not None
        assert (nomination.sector, nomination.stage) == ("medtech", "clinical")
        assert nomination.team_size == 6
        for name, value in {**FIRST_VISIT, **SECOND_VISIT}.items():
            if name not in ("founded_year", "team_size"):
                assert getattr(nomination, name) == value, name
        assert nomination.pitch_deck_name == deck_path.name
        with nomination.pitch_deck.open("rb") as stored:
            assert stored.read() == deck_path.read_bytes()

        confirmations = [m for m in mail.outbox if EMAIL in m.to and STARTUP in m.subject]
        assert len(confirmations) == 1, [(m.to, m.subject) for m in mail.outbox]
        assert f"Nomination received: {STARTUP} ({edition.year})" in confirmations[0].subject
        assert reverse("nominations:detail", args=[nomination.pk]) in confirmations[0].body

        # 6. An organiser, in a browser of their own, marks the nomination eligible.
        contexts.append(new_context(browser, console))
        organiser_page = contexts[1].new_page()
        choose_language(organiser_page, live_url, "en")
        log_in(organiser_page, ORGANISER_EMAIL, ORGANISER_PASSWORD, totp_secret=organiser.totp_secret)
        follow(organiser_page, nav(organiser_page).get_by_role("link", name="Screening"))
        assert path_of(organiser_page) == reverse("nominations:organiser_editions"), organiser_page.url
        list_url = reverse("nominations:organiser_list", args=[edition.pk])
        follow(organiser_page, organiser_page.locator(f'main a[href="{list_url}"]'))
        assert path_of(organiser_page) == list_url, organiser_page.url
        row = organiser_page.locator("#bulk-screening tbody tr", has_text=STARTUP)
        expect(row).to_have_count(1)
        expect(row).to_contain_text(ORG_NUMBER)
        expect(row.locator(".badge")).to_have_text("Submitted")
        follow(organiser_page, row.get_by_role("link", name=STARTUP))
        assert path_of(organiser_page) == reverse("nominations:organiser_detail", args=[nomination.pk])
        expect(organiser_page.locator("main h1")).to_have_text(STARTUP)
        expect(organiser_page.locator("main")).to_contain_text(SECOND_VISIT["problem"])
        screening = organiser_page.locator(
            f'form[action="{reverse("nominations:organiser_screen", args=[nomination.pk])}"]'
        )
        screening.locator("input[name=decision][value=eligible]").check()
        submit(organiser_page, f'form[action="{reverse("nominations:organiser_screen", args=[nomination.pk])}"]')
        assert path_of(organiser_page) == reverse("nominations:organiser_detail", args=[nomination.pk])
        expect(messages_box(organiser_page)).to_have_text(f"{STARTUP} is marked eligible.")
        expect(organiser_page.locator("main h1 + p .badge")).to_have_text("Eligible")
        expect(organiser_page.locator("main")).to_contain_text("Found eligible")
        nomination.refresh_from_db()
        assert nomination.status == Nomination.Status.ELIGIBLE
        assert nomination.screened_by == organiser and nomination.screened_at is not None
        # Only a "not eligible" decision is e-mailed to the startup.
        assert [m.subject for m in mail.outbox if EMAIL in m.to and STARTUP in m.subject] == [confirmations[0].subject]

        # The applicant sees the decision on their page; it can no longer be changed there.
        page.reload()
        expect(page.locator("main h1 + p .badge")).to_have_text("Eligible")
        expect(page.locator("main")).to_contain_text("Found eligible")
        expect(page.get_by_role("link", name="Change the nomination")).to_have_count(0)

        assert_clean_console(console)
    except Exception:
        # For the failure report: where each browser was and what it showed.
        print_failure_report(contexts, console)
        raise
    finally:
        for context in contexts:
            context.close()
        for stored in Nomination.objects.exclude(pitch_deck=""):
            stored.pitch_deck.delete(save=False)
