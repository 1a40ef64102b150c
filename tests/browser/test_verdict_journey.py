"""From the jury's submitted scorecards to the published winner, in headless Chromium and in English.

Three jurors score three startups through the scoring service while scoring is open; then scoring
closes. The organiser logs in with password and TOTP code, opens the edition's results page from the
organiser tabs, runs the tally (Celery runs eagerly here) and reads the ranking and what would change
the winner; marks the finalists, approves first place as the winner, writes the announcement in
Swedish and English, previews it and schedules it a few seconds ahead.

A second, anonymous browser reads the public edition page and the landing page: before the set time
neither names any nominee nor shows the announcement, and the beat job publishes nothing; once the time
has passed the beat job publishes it, and both pages show the winner, the finalist and the text (in
English, and in Swedish after switching). Console errors, page errors, Content-Security-Policy
violations and failed requests fail the test."""

import re
import time
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import BrowserContext, Locator, Page, expect

from awards.models import Edition
from config.celery import app as celery_app
from jury.services.scoring import scorecard_save
from jury.verdict.models import Announcement, AnnouncementMail, TallyRun, WinnerApproval
from jury.verdict.tasks import publish_due_announcements
from nominations.models import Nomination
from tests.factories import (
    OrganiserFactory,
    SubmittedNominationFactory,
    assignment_for,
    edition_in_scoring,
    juror_with_mfa,
    jury_plan_released,
    rubric_for,
)

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
from .test_signup_mfa import fresh_totp

pytestmark = pytest.mark.browser

STOCKHOLM = ZoneInfo("Europe/Stockholm")
ORGANISER_EMAIL = "organiser@flemingsbergscience.example"
ORGANISER_PASSWORD = "correct-horse-battery"  # tests/factories.py
WINNER, RUNNER_UP, THIRD = "Sepsis Sense AB", "Ortho Print AB", "Neuro Lens AB"
# Juror -> startup -> one score per criterion (three criteria of equal weight on 1 to 5).
SCORES = {
    "anna.berg@ki.example": {WINNER: [5, 5, 4], RUNNER_UP: [4, 4, 4], THIRD: [2, 3, 2]},
    "johan.ek@kth.example": {WINNER: [4, 5, 5], RUNNER_UP: [4, 4, 3], THIRD: [3, 2, 2]},
    "sara.lund@sh.example": {WINNER: [5, 4, 4], RUNNER_UP: [3, 4, 4], THIRD: [2, 2, 3]},
}
TEXT_SV = "Juryn har valt årets vinnare: ett snabbtest för sepsis, framtaget i Flemingsberg."
TEXT_EN = "The jury has chosen this year's winner: a rapid sepsis test, developed in Flemingsberg."
# How far ahead the announcement is scheduled: room for the checks made before its time.
LEAD = timedelta(seconds=15)


# --- Helpers --------------------------------------------------------------------------------------------


def follow(page: Page, link: Locator) -> None:
    """Click a link and wait for the page it opens."""
    with page.expect_navigation():
        link.click()


def press(page: Page, form: Locator, button: str) -> None:
    with page.expect_navigation():
        form.get_by_role("button", name=button, exact=True).click()


def nav(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Main navigation")


def messages_box(page: Page) -> Locator:
    return page.locator("main .messages")


def new_context(browser, console: ConsoleLog, locale: str) -> BrowserContext:
    context = browser.new_context(locale=locale)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    context.add_init_script(CSP_LISTENER)
    context.on("page", console.attach)
    return context


def shift_timeline(edition: Edition, shift: timedelta) -> None:
    """Time passes for the edition: its whole timeline moves back by `shift`. The clock itself cannot
    move (the live server, the browser and the TOTP codes share it)."""
    names = ("nominations_open_at", "nominations_close_at", "scoring_open_at", "scoring_close_at", "announce_at")
    Edition.objects.filter(pk=edition.pk).update(**{name: F(name) - shift for name in names})
    edition.refresh_from_db()


def scored_edition() -> tuple[Edition, dict[str, Nomination]]:
    """An edition whose three jurors submitted a scorecard for each of three startups through the
    scoring service while scoring was open; scoring has closed an hour ago since."""
    edition = edition_in_scoring()
    criteria = rubric_for(edition, criteria=3)
    jury_plan_released(edition)
    nominations = {
        name: SubmittedNominationFactory(edition=edition, startup_name=name, status=Nomination.Status.ELIGIBLE)
        for name in (WINNER, RUNNER_UP, THIRD)
    }
    for email, scores in SCORES.items():
        juror = juror_with_mfa(edition=edition, email=email)
        for position, (name, values) in enumerate(scores.items()):
            assignment_for(juror, nominations[name], position=position)
            scorecard_save(
                actor=juror,
                nomination=nominations[name],
                values={criterion.pk: value for criterion, value in zip(criteria, values, strict=True)},
                comment="",
                submit=True,
            )
    shift_timeline(edition, edition.scoring_close_at - timezone.now() + timedelta(hours=1))
    assert edition.scoring_close_at < timezone.now() < edition.announce_at
    return edition, nominations


def log_in_with_totp(page: Page, email: str, password: str, secret: str) -> None:
    follow(page, nav(page).get_by_role("link", name="Log in", exact=True))
    assert path_of(page) == reverse("account_login"), page.url
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(password)
    submit(page, "form:has(input[name=password])")
    # Organisers have two-factor authentication: after the password comes the code.
    assert path_of(page) == reverse("mfa_authenticate"), page.url
    code, _counter = fresh_totp(secret)
    page.locator("input[name=code]").fill(code)
    submit(page, "form:has(input[name=code])")
    assert path_of(page) == reverse(settings.LOGIN_REDIRECT_URL), page.url
    expect(nav(page).get_by_role("button", name="Log out")).to_be_visible()


def datetime_local(moment) -> str:
    """The value a datetime-local input holds for the moment, in Stockholm time, to the second."""
    return timezone.localtime(moment, STOCKHOLM).strftime("%Y-%m-%dT%H:%M:%S")


def expect_no_result(page: Page, live_url: str, edition: Edition) -> None:
    """The public edition page and the landing page name no nominee and show no announcement."""
    for path in (reverse("awards:edition_detail", args=[edition.year]), reverse("public:home")):
        response = page.goto(live_url + path)
        assert response is not None and response.status == 200, path
        html = page.content()
        for secret in (WINNER, RUNNER_UP, THIRD, TEXT_SV, TEXT_EN):
            assert secret not in html, f"{secret!r} is on {path} before the announcement"
        expect(page.locator("main .public-result")).to_have_count(0)
        expect(page.locator("main .announcement-text")).to_have_count(0)


# --- The journey ----------------------------------------------------------------------------------------


def test_organiser_tallies_approves_and_schedules_and_the_public_sees_the_winner_only_then(browser, live_server):
    assert celery_app.conf.task_always_eager, "the tally runs in the request only when Celery is eager"
    live_url = live_server.url
    organiser = OrganiserFactory(email=ORGANISER_EMAIL)
    edition, nominations = scored_edition()
    results_path = reverse("verdict:results", args=[edition.pk])
    edition_path = reverse("awards:edition_detail", args=[edition.year])

    console = ConsoleLog()
    organiser_context = new_context(browser, console, "sv-SE")
    public_context = new_context(browser, console, "en-GB")
    try:
        # 1. The organiser logs in (password, then TOTP code) and opens the results from the edition's tabs.
        page = organiser_context.new_page()
        choose_language(page, live_url, "en")
        log_in_with_totp(page, ORGANISER_EMAIL, ORGANISER_PASSWORD, organiser.totp_secret)
        page.goto(live_url + reverse("awards:organiser_edition_edit", args=[edition.pk]))
        tabs = page.get_by_role("navigation", name="Edition sections")
        follow(page, tabs.get_by_role("link", name="Results", exact=True))
        assert path_of(page) == results_path, page.url
        expect(page.locator("main h1")).to_have_text(f"Results: {edition}")
        expect(page.locator("main")).to_contain_text("There is no tally of this edition yet.")
        expect(page.locator("main table.ranking")).to_have_count(0)

        # 2. The tally runs on request; the ranking follows the scores.
        press(
            page,
            page.locator(f'main form[action="{reverse("verdict:tally_run", args=[edition.pk])}"]'),
            "Run the tally now",
        )
        assert path_of(page) == results_path, page.url
        expect(messages_box(page)).to_contain_text("The tally has started.")
        tally = TallyRun.objects.get(edition=edition)
        assert (tally.trigger, tally.requested_by, tally.integrity_ok) == ("organiser", organiser, True)
        expect(page.locator("main code.chain-head")).to_have_text(tally.chain_head)
        rows = page.locator("main table.ranking tbody tr")
        expect(rows).to_have_count(3)
        for index, name in enumerate((WINNER, RUNNER_UP, THIRD)):
            expect(rows.nth(index).locator("th")).to_contain_text(name)
            expect(rows.nth(index).locator("td").first).to_have_text(str(index + 1))
            expect(rows.nth(index).locator("td").nth(1)).to_have_text("3")  # scorecards
        expect(rows.first).to_have_class(re.compile(r"\btable-success\b"))
        expect(page.locator("main svg.score-chart")).to_have_count(3)
        # What would change the winner, as a sentence naming the juror, the startups and the criteria.
        what_if = page.locator("main p.what-if")
        expect(what_if).to_have_text(
            re.compile(rf"^If juror J-\w+ had scored .+ \(\d+ steps?\), {RUNNER_UP} would be first\.$")
        )
        expect(what_if).to_contain_text(re.compile(r"\d instead of \d on Criterion \d+"))

        # 3. Finalists: the first two.
        finalists_form = page.locator(f'main form[action="{reverse("verdict:finalists", args=[edition.pk])}"]')
        for name in (WINNER, RUNNER_UP):
            finalists_form.get_by_label(name, exact=True).check()
        press(page, finalists_form, "Save the finalists")
        expect(messages_box(page)).to_have_text("Finalists saved: 2.")

        # 4. First place is preselected; the organiser approves it.
        winner_form = page.locator("main form.winner-form")
        expect(winner_form.get_by_label(WINNER, exact=True)).to_be_checked()
        press(page, winner_form, "Approve the winner")
        assert path_of(page) == results_path, page.url
        expect(messages_box(page)).to_have_text(f"{WINNER} is approved as the winner.")
        expect(page.locator("main .winner-approved")).to_contain_text(f"{WINNER} is approved as the winner by")
        approval = WinnerApproval.objects.get(edition=edition)
        assert (approval.winner, approval.tally_run, approval.reason) == (nominations[WINNER], tally, "")

        # 5. The announcement in both languages, previewed, then scheduled a few seconds ahead.
        follow(page, page.locator("main").get_by_role("link", name="Write and schedule the announcement"))
        assert path_of(page) == reverse("verdict:announcement", args=[edition.pk]), page.url
        editor = page.locator("main form:has(#id_text_sv)")
        page.locator("#id_text_sv").fill(TEXT_SV)
        page.locator("#id_text_en").fill(TEXT_EN)
        press(page, editor, "Preview")
        expect(page.locator("main .preview-sv .announcement-text")).to_have_text(TEXT_SV)
        expect(page.locator("main .preview-en .announcement-text")).to_have_text(TEXT_EN)
        for language in ("sv", "en"):
            expect(page.locator(f"main .preview-{language} .result-winner")).to_have_text(WINNER)
            expect(page.locator(f"main .preview-{language} .result-finalists")).to_have_text(RUNNER_UP)
        assert not Announcement.objects.filter(edition=edition).exists(), "a preview saves nothing"
        expect(page.locator("#id_text_sv")).to_have_value(TEXT_SV)
        expect(page.locator("#id_text_en")).to_have_value(TEXT_EN)

        publish_at = (timezone.now() + LEAD).replace(microsecond=0)
        if publish_at.second == 0:  # the input would drop ":00"
            publish_at += timedelta(seconds=1)
        page.locator("#id_publish_at").fill(datetime_local(publish_at))
        press(page, page.locator("main form:has(#id_text_sv)"), "Schedule at the time above")
        expect(messages_box(page)).to_have_text("The announcement is scheduled.")
        expect(page.locator("main .announcement-state")).to_contain_text("Scheduled: it will be published on")
        announcement = Announcement.objects.get(edition=edition)
        assert (announcement.text_sv, announcement.text_en) == (TEXT_SV, TEXT_EN)
        assert (announcement.publish_at, announcement.published_at) == (publish_at, None)

        # 6. Before the set time: nothing public, and the beat job has nothing to publish.
        public = public_context.new_page()
        expect_no_result(public, live_url, edition)
        assert timezone.now() < publish_at, "the checks before the announcement took longer than LEAD"
        assert publish_due_announcements() == 0
        expect_no_result(public, live_url, edition)
        announcement.refresh_from_db()
        assert announcement.published_at is None
        assert not AnnouncementMail.objects.exists()

        # 7. The time comes; the beat job publishes.
        time.sleep(max(0.0, (publish_at - timezone.now()).total_seconds()) + 0.2)
        assert publish_due_announcements() == 1
        announcement.refresh_from_db()
        assert announcement.published_at is not None and announcement.published_at >= publish_at
        assert Nomination.objects.get(pk=nominations[WINNER].pk).status == Nomination.Status.WINNER
        assert Nomination.objects.get(pk=nominations[RUNNER_UP].pk).status == Nomination.Status.FINALIST
        assert AnnouncementMail.objects.filter(announcement=announcement).count() == 3 + len(SCORES)
        assert publish_due_announcements() == 0  # a second run publishes nothing more

        # 8. The public edition page and the landing page now show the winner, the finalist and the text.
        public.goto(live_url + edition_path)
        result = public.locator("main .public-result")
        expect(result.locator(".result-winner")).to_have_text(WINNER)
        expect(result.locator(".announcement-text")).to_have_text(TEXT_EN)
        expect(result.locator(".result-finalists")).to_have_text(RUNNER_UP)
        assert THIRD not in public.content()
        public.goto(live_url + reverse("public:home"))
        winner_card = public.locator("main .card", has_text=f"Winner {edition.year}")
        expect(winner_card).to_contain_text(WINNER)
        expect(winner_card.locator(".announcement-text")).to_have_text(TEXT_EN)
        expect(winner_card.locator(".result-finalists")).to_have_text(RUNNER_UP)
        assert THIRD not in public.content()

        # In Swedish, the Swedish text.
        choose_language(public, live_url, "sv")
        public.goto(live_url + edition_path)
        expect(public.locator("main .public-result .announcement-text")).to_have_text(TEXT_SV)
        expect(public.locator("main .public-result .result-winner")).to_have_text(WINNER)

        assert_clean_console(console)
    except Exception:
        # For the failure report: where the browsers were and what they showed.
        print_failure_report((organiser_context, public_context), console)
        raise
    finally:
        organiser_context.close()
        public_context.close()
