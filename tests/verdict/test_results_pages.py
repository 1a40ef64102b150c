"""The results page and the announcement editor: what each role may do there, every number of the
tally on the page, charts without inline scripts or styles, and the forms through their views."""

import re
from datetime import timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from core.models import AuditEvent
from jury.models import ConflictDeclaration
from jury.verdict.models import Announcement, Finalist, TieDecision, WinnerApproval

from .tally_doc import make_tally_run
from .verdict_setup import deliberation

pytestmark = pytest.mark.django_db


@pytest.fixture
def d():
    return deliberation()


def as_user(client, user):
    client.cookies["django_language"] = "en"
    client.force_login(user)
    return client


def results_url(d):
    return reverse("verdict:results", args=[d.edition.pk])


def test_the_page_shows_every_number_of_the_latest_tally(client, d):
    page = as_user(client, d.organiser).get(results_url(d)).content.decode()

    assert d.tally.result_digest in page and d.tally.input_digest in page
    assert d.tally.chain_head in page
    for nomination in d.nominations:
        assert nomination.startup_name in page
    assert "90.000" in page and "80.000" in page  # raw means
    assert "4.000" in page  # the normalised mean of first place beside it
    assert "0.813" in page  # Kendall's W
    assert "J-1" in page and "1.250" in page  # leniency
    assert "fewer than 3 scorecards" in page  # not normalised, and why
    assert 'class="integrity-alarm' not in page


def test_the_distributions_are_inline_svg_without_scripts_or_styles(client, d):
    response = as_user(client, d.organiser).get(results_url(d))
    page = response.content.decode()

    assert page.count('<svg class="score-chart"') == len(d.nominations)
    assert 'height="23.0"' in page  # the highest bucket: 2 scorecards, the full 46 units
    assert "style=" not in page.split("<main", 1)[-1]
    assert "<script>" not in page
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


def test_an_integrity_alarm_is_shown(client, d):
    make_tally_run(d.edition, d.nominations, integrity_ok=False, digest_salt="x")

    page = as_user(client, d.organiser).get(results_url(d)).content.decode()

    assert 'class="alert alert-danger integrity-alarm"' in page


def test_the_below_quorum_nominations_are_flagged_not_ranked(client, d):
    make_tally_run(d.edition, d.nominations[:3], below_quorum=d.nominations[3:], digest_salt="q")

    page = as_user(client, d.organiser).get(results_url(d)).content.decode()

    assert 'class="table table-sm align-middle below-quorum"' in page
    assert page.index(d.nominations[3].startup_name) > page.index("below-quorum")


def test_the_chair_sees_no_run_button_no_bundle_and_no_approval_form(client, d):
    page = as_user(client, d.chair).get(results_url(d)).content.decode()

    assert reverse("verdict:tally_run", args=[d.edition.pk]) not in page
    assert reverse("verdict:bundle", args=[d.edition.pk]) not in page
    assert 'class="winner-form"' not in page
    assert reverse("verdict:finalists", args=[d.edition.pk]) in page


def test_a_conflicted_chair_sees_the_ranking_but_not_the_scores_of_the_conflicted_nomination(client, d):
    ConflictDeclaration.objects.create(juror=d.chair, nomination=d.second, has_conflict=True, kind="investor")

    page = as_user(client, d.chair).get(results_url(d)).content.decode()

    assert d.second.startup_name in page
    assert page.count('<svg class="score-chart"') == len(d.nominations) - 1
    assert reverse("jury:scorecards", args=[d.second.pk]) not in page
    assert reverse("jury:scorecards", args=[d.first.pk]) in page


CRITERIA = [
    {"id": 1, "name_sv": "Innovationshöjd", "name_en": "Innovation", "weight": "2.00", "scale_min": 1, "scale_max": 5},
    {"id": 2, "name_sv": "Teamets styrka", "name_en": "Team", "weight": "1.00", "scale_min": 1, "scale_max": 5},
]


def with_what_if(d, what_if: dict | None) -> None:
    d.tally.result = {**d.tally.result, "criteria": CRITERIA, "what_if": what_if}
    d.tally.save(update_fields=["result"])


def what_if_sentence(page: str) -> str:
    """The text of the what-if paragraph, whitespace collapsed."""
    paragraph = re.search(r'<p class="what-if">(.*?)</p>', page, re.DOTALL)
    assert paragraph, "no what-if sentence on the page"
    return " ".join(paragraph.group(1).split())


def test_what_would_change_the_winner_is_a_sentence_with_the_criteria_by_name(client, d):
    with_what_if(
        d,
        {
            "first": d.first.pk,
            "second": d.second.pk,
            "juror": "J-1A2B",
            "nomination": d.first.pk,
            "direction": "lower",
            "steps": 3,
            "changes": [{"criterion": 1, "from": 4, "to": 2}, {"criterion": 2, "from": 5, "to": 4}],
        },
    )

    page = as_user(client, d.organiser).get(results_url(d)).content.decode()

    assert what_if_sentence(page) == (
        f"If juror J-1A2B had scored {escape(d.first.startup_name)} 2 instead of 4 on Innovation and 4 instead of 5 "
        f"on Team (3 steps), {escape(d.second.startup_name)} would be first."
    )
    assert '<dl class="row small what-if"' not in page


def test_the_what_if_names_the_criterion_in_the_page_language(client, d):
    with_what_if(
        d,
        {
            "first": d.first.pk,
            "second": d.second.pk,
            "juror": "J-9C8D",
            "nomination": d.second.pk,
            "direction": "raise",
            "steps": 1,
            "changes": [{"criterion": 2, "from": 3, "to": 4}],
        },
    )
    client.force_login(d.organiser)
    client.cookies["django_language"] = "sv"

    sentence = what_if_sentence(client.get(results_url(d)).content.decode())

    assert "Teamets styrka" in sentence and "Team " not in sentence
    assert "J-9C8D" in sentence and escape(d.second.startup_name) in sentence
    assert "4" in sentence and "3" in sentence


def test_the_what_if_says_when_no_single_scorecard_changes_the_winner(client, d):
    with_what_if(
        d, {"first": d.first.pk, "second": d.second.pk, "juror": None, "steps": None, "note": "no_single_scorecard"}
    )

    page = as_user(client, d.organiser).get(results_url(d)).content.decode()

    assert what_if_sentence(page) == (
        f"No change to one juror's scorecard alone would put {escape(d.second.startup_name)} above "
        f"{escape(d.first.startup_name)}."
    )


def test_without_a_what_if_the_page_says_so(client, d):
    with_what_if(d, None)

    page = as_user(client, d.organiser).get(results_url(d)).content.decode()

    assert 'class="what-if"' not in page
    assert "No single scorecard change swaps first and second place" in page


def test_a_conflicted_chair_is_not_shown_the_scores_of_the_what_if(client, d):
    with_what_if(
        d,
        {
            "first": d.first.pk,
            "second": d.second.pk,
            "juror": "J-1A2B",
            "nomination": d.first.pk,
            "direction": "lower",
            "steps": 2,
            "changes": [{"criterion": 1, "from": 4, "to": 2}],
        },
    )
    ConflictDeclaration.objects.create(juror=d.chair, nomination=d.first, has_conflict=True, kind="investor")

    sentence = what_if_sentence(as_user(client, d.chair).get(results_url(d)).content.decode())

    assert "instead of" not in sentence and "Innovation" not in sentence
    assert "2 steps" in sentence and "not shown because of your conflict of interest" in sentence


def test_the_results_page_before_scoring_closes(client, d):
    d.edition.scoring_close_at = timezone.now() + timedelta(hours=2)
    d.edition.save()

    assert as_user(client, d.chair).get(results_url(d)).status_code == 404
    response = as_user(client, d.organiser).get(results_url(d))
    assert response.status_code == 200
    assert d.first.startup_name not in response.content.decode()
    assert 'class="not-yet"' in response.content.decode()


def test_the_organiser_runs_the_tally(client, d, django_capture_on_commit_callbacks):
    task = mock.Mock()
    with (
        mock.patch("jury.verdict.tasks.tally_edition", task),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = as_user(client, d.organiser).post(reverse("verdict:tally_run", args=[d.edition.pk]))

    assert response.status_code == 302
    task.delay.assert_called_once_with(edition_id=d.edition.pk, trigger="organiser", requested_by_id=d.organiser.pk)
    assert AuditEvent.objects.filter(action="tally.requested", actor=d.organiser).count() == 1


def test_only_an_organiser_may_run_the_tally(client, d):
    for user in (d.chair, d.juror):
        client.logout()
        assert as_user(client, user).post(reverse("verdict:tally_run", args=[d.edition.pk])).status_code == 404


def test_the_chair_records_a_tie_decision_through_the_form(client):
    d = deliberation(chair_tie=2)
    key = ",".join(str(n) for n in sorted([d.first.pk, d.second.pk]))

    page = as_user(client, d.chair).get(results_url(d)).content.decode()
    assert 'class="tie-form"' in page
    response = client.post(
        reverse("verdict:tie_decide", args=[d.edition.pk]),
        {"group": key, "place_1": d.second.pk, "place_2": d.first.pk, "reason": "Clearer plan."},
    )

    assert response.status_code == 302
    assert TieDecision.objects.get().order == [d.second.pk, d.first.pk]


def test_the_organiser_sees_the_tie_but_no_form(client):
    d = deliberation(chair_tie=2)

    page = as_user(client, d.organiser).get(results_url(d)).content.decode()

    assert 'class="card mb-3 border-warning tie-open"' in page
    assert 'class="tie-form"' not in page


def test_first_place_is_preselected_and_another_winner_needs_a_reason(client, d):
    page = as_user(client, d.organiser).get(results_url(d)).content.decode()
    form = page.split('class="winner-form"', 1)[1]
    checked = form.split(" checked", 1)[0].rsplit("<input", 1)[1]
    assert f'value="{d.first.pk}"' in checked

    refused = client.post(reverse("verdict:winner_approve", args=[d.edition.pk]), {"winner": d.second.pk})
    assert refused.status_code == 400
    assert not WinnerApproval.objects.exists()

    accepted = client.post(
        reverse("verdict:winner_approve", args=[d.edition.pk]), {"winner": d.second.pk, "reason": "Better fit."}
    )
    assert accepted.status_code == 302
    assert WinnerApproval.objects.get().reason == "Better fit."


def test_finalists_through_the_form(client, d):
    response = as_user(client, d.chair).post(
        reverse("verdict:finalists", args=[d.edition.pk]), {"finalists": [d.first.pk, d.second.pk]}
    )

    assert response.status_code == 302
    assert set(Finalist.objects.values_list("nomination_id", flat=True)) == {d.first.pk, d.second.pk}


def test_the_announcement_editor_previews_schedules_and_publishes(client, d):
    as_user(client, d.organiser)
    client.post(reverse("verdict:winner_approve", args=[d.edition.pk]), {"winner": d.first.pk})
    url = reverse("verdict:announcement", args=[d.edition.pk])
    texts = {"text_sv": "Svensk text om vinnaren.", "text_en": "English text about the winner."}

    preview = client.post(url, {**texts, "action": "preview"}).content.decode()
    assert "Svensk text om vinnaren." in preview.split("preview-sv", 1)[1]
    assert "English text about the winner." in preview.split("preview-en", 1)[1]
    assert d.first.startup_name in preview.split("preview-en", 1)[1]
    assert not Announcement.objects.exists()

    stockholm = timezone.localtime(timezone.now() + timedelta(days=3), ZoneInfo("Europe/Stockholm"))
    response = client.post(url, {**texts, "action": "schedule", "publish_at": stockholm.strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 302
    announcement = Announcement.objects.get()
    assert announcement.publish_at == stockholm.replace(second=0, microsecond=0)
    assert announcement.published_at is None

    response = client.post(url, {**texts, "action": "publish"})
    assert response.status_code == 302
    announcement.refresh_from_db()
    assert announcement.published_at is not None


def test_scheduling_without_a_time_is_refused(client, d):
    as_user(client, d.organiser)
    response = client.post(
        reverse("verdict:announcement", args=[d.edition.pk]), {"text_sv": "a", "text_en": "b", "action": "schedule"}
    )

    assert response.status_code == 400
    assert not Announcement.objects.exists()


@pytest.mark.parametrize("role", ["chair", "juror"])
def test_only_organisers_reach_the_announcement_editor(client, d, role):
    response = as_user(client, getattr(d, role)).get(reverse("verdict:announcement", args=[d.edition.pk]))

    assert response.status_code == 404


def test_the_organiser_tabs_link_the_results(client, d):
    page = (
        as_user(client, d.organiser).get(reverse("awards:organiser_edition_edit", args=[d.edition.pk])).content.decode()
    )

    assert results_url(d) in page
