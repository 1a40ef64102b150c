"""The juror's dashboard and scoring page: states, the rubric, drafts and submission, deadlines, posted
garbage, scores kept across an expired session, and a constant number of queries."""

import random
import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jury import draft_stash
from jury.models import Assignment, ConflictDeclaration, JuryMember, Score, Scorecard
from jury.selectors import DASHBOARD_PAGE_SIZE, juror_dashboard
from jury.services.scoring import scorecard_save
from nominations.models import Nomination
from tests.factories import (
    CriterionFactory,
    EditionFactory,
    assignment_for,
    edition_in_scoring,
    juror_with_mfa,
    jury_plan_released,
)
from tests.jury.juror_setup import scoring_jury

pytestmark = pytest.mark.django_db


@pytest.fixture
def jury():
    return scoring_jury(nominations=3)


@pytest.fixture
def juror_client(client, jury):
    client.force_login(jury.juror)
    client.cookies["django_language"] = "en"
    return client


def score_url(nomination) -> str:
    return reverse("jury:score", args=[nomination.pk])


def dashboard(client, **params) -> str:
    response = client.get(reverse("jury:dashboard"), params)
    assert response.status_code == 200
    return response.content.decode()


# Dashboard


def test_dashboard_lists_in_the_jurors_own_order(juror_client, jury):
    first, second, third = jury.nominations
    Assignment.objects.filter(nomination=first).update(position=2)
    Assignment.objects.filter(nomination=second).update(position=0)
    Assignment.objects.filter(nomination=third).update(position=1)

    html = dashboard(juror_client)

    positions = [html.index(n.startup_name) for n in (second, third, first)]
    assert positions == sorted(positions)


def test_dashboard_shows_progress_and_filters(juror_client, jury):
    first, second, _third = jury.nominations
    scorecard_save(actor=jury.juror, nomination=first, values={c.pk: 3 for c in jury.criteria}, submit=True)
    scorecard_save(actor=jury.juror, nomination=second, values={jury.criteria[0].pk: 2})

    html = dashboard(juror_client)
    assert "1 of 3 scorecards submitted" in html
    assert 'max="3" value="1"' in html

    def listed(show):
        page = dashboard(juror_client, show=show)
        return {n.startup_name for n in jury.nominations if n.startup_name in page}

    names = [n.startup_name for n in jury.nominations]
    assert listed("all") == set(names)
    assert listed("to_score") == {names[1], names[2]}
    assert listed("drafts") == {names[1]}
    assert listed("submitted") == {names[0]}
    assert listed("nonsense") == set(names)


def test_dashboard_countdown_to_the_deadline(juror_client, jury):
    html = dashboard(juror_client)

    assert "Scoring closes on" in html
    assert "data-countdown" in html
    assert "data-countdown-remaining" in html
    assert "js/countdown.js" in html


def test_dashboard_before_scoring_opens(juror_client, jury):
    with time_machine.travel(jury.edition.scoring_open_at - timedelta(days=1)):
        juror_client.force_login(jury.juror)  # the session of "now" would have expired by then
        html = dashboard(juror_client)

    assert "Scoring opens on" in html


def test_dashboard_after_scoring_closed(juror_client, jury):
    with time_machine.travel(jury.edition.scoring_close_at + timedelta(minutes=1)):
        juror_client.force_login(jury.juror)
        html = dashboard(juror_client)

    assert "Scoring closed on" in html


def test_dashboard_asks_to_declare_conflicts_first(juror_client, jury):
    ConflictDeclaration.objects.filter(nomination=jury.nominations[2]).delete()

    html = dashboard(juror_client)

    assert "you have not answered for yet" in html
    assert reverse("jury:conflicts") in html
    assert score_url(jury.nominations[2]) not in html
    assert score_url(jury.nominations[0]) in html


def test_dashboard_asks_for_mfa_and_hides_the_nominations(client, jury):
    juror = juror_with_mfa(edition=jury.edition, mfa=False)
    assignment_for(juror, jury.nomination)
    client.force_login(juror)
    client.cookies["django_language"] = "en"

    html = dashboard(client)

    assert reverse("mfa_activate_totp") in html
    assert jury.nomination.startup_name not in html


def test_dashboard_before_the_assignments_are_released(juror_client, jury):
    jury_plan_released(jury.edition, released=False)

    html = dashboard(juror_client)

    assert "have not been assigned yet" in html
    assert jury.nomination.startup_name not in html


def _bulk_assign(juror, edition, count: int) -> None:
    """`count` nominations assigned to the juror in a shuffled order, a mix of undeclared, conflicted,
    not started, draft and submitted."""
    nominations = Nomination.objects.bulk_create(
        Nomination(edition=edition, status="eligible", startup_name=f"Bulk {i} AB", pitch=f"Pitch {i}")
        for i in range(count)
    )
    order = list(range(count))
    random.Random(count).shuffle(order)
    Assignment.objects.bulk_create(
        Assignment(edition=edition, juror=juror, nomination=n, position=p)
        for n, p in zip(nominations, order, strict=True)
    )
    ConflictDeclaration.objects.bulk_create(
        ConflictDeclaration(
            juror=juror, nomination=n, has_conflict=i % 5 == 1, kind="other" if i % 5 == 1 else "", recorded_by=juror
        )
        for i, n in enumerate(nominations)
        if i % 5
    )
    now = edition.scoring_open_at + timedelta(days=1)
    Scorecard.objects.bulk_create(
        Scorecard(juror=juror, nomination=n, status="submitted" if i % 5 == 3 else "draft", submitted_at=now)
        for i, n in enumerate(nominations)
        if i % 5 in (2, 3)
    )


def _dashboard_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        dashboard(client)
    return len(queries)


def test_dashboard_queries_do_not_grow_with_the_assignments(client, django_assert_num_queries):
    small, large = edition_in_scoring(), edition_in_scoring()
    few, many = juror_with_mfa(edition=small), juror_with_mfa(edition=large)
    for edition in (small, large):
        jury_plan_released(edition)
    _bulk_assign(few, small, 5)
    _bulk_assign(many, large, 500)
    client.cookies["django_language"] = "en"
    client.force_login(few)
    expected = _dashboard_queries(client)
    # session, user, seats, the counts with one page of assignments, MFA (the menu's jury link: the view)
    assert expected <= 5
    client.force_login(many)

    with django_assert_num_queries(expected):
        html = dashboard(client)

    assert html.count('data-state="') == DASHBOARD_PAGE_SIZE
    assert "100 of 400 scorecards submitted" in html  # 500 less the 100 conflicted
    assert 'max="400" value="100"' in html


def test_dashboard_queries_do_not_grow_with_the_editions(client, django_assert_num_queries):
    first, second = edition_in_scoring(), edition_in_scoring()
    juror = juror_with_mfa(edition=first)
    JuryMember.objects.create(edition=second, user=juror)
    jury_plan_released(first)
    _bulk_assign(juror, first, 30)
    client.cookies["django_language"] = "en"
    client.force_login(juror)
    expected = _dashboard_queries(client)
    jury_plan_released(second)
    _bulk_assign(juror, second, 40)

    with django_assert_num_queries(expected):
        html = dashboard(client)

    assert html.count('data-state="') == 24 + DASHBOARD_PAGE_SIZE  # 30 and 40, less a fifth conflicted


def _page_names(html: str) -> list[str]:
    return re.findall(
        r'data-state="[a-z_]+">\s*<span[^>]*>\d+\.</span>\s*<div class="me-auto">\s*(?:<a[^>]*>|<span[^>]*>)([^<]+)<',
        html,
    )


def _names_in_order(juror, edition, states=None) -> list[str]:
    assignments = Assignment.objects.filter(juror=juror, edition=edition).order_by("position", "pk")
    names = []
    for assignment in assignments.select_related("nomination"):
        declaration = ConflictDeclaration.objects.filter(juror=juror, nomination=assignment.nomination).first()
        card = Scorecard.objects.filter(juror=juror, nomination=assignment.nomination).first()
        if declaration and declaration.has_conflict:
            continue
        if states is None or (card.status if card else "") in states:
            names.append(assignment.nomination.startup_name)
    return names


@pytest.fixture
def long_list(client):
    """A juror with 60 nominations in their list (48 after the conflicted are left out): two pages of 25
    and one of 10 under "All"."""
    edition = edition_in_scoring()
    juror = juror_with_mfa(edition=edition)
    jury_plan_released(edition)
    _bulk_assign(juror, edition, 60)
    client.cookies["django_language"] = "en"
    client.force_login(juror)
    return juror, edition


def test_dashboard_pages_the_list_in_the_jurors_own_order(client, long_list):
    juror, edition = long_list
    expected = _names_in_order(juror, edition)
    assert len(expected) == 48

    first, second = dashboard(client), dashboard(client, **{f"page-{edition.pk}": 2})

    assert _page_names(first) == expected[:25]
    assert _page_names(second) == expected[25:]
    assert '<ol class="list-group" start="26"' in second
    assert "26.</span>" in second
    assert "Showing 26\u201348 of 48" in second


def test_dashboard_progress_and_filter_counts_cover_every_page(client, long_list):
    html = dashboard(client)

    # Of 60: 12 undeclared, 12 conflicted (left out), 12 drafts, 12 submitted, 12 not started.
    assert "12 of 48 scorecards submitted" in html
    assert 'max="48" value="12"' in html
    assert "12 nominations are left out because of conflicts of interest." in html
    counts = dict(re.findall(r'>(All|To score|Drafts|Submitted) <span class="badge text-bg-light">(\d+)</span>', html))
    assert counts == {"All": "48", "To score": "36", "Drafts": "12", "Submitted": "12"}


def test_dashboard_pagination_is_an_accessible_nav(client, long_list):
    _juror, edition = long_list

    html = dashboard(client, **{f"page-{edition.pk}": 2})

    nav = re.search(r'<nav class="mt-3" aria-label="([^"]+)">(.*?)</nav>', html, re.S)
    assert nav.group(1) == f"Pages of your list for {edition}"
    assert re.findall(r'<a class="page-link"[^>]*aria-current="page"[^>]*>(\d+)</a>', nav.group(2)) == ["2"]
    assert 'aria-label="Page 1"' in nav.group(2)
    assert f'href="?page-{edition.pk}=1#list-{edition.pk}" rel="prev">Previous</a>' in nav.group(2)
    assert '<span class="page-link">Next</span>' in nav.group(2)  # the last page


def test_dashboard_page_links_keep_the_filter_and_filter_links_drop_the_page(client, long_list):
    _juror, edition = long_list
    page = f"page-{edition.pk}"

    html = dashboard(client, show="to_score", **{page: 1})

    assert f'href="?show=to_score&amp;{page}=2#list-{edition.pk}"' in html
    assert 'href="?show=drafts"' in html
    assert f"{page}=1" not in html.split('<ul class="nav nav-pills')[1].split("</ul>")[0]


def test_dashboard_filter_is_paged_within_the_filtered_rows(client, long_list):
    juror, edition = long_list
    to_score = _names_in_order(juror, edition, states={"", "draft"})

    first = dashboard(client, show="to_score")
    second = dashboard(client, show="to_score", **{f"page-{edition.pk}": 2})

    assert _page_names(first) == to_score[:25]
    assert _page_names(second) == to_score[25:]
    assert len(to_score) == 36


@pytest.mark.parametrize(
    ("asked", "shown"),
    [("9", 2), ("0", 2), ("-1", 2), ("99999999999999999999", 2), ("x", 1), ("", 1), ("1.5", 1), (" 2", 2)],
)
def test_dashboard_page_out_of_range_or_garbage(client, long_list, asked, shown):
    juror, edition = long_list
    expected = _names_in_order(juror, edition)

    html = dashboard(client, **{f"page-{edition.pk}": asked})

    assert _page_names(html) == expected[(shown - 1) * 25 : shown * 25]


@pytest.mark.parametrize(
    ("asked", "first_row", "queries"),
    [(None, 0, 2), ("2", 25, 2), ("9", 25, 3), ("0", 25, 3), ("x", 0, 2)],
)
def test_dashboard_reads_counts_and_page_together_unless_the_page_does_not_exist(long_list, asked, first_row, queries):
    juror, edition = long_list
    expected = _names_in_order(juror, edition)

    with CaptureQueriesContext(connection) as captured:
        (board,) = juror_dashboard(user=juror, pages={edition.pk: asked} if asked else None)

    assert len(captured) == queries  # the seats, then the counts with the page (and the last page again)
    assert [row.startup_name for row in board.rows] == expected[first_row : first_row + 25]
    assert (board.page.start_index(), board.assigned, board.submitted, board.conflicted) == (first_row + 1, 48, 12, 12)


@pytest.mark.parametrize(
    ("show", "states", "listed"),
    [("all", None, (48, 56)), ("to_score", {"", "draft"}, (36, 42)), ("drafts", {"draft"}, (12, 14))],
)
def test_dashboard_pages_each_editions_list_under_the_filter(client, show, states, listed):
    older, newer = edition_in_scoring(), edition_in_scoring()
    juror = juror_with_mfa(edition=older)
    JuryMember.objects.create(edition=newer, user=juror)
    for edition, count in ((older, 60), (newer, 70)):
        jury_plan_released(edition)
        _bulk_assign(juror, edition, count)
    client.cookies["django_language"] = "en"
    client.force_login(juror)
    expected = {edition: _names_in_order(juror, edition, states) for edition in (older, newer)}
    assert tuple(len(expected[edition]) for edition in (older, newer)) == listed

    html = dashboard(client, show=show, **{f"page-{older.pk}": 2, f"page-{newer.pk}": 1})

    sections = {
        edition: html.split(f'id="edition-{edition.pk}"')[1].split("</section>")[0] for edition in (older, newer)
    }
    start = 25 if listed[0] > 25 else 0  # a page past the end shows the last one
    assert _page_names(sections[older]) == expected[older][start : start + 25]
    assert _page_names(sections[newer]) == expected[newer][:25]
    assert f'<ol class="list-group" start="{start + 1}" id="list-{older.pk}">' in sections[older]


def test_dashboard_one_page_has_no_pagination(juror_client):
    html = dashboard(juror_client)

    assert "pagination" not in html
    assert "Showing" not in html


# The scoring page


def test_score_page_shows_the_whole_nomination_beside_the_rubric(juror_client, jury):
    nomination = jury.nomination
    criterion = jury.criteria[0]
    criterion.guidance_en = "Look at the clinical evidence."
    criterion.weight = "2.50"
    criterion.save()

    html = juror_client.get(score_url(nomination)).content.decode()

    for text in (
        nomination.startup_name,
        nomination.org_number,
        nomination.website,
        nomination.pitch,
        nomination.problem,
        nomination.solution,
        nomination.innovation,
        nomination.market,
        nomination.team,
        nomination.impact,
        nomination.flemingsberg_tie,
        nomination.city,
        "Look at the clinical evidence.",
        "Weight 2.5",
        "score from 1 to 5",
        "Level 1",
        "Level 5",
    ):
        assert text in html, text
    assert reverse("nominations:pitch_deck", args=[nomination.pk]) in html
    assert html.count(f'name="score_{criterion.pk}"') == 5
    assert 'value="save"' in html and 'value="submit"' in html


def test_pitch_deck_is_served_to_the_assigned_juror_as_an_attachment(juror_client, jury):
    response = juror_client.get(reverse("nominations:pitch_deck", args=[jury.nomination.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")


def test_saving_a_draft_keeps_the_choices(juror_client, jury):
    first, second, _third = jury.criteria

    response = juror_client.post(
        score_url(jury.nomination),
        {f"score_{first.pk}": "4", f"score_{second.pk}": "", "comment": "Promising.", "action": "save"},
    )

    assert response.status_code == 302
    card = Scorecard.objects.get()
    assert (card.status, card.comment, list(card.scores.values_list("value", flat=True))) == (
        "draft",
        "Promising.",
        [4],
    )
    html = juror_client.get(score_url(jury.nomination)).content.decode()
    assert f'id="score-{first.pk}-4" value="4" checked' in html
    assert "Promising." in html


def test_submitting_makes_the_page_read_only_with_a_reopen_button(juror_client, jury):
    response = juror_client.post(score_url(jury.nomination), {**jury.all_scores(4), "action": "submit"})

    assert response["Location"] == reverse("jury:dashboard")
    assert Scorecard.objects.get().status == "submitted"
    html = juror_client.get(score_url(jury.nomination)).content.decode()
    assert "You submitted this scorecard" in html
    assert 'value="reopen"' in html
    assert 'value="submit"' not in html
    assert html.count(" disabled>") == len(jury.criteria)


def test_reopening_lets_the_juror_change_and_resubmit(juror_client, jury):
    juror_client.post(score_url(jury.nomination), {**jury.all_scores(4), "action": "submit"})

    juror_client.post(score_url(jury.nomination), {"action": "reopen"})
    assert Scorecard.objects.get().status == "draft"
    juror_client.post(score_url(jury.nomination), {**jury.all_scores(2), "action": "submit"})

    card = Scorecard.objects.get()
    assert card.status == "submitted"
    assert set(card.scores.values_list("value", flat=True)) == {2}


def test_after_the_deadline_the_page_is_read_only(juror_client, jury):
    scorecard_save(actor=jury.juror, nomination=jury.nomination, values={jury.criteria[0].pk: 3})

    with time_machine.travel(jury.edition.scoring_close_at + timedelta(seconds=1)):
        juror_client.force_login(jury.juror)
        html = juror_client.get(score_url(jury.nomination)).content.decode()

    assert "Scoring has closed." in html
    assert 'value="save"' not in html and 'value="reopen"' not in html


def test_a_save_arriving_after_the_deadline_is_refused_cleanly(juror_client, jury):
    with time_machine.travel(jury.edition.scoring_close_at + timedelta(seconds=1)):
        juror_client.force_login(jury.juror)
        response = juror_client.post(score_url(jury.nomination), {**jury.all_scores(4), "action": "submit"})
        html = juror_client.get(response["Location"]).content.decode()

    assert response.status_code == 302
    assert "Scoring for this edition is closed. Your scores were not changed." in html
    assert Scorecard.objects.count() == 0


def test_before_scoring_opens_the_nomination_can_be_read_not_scored(juror_client, jury):
    with time_machine.travel(jury.edition.scoring_open_at - timedelta(hours=1)):
        juror_client.force_login(jury.juror)
        html = juror_client.get(score_url(jury.nomination)).content.decode()
        juror_client.post(score_url(jury.nomination), {**jury.all_scores(4), "action": "save"})

    assert "Scoring opens on" in html
    assert jury.nomination.problem in html
    assert 'value="save"' not in html
    assert Scorecard.objects.count() == 0


def test_an_undeclared_nomination_sends_the_juror_to_the_conflict_form(juror_client, jury):
    ConflictDeclaration.objects.filter(nomination=jury.nomination).delete()

    response = juror_client.get(score_url(jury.nomination))

    assert response["Location"] == reverse("jury:conflicts")


# Posted garbage is refused and changes nothing


def _garbage(jury) -> dict[str, dict]:
    first, second, third = (c.pk for c in jury.criteria)
    foreign = CriterionFactory(edition=EditionFactory())
    return {
        "above the scale": {f"score_{first}": "6", "action": "save"},
        "below the scale": {f"score_{first}": "0", "action": "save"},
        "not a number": {f"score_{first}": "four", "action": "save"},
        "a fraction": {f"score_{first}": "3.5", "action": "save"},
        "missing on submit": {f"score_{first}": "3", f"score_{second}": "3", "action": "submit"},
        "another edition's criterion": {**jury.all_scores(), f"score_{foreign.pk}": "3", "action": "submit"},
        "an unknown criterion": {**jury.all_scores(), "score_99999999": "3", "action": "submit"},
        "a status": {**jury.all_scores(), "status": "submitted", "action": "save"},
        "a juror": {**jury.all_scores(), "juror": "1", "action": "save"},
        "a submitted_at": {**jury.all_scores(), "submitted_at": "2020-01-01", "action": "save"},
        "no action": {**jury.all_scores()},
        "an unknown action": {**jury.all_scores(), "action": "approve"},
        "a score twice": {
            f"score_{first}": ["3", "5"],
            f"score_{second}": "3",
            f"score_{third}": "3",
            "action": "save",
        },
    }


GARBAGE = [
    "above the scale",
    "below the scale",
    "not a number",
    "a fraction",
    "missing on submit",
    "another edition's criterion",
    "an unknown criterion",
    "a status",
    "a juror",
    "a submitted_at",
    "no action",
    "an unknown action",
    "a score twice",
]


@pytest.mark.parametrize("case", GARBAGE)
def test_garbage_is_refused_with_a_message_and_changes_nothing(juror_client, jury, case):
    first = jury.criteria[0]
    scorecard_save(actor=jury.juror, nomination=jury.nomination, values={first.pk: 2}, comment="As it was.")
    before = list(Score.objects.values_list("criterion_id", "value"))

    response = juror_client.post(score_url(jury.nomination), _garbage(jury)[case])

    assert response.status_code in (200, 400)
    assert 'role="alert"' in response.content.decode()
    card = Scorecard.objects.get()
    assert (card.status, card.comment, card.juror) == ("draft", "As it was.", jury.juror)
    assert list(Score.objects.values_list("criterion_id", "value")) == before


def test_refused_scores_are_shown_back_with_the_error(juror_client, jury):
    first, second, _third = jury.criteria

    response = juror_client.post(
        score_url(jury.nomination),
        {f"score_{first.pk}": "9", f"score_{second.pk}": "4", "comment": "Keep me", "action": "save"},
    )

    html = response.content.decode()
    assert "Choose a score from 1 to 5." in html
    assert f'id="score-{second.pk}-4" value="4" checked' in html
    assert "Keep me" in html
    assert Scorecard.objects.count() == 0


# Scores sent after the session expired


def test_scores_posted_after_the_session_expired_are_offered_back_after_login(client, jury):
    first, second, _third = jury.criteria
    client.cookies["django_language"] = "en"

    response = client.post(
        score_url(jury.nomination),
        {f"score_{first.pk}": "5", f"score_{second.pk}": "2", "comment": "Written at length.", "action": "save"},
    )

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert response["Location"].endswith(f"?next={score_url(jury.nomination)}")
    assert draft_stash.COOKIE_NAME in response.cookies
    assert Scorecard.objects.count() == 0

    client.force_login(jury.juror)
    html = client.get(score_url(jury.nomination)).content.decode()

    assert "Your session had expired" in html
    assert f'id="score-{first.pk}-5" value="5" checked' in html
    assert f'id="score-{second.pk}-2" value="2" checked' in html
    assert "Written at length." in html
    assert Scorecard.objects.count() == 0  # the juror decides whether to save it

    again = client.get(score_url(jury.nomination)).content.decode()
    assert "Written at length." not in again  # offered once


def test_kept_scores_are_offered_only_to_the_browser_that_sent_them(client, jury):
    client.post(score_url(jury.nomination), {**jury.all_scores(5), "comment": "Mine.", "action": "save"})
    client.cookies.pop(draft_stash.COOKIE_NAME)

    client.force_login(jury.juror)
    html = client.get(score_url(jury.nomination)).content.decode()

    assert "Mine." not in html


def test_kept_scores_are_not_offered_once_scoring_has_closed(client, jury):
    jury.edition.scoring_close_at = timezone.now() + timedelta(hours=1)
    jury.edition.save(update_fields=["scoring_close_at"])
    client.post(score_url(jury.nomination), {**jury.all_scores(5), "comment": "Too late.", "action": "save"})
    client.cookies["django_language"] = "en"

    with time_machine.travel(jury.edition.scoring_close_at + timedelta(seconds=1)):
        client.force_login(jury.juror)
        html = client.get(score_url(jury.nomination)).content.decode()

    assert "could not be kept" in html
    assert "Too late." not in html


def _score_page_queries(client, jury) -> int:
    """The scoring page of the juror's first nomination, with a draft scorecard scoring every criterion."""
    scorecard = Scorecard.objects.create(juror=jury.juror, nomination=jury.nomination, comment="So far.")
    Score.objects.bulk_create(Score(scorecard=scorecard, criterion=c, value=3) for c in jury.criteria)
    client.force_login(jury.juror)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(score_url(jury.nomination))
    assert response.status_code == 200
    return len(queries)


def test_score_page_queries_do_not_grow_with_the_assignments_or_the_rubric(client, django_assert_num_queries):
    client.cookies["django_language"] = "en"
    small = scoring_jury(nominations=5, criteria=2)
    large = scoring_jury(nominations=50, criteria=6)
    expected = _score_page_queries(client, small)
    scorecard = Scorecard.objects.create(juror=large.juror, nomination=large.nomination, comment="So far.")
    Score.objects.bulk_create(Score(scorecard=scorecard, criterion=c, value=3) for c in large.criteria)
    client.force_login(large.juror)

    with django_assert_num_queries(expected):
        response = client.get(score_url(large.nomination))

    assert response.status_code == 200
    html = response.content.decode()
    assert all(f'name="score_{c.pk}"' in html for c in large.criteria)


def test_dashboard_page_links_keep_every_parameter_in_its_place(client, long_list):
    _juror, edition = long_list
    page = f"page-{edition.pk}"

    html = client.get(f"{reverse('jury:dashboard')}?{page}=2&show=to_score&x=%3Cy%3E").content.decode()

    nav = html.split('<nav class="mt-3"')[1].split("</nav>")[0]
    assert f'href="?{page}=1&amp;show=to_score&amp;x=%3Cy%3E#list-{edition.pk}" rel="prev">' in nav
    assert f'href="?{page}=2&amp;show=to_score&amp;x=%3Cy%3E#list-{edition.pk}" aria-current="page"' in nav


def test_dashboard_says_when_a_filter_lists_nothing(juror_client):
    html = dashboard(juror_client, show="submitted")

    assert '<li class="list-group-item">Nothing here.</li>' in html
    assert 'data-state="' not in html
