"""A juror's journey from the invitation e-mail to two submitted scorecards, in headless Chromium and in
English.

An organiser invites a person who has no account yet. They open the link in the e-mail, create an
account, confirm the address, log in and come back to the invitation, accept it and are sent to set up
two-factor authentication; until they do, no nomination is shown. With TOTP set up (the code is computed
here from the secret on the page) they declare a conflict of interest with one startup and none with the
other two, save a partly scored draft for one, score and submit the other, then come back to the draft,
finish it and submit. The dashboard's progress follows every step; the database holds the answers and
the scores; the conflicted nomination's page is a 404.
Console errors, page errors, Content-Security-Policy violations and unexpected failed requests fail the
test."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core import mail
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import BrowserContext, Locator, Page, expect

from accounts.models import User
from awards.models import Edition
from jury.models import Assignment, ConflictDeclaration, ConflictKind, JuryMember, JuryPlan, Score, Scorecard
from jury.services.assignments import assignments_generate, jury_plan_release
from jury.services.invitations import invitation_create
from nominations.models import Nomination
from tests.factories import EditionFactory, OrganiserFactory, SubmittedNominationFactory, rubric_for

from .helpers import (
    CSP_LISTENER,
    TIMEOUT_MS,
    ConsoleLog,
    choose_language,
    path_of,
    print_failure_report,
    submit,
)
from .test_signup_mfa import fresh_totp

pytestmark = pytest.mark.browser

JUROR_EMAIL = "eva.lind@karolinska.example"
JUROR_NAME = "Eva Lind"
PASSWORD = "Hjortron-Sylt-5521!"
CONFLICTED, DRAFTED, SUBMITTED_FIRST = "Neuro Lens AB", "Sepsis Sense AB", "Ortho Print AB"
CONFLICT_NOTE = "I sit on its advisory board."
# Criterion position -> score. The draft leaves the last criterion open; finishing it fills it in.
DRAFT_SCORES = {0: 4, 1: 3}
FINISHED_DRAFT_SCORES = {0: 4, 1: 3, 2: 2}
SUBMITTED_SCORES = {0: 5, 1: 4, 2: 2}
DRAFT_COMMENT = "Strong team; the market is less clear."
SUBMITTED_COMMENT = "A clear case, ready for the clinic."
INVITATION_LINK = re.compile(r"https?://\S+/jury/invitations/accept/[A-Za-z0-9_-]+/")


# --- Helpers --------------------------------------------------------------------------------------------


def follow(page: Page, link: Locator) -> None:
    """Click a link and wait for the page it opens."""
    with page.expect_navigation():
        link.click()


def nav(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Main navigation")


def messages_box(page: Page) -> Locator:
    return page.locator("main .messages")


def new_context(browser, console: ConsoleLog) -> BrowserContext:
    # The browser asks for Swedish, so choosing English with the switcher changes something.
    context = browser.new_context(locale="sv-SE")
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    context.add_init_script(CSP_LISTENER)
    context.on("page", console.attach)
    return context


def let_scoring_open(edition: Edition) -> None:
    """Time passes until scoring has been open for an hour. The clock itself cannot move (the live server
    and the TOTP codes share it), so the edition's whole timeline moves back instead."""
    shift = edition.scoring_open_at - timezone.now() + timedelta(hours=1)
    Edition.objects.filter(pk=edition.pk).update(
        **{
            name: F(name) - shift
            for name in (
                "nominations_open_at",
                "nominations_close_at",
                "scoring_open_at",
                "scoring_close_at",
                "announce_at",
            )
        }
    )


def reauthenticate_if_asked(page: Page) -> None:
    # allauth (65.x) asks for the password again before adding an authenticator, even right after login.
    if path_of(page) == reverse("account_reauthenticate"):
        page.locator("input[name=password]").fill(PASSWORD)
        submit(page, "form:has(input[name=password])")


def dashboard_row(page: Page, startup: str) -> Locator:
    return page.locator("main .list-group-item", has_text=startup)


def filter_counts(page: Page) -> dict[str, int]:
    """The dashboard's filter pills, label -> the count in its badge."""
    counts = {}
    for pill in page.locator("main ul.nav-pills a").all():
        count = pill.locator(".badge").inner_text().strip()
        counts[pill.inner_text().removesuffix(count).strip()] = int(count)
    return counts


def expect_progress(page: Page, edition: Edition, submitted: int, assigned: int) -> None:
    label = page.locator(f'label[for="progress-{edition.pk}"]')
    expect(label).to_have_text(f"{submitted} of {assigned} scorecards submitted")
    bar = page.locator(f"progress#progress-{edition.pk}")
    expect(bar).to_have_attribute("value", str(submitted))
    expect(bar).to_have_attribute("max", str(assigned))


def score_radio(page: Page, criterion, value: int) -> Locator:
    return page.locator(f"#criterion-{criterion.pk} input[name=score_{criterion.pk}][value='{value}']")


def fill_scores(page: Page, criteria: list, scores: dict[int, int]) -> None:
    for position, value in scores.items():
        score_radio(page, criteria[position], value).check()


def expect_scores_shown(page: Page, criteria: list, scores: dict[int, int]) -> None:
    for position, criterion in enumerate(criteria):
        checked = page.locator(f"#criterion-{criterion.pk} input[name=score_{criterion.pk}]:checked")
        if position in scores:
            expect(checked).to_have_value(str(scores[position]))
        else:
            expect(checked).to_have_count(0)


def press(page: Page, button: str) -> None:
    with page.expect_navigation():
        page.locator("main form").get_by_role("button", name=button, exact=True).click()


def stored_scores(scorecard: Scorecard, criteria: list) -> dict[int, int]:
    position = {criterion.pk: index for index, criterion in enumerate(criteria)}
    return {position[s.criterion_id]: s.value for s in Score.objects.filter(scorecard=scorecard)}


# --- The journey ----------------------------------------------------------------------------------------


def test_invited_juror_sets_up_mfa_declares_a_conflict_and_scores(browser, live_server, settings):
    live_url = live_server.url
    # The link in the e-mail points at the site the juror visits.
    settings.SITE_URL = live_url
    organiser = OrganiserFactory(email="organiser@flemingsbergscience.example")
    now = timezone.now()
    # Nominations have closed and been screened; scoring opens in two days.
    edition = EditionFactory(
        nominations_open_at=now - timedelta(days=40),
        nominations_close_at=now - timedelta(days=5),
        scoring_open_at=now + timedelta(days=2),
        scoring_close_at=now + timedelta(days=23),
        announce_at=now + timedelta(days=37),
    )
    criteria = rubric_for(edition, criteria=3)
    nominations = {
        name: SubmittedNominationFactory(edition=edition, startup_name=name, status=Nomination.Status.ELIGIBLE)
        for name in (CONFLICTED, DRAFTED, SUBMITTED_FIRST)
    }
    conflicted, drafted, submitted_first = (nominations[n] for n in (CONFLICTED, DRAFTED, SUBMITTED_FIRST))

    # 1. The organiser invites the juror by e-mail.
    invitation_create(actor=organiser, edition=edition, email=JUROR_EMAIL, name=JUROR_NAME, language="en")
    invitations = [m for m in mail.outbox if JUROR_EMAIL in m.to]
    assert len(invitations) == 1, [(m.to, m.subject) for m in mail.outbox]
    assert invitations[0].subject == f"[Flemingsberg Science Award] Invitation to the jury of {edition}"
    links = INVITATION_LINK.findall(invitations[0].body)
    assert len(links) == 1, invitations[0].body
    accept_path = urlsplit(links[0]).path

    console = ConsoleLog()
    context = new_context(browser, console)
    try:
        page = context.new_page()
        choose_language(page, live_url, "en")

        # 2. The link opens the invitation; without an account the juror creates one.
        page.goto(links[0])
        expect(page.locator("main h1")).to_have_text("Invitation to the jury")
        expect(page.locator("main .lead")).to_have_text(f"You are invited to serve on the jury of {edition} as juror.")
        expect(page.locator("main form button[type=submit]")).to_have_count(0)
        follow(page, page.locator("main").get_by_role("link", name="Create an account"))
        assert path_of(page) == reverse("account_signup"), page.url
        page.locator("input[name=email]").fill(JUROR_EMAIL)
        page.locator("input[name=password1]").fill(PASSWORD)
        page.locator("input[name=password2]").fill(PASSWORD)
        submit(page, "form:has(input[name=password2])")
        assert path_of(page) == reverse("account_email_verification_sent"), page.url
        juror = User.objects.get(email=JUROR_EMAIL)
        assert not JuryMember.objects.filter(user=juror).exists()

        confirmations = [m for m in mail.outbox if JUROR_EMAIL in m.to and m is not invitations[0]]
        assert len(confirmations) == 1, [(m.to, m.subject) for m in mail.outbox]
        confirm_links = re.findall(r"https?://\S+/confirm-email/\S+/", confirmations[0].body)
        assert len(confirm_links) == 1, confirmations[0].body
        page.goto(confirm_links[0])
        confirm_prefix = reverse("account_confirm_email", args=["key"]).removesuffix("key/")
        submit(page, f'form[action^="{confirm_prefix}"]')
        assert EmailAddress.objects.get(user=juror, email=JUROR_EMAIL).verified

        # Logging in leads back to the invitation, which now offers to accept it.
        assert path_of(page) == reverse("account_login"), page.url
        page.locator("input[name=login]").fill(JUROR_EMAIL)
        page.locator("input[name=password]").fill(PASSWORD)
        submit(page, "form:has(input[name=password])")
        assert path_of(page) == accept_path, page.url
        expect(page.locator("main")).not_to_contain_text(f"You are logged in as {JUROR_EMAIL}")
        with page.expect_navigation():
            page.get_by_role("button", name="Accept the invitation").click()
        member = JuryMember.objects.get(edition=edition, user=juror)
        assert member.role == "juror"

        # 3. Accepting sends the juror to set up two-factor authentication.
        expect(messages_box(page)).to_contain_text(f"Welcome to the jury of {edition}.")
        expect(messages_box(page)).to_contain_text(
            "Jurors need two-factor authentication. Set it up now to see the nominations."
        )
        reauthenticate_if_asked(page)
        assert path_of(page) == reverse("mfa_activate_totp"), page.url

        # Meanwhile the organiser puts every juror on every eligible nomination and releases the plan;
        # then scoring opens.
        assignments_generate(actor=organiser, edition=edition, mode=JuryPlan.Mode.ALL)
        jury_plan_release(actor=organiser, edition=edition)
        assert set(Assignment.objects.filter(juror=juror).values_list("nomination__startup_name", flat=True)) == {
            CONFLICTED,
            DRAFTED,
            SUBMITTED_FIRST,
        }
        let_scoring_open(edition)
        edition.refresh_from_db()

        # Without TOTP no nomination is shown: the dashboard asks for it, the other pages send there.
        follow(page, nav(page).get_by_role("link", name="Jury", exact=True))
        assert path_of(page) == reverse("jury:dashboard"), page.url
        expect(page.locator("main .alert-warning")).to_contain_text(
            "your account needs two-factor authentication before you can see the nominations"
        )
        for name in nominations:
            expect(page.locator("main")).not_to_contain_text(name)
        expect(page.locator("main progress")).to_have_count(0)
        for path in (reverse("jury:conflicts"), reverse("jury:score", args=[drafted.pk])):
            page.goto(live_url + path)
            assert path_of(page) in (reverse("mfa_activate_totp"), reverse("account_reauthenticate")), page.url
            expect(page.locator("main")).not_to_contain_text(DRAFTED)
        assert not ConflictDeclaration.objects.filter(juror=juror).exists()

        page.goto(live_url + reverse("jury:dashboard"))
        follow(page, page.locator("main").get_by_role("link", name="Set up two-factor authentication"))
        reauthenticate_if_asked(page)
        assert path_of(page) == reverse("mfa_activate_totp"), page.url
        secret = page.locator("#authenticator_secret").input_value().strip()
        assert re.fullmatch(r"[A-Z2-7]{16,}=*", secret), secret
        code, _counter = fresh_totp(secret)
        page.locator("input[name=code]").fill(code)
        submit(page, "form:has(input[name=code])")
        assert path_of(page) == reverse("mfa_view_recovery_codes"), page.locator("main").inner_text()
        assert Authenticator.objects.filter(user=juror, type=Authenticator.Type.TOTP).exists()

        # 4. The dashboard lists the three nominations, each waiting for the conflict question.
        follow(page, nav(page).get_by_role("link", name="Jury", exact=True))
        assert path_of(page) == reverse("jury:dashboard"), page.url
        expect(page.locator("main .alert-info[role=status]")).to_contain_text(
            "conflict of interest with the 3 nominations assigned to you"
        )
        expect_progress(page, edition, 0, 3)
        for name in nominations:
            expect(dashboard_row(page, name)).to_have_attribute("data-state", "undeclared")
            expect(dashboard_row(page, name).get_by_role("link", name=name)).to_have_count(0)

        # A conflict with one startup, none with the other two.
        follow(page, page.get_by_role("link", name="Declare conflicts of interest"))
        assert path_of(page) == reverse("jury:conflicts"), page.url
        expect(page.locator("main fieldset")).to_have_count(3)
        page.locator(f"#answer-yes-{conflicted.pk}").check()
        page.locator(f"#kind-{conflicted.pk}").select_option(label="Adviser or board member")
        page.locator(f"#note-{conflicted.pk}").fill(CONFLICT_NOTE)
        for nomination in (drafted, submitted_first):
            page.locator(f"#answer-no-{nomination.pk}").check()
        press(page, "Save my answers")
        assert path_of(page) == reverse("jury:dashboard"), page.locator("main").inner_text()
        expect(messages_box(page)).to_have_text("Your answers are saved.")
        expect(page.locator("main")).not_to_contain_text(CONFLICTED)
        expect(page.locator("main")).to_contain_text("One nomination is left out because of a conflict of interest.")
        expect_progress(page, edition, 0, 2)
        for name in (DRAFTED, SUBMITTED_FIRST):
            expect(dashboard_row(page, name).locator(".badge")).to_have_text("Not started")
        assert filter_counts(page) == {"All": 2, "To score": 2, "Drafts": 0, "Submitted": 0}

        # 5. A draft, partly scored.
        follow(page, dashboard_row(page, DRAFTED).get_by_role("link", name=DRAFTED))
        assert path_of(page) == reverse("jury:score", args=[drafted.pk]), page.url
        expect(page.locator("main h1")).to_have_text(DRAFTED)
        expect(page.locator("main")).to_contain_text(drafted.problem)
        fill_scores(page, criteria, DRAFT_SCORES)
        page.locator("#comment").fill(DRAFT_COMMENT)
        press(page, "Save draft")
        assert path_of(page) == reverse("jury:score", args=[drafted.pk]), page.url
        expect(messages_box(page)).to_have_text("Draft saved.")
        expect_scores_shown(page, criteria, DRAFT_SCORES)
        expect(page.locator("#comment")).to_have_value(DRAFT_COMMENT)

        follow(page, page.get_by_role("link", name="Back to your list"))
        expect(dashboard_row(page, DRAFTED).locator(".badge")).to_have_text("Draft")
        expect_progress(page, edition, 0, 2)
        assert filter_counts(page) == {"All": 2, "To score": 2, "Drafts": 1, "Submitted": 0}

        # 6. The second nomination, scored in full and submitted.
        follow(page, dashboard_row(page, SUBMITTED_FIRST).get_by_role("link", name=SUBMITTED_FIRST))
        assert path_of(page) == reverse("jury:score", args=[submitted_first.pk]), page.url
        fill_scores(page, criteria, SUBMITTED_SCORES)
        page.locator("#comment").fill(SUBMITTED_COMMENT)
        press(page, "Submit")
        assert path_of(page) == reverse("jury:dashboard"), page.locator("main").inner_text()
        expect(messages_box(page)).to_have_text(f"Your scores for {SUBMITTED_FIRST} are submitted.")
        expect(dashboard_row(page, SUBMITTED_FIRST).locator(".badge")).to_have_text("Submitted")
        expect(dashboard_row(page, DRAFTED).locator(".badge")).to_have_text("Draft")
        expect_progress(page, edition, 1, 2)
        assert filter_counts(page) == {"All": 2, "To score": 1, "Drafts": 1, "Submitted": 1}

        # 7. Back to the draft: what was saved is there; the last score is added and the card submitted.
        follow(page, dashboard_row(page, DRAFTED).get_by_role("link", name=DRAFTED))
        expect_scores_shown(page, criteria, DRAFT_SCORES)
        expect(page.locator("#comment")).to_have_value(DRAFT_COMMENT)
        fill_scores(page, criteria, FINISHED_DRAFT_SCORES)
        press(page, "Submit")
        assert path_of(page) == reverse("jury:dashboard"), page.locator("main").inner_text()
        expect(messages_box(page)).to_have_text(f"Your scores for {DRAFTED} are submitted.")
        expect_progress(page, edition, 2, 2)
        assert filter_counts(page) == {"All": 2, "To score": 0, "Drafts": 0, "Submitted": 2}
        follow(page, page.locator("main ul.nav-pills").get_by_role("link", name=re.compile(r"^Submitted")))
        expect(page.locator("main .list-group-item[data-state=submitted]")).to_have_count(2)

        # A submitted scorecard is read-only, with a way to reopen it.
        follow(page, dashboard_row(page, DRAFTED).get_by_role("link", name=DRAFTED))
        expect(page.locator("main .alert-success[role=status]")).to_contain_text("You submitted this scorecard on")
        expect(page.locator("main form fieldset[disabled]")).to_have_count(len(criteria))
        expect_scores_shown(page, criteria, FINISHED_DRAFT_SCORES)
        expect(page.get_by_role("button", name="Reopen to change")).to_be_visible()
        expect(page.get_by_role("button", name="Submit", exact=True)).to_have_count(0)

        # 8. The conflicted nomination cannot be reached, even by its address.
        conflicted_url = live_url + reverse("jury:score", args=[conflicted.pk])
        response = page.goto(conflicted_url)
        assert response is not None and response.status == 404
        expect(page.locator("main")).not_to_contain_text(CONFLICTED)

        # The database holds what the pages showed.
        declarations = {d.nomination_id: d for d in ConflictDeclaration.objects.filter(juror=juror)}
        assert set(declarations) == {conflicted.pk, drafted.pk, submitted_first.pk}
        conflict = declarations[conflicted.pk]
        assert (conflict.has_conflict, conflict.kind, conflict.note) == (True, ConflictKind.ADVISER, CONFLICT_NOTE)
        assert (conflict.source, conflict.recorded_by) == (ConflictDeclaration.Source.JUROR, juror)
        for nomination in (drafted, submitted_first):
            assert (declarations[nomination.pk].has_conflict, declarations[nomination.pk].kind) == (False, "")

        cards = {card.nomination_id: card for card in Scorecard.objects.filter(juror=juror)}
        assert set(cards) == {drafted.pk, submitted_first.pk}
        assert all(card.status == Scorecard.Status.SUBMITTED and card.submitted_at for card in cards.values())
        assert cards[submitted_first.pk].submitted_at < cards[drafted.pk].submitted_at
        assert stored_scores(cards[drafted.pk], criteria) == FINISHED_DRAFT_SCORES
        assert stored_scores(cards[submitted_first.pk], criteria) == SUBMITTED_SCORES
        assert (cards[drafted.pk].comment, cards[submitted_first.pk].comment) == (DRAFT_COMMENT, SUBMITTED_COMMENT)
        assert not Scorecard.objects.filter(nomination=conflicted).exists()

        csp = [e for e in console.errors if re.search(r"Content.Security.Policy|Refused to", e, re.IGNORECASE)]
        assert not csp, "CSP violations:\n" + "\n".join(csp)
        # The one failure expected is the conflicted nomination's 404 (Chromium logs it on the console too).
        errors = [e for e in console.errors if not e.startswith(f"[{conflicted_url}]")]
        assert not errors, "console or page errors:\n" + "\n".join(errors)
        assert console.failed_responses == [f"404 GET {conflicted_url}"], console.failed_responses
    except Exception:
        # For the failure report: where the browser was and what it showed.
        print_failure_report([context], console)
        raise
    finally:
        context.close()
        for stored in Nomination.objects.exclude(pitch_deck=""):
            stored.pitch_deck.delete(save=False)
