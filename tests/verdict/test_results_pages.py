"""The results page and the announcement editor: what each role may do there, every number of the
tally on the page, charts without inline scripts or styles, and the forms through their views."""

from datetime import timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

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
        mock.patch("jury.verdict.services.deliberation.tally_edition_task", return_value=task),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = as_user(client, d.organiser).post(reverse("verdict:tally_run", args=[d.edition.pk]))

    assert response.status_code == 302
    task.delay.assert_called_once_with(edition_id=d.edition.pk, trigger="organiser", requested_by_id=d.organiser.pk)


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
