"""Who reaches which jury page. Whatever a person may not see is a 404, so its existence is not
revealed; a juror without two-factor authentication is sent to set it up; nobody reads another
juror's scores before scoring closes; a startup never sees a score."""

from datetime import timedelta
from urllib.parse import urlencode

import pytest
import time_machine
from django.urls import reverse

from jury.models import ConflictDeclaration, JuryMember
from jury.services.scoring import scorecard_save
from nominations.models import Nomination
from tests.factories import (
    OrganiserFactory,
    SubmittedNominationFactory,
    activate_totp_for,
    assignment_for,
    edition_in_scoring,
    juror_with_mfa,
    jury_plan_released,
)
from tests.jury.juror_setup import scoring_jury

pytestmark = pytest.mark.django_db

SECRET_COMMENT = "Weak market analysis, says juror A"


@pytest.fixture
def jury():
    return scoring_jury(nominations=2, name="Anna Juror")


def score_url(nomination) -> str:
    return reverse("jury:score", args=[nomination.pk])


def scorecards_url(nomination) -> str:
    return reverse("jury:scorecards", args=[nomination.pk])


def login(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def submit(jury, juror, nomination, value=4, comment=SECRET_COMMENT):
    scorecard_save(
        actor=juror, nomination=nomination, values={c.pk: value for c in jury.criteria}, comment=comment, submit=True
    )


def after_close(jury, client, user):
    """Travel past the deadline and log in there (the session of "now" would have expired)."""
    traveller = time_machine.travel(jury.edition.scoring_close_at + timedelta(hours=1))
    traveller.start()
    login(client, user)
    return traveller


# Jurors and their nominations


def test_assigned_juror_opens_the_scoring_page(client, jury):
    assert login(client, jury.juror).get(score_url(jury.nomination)).status_code == 200


def test_unassigned_nomination_of_the_same_edition_is_a_404(client, jury):
    stranger = SubmittedNominationFactory(edition=jury.edition, status=Nomination.Status.ELIGIBLE)
    login(client, jury.juror)

    for url in (
        score_url(stranger),
        reverse("nominations:detail", args=[stranger.pk]),
        reverse("nominations:pitch_deck", args=[stranger.pk]),
    ):
        assert client.get(url).status_code == 404, url


def test_conflicted_nomination_is_a_404(client, jury):
    ConflictDeclaration.objects.filter(nomination=jury.nomination).update(has_conflict=True, kind="family")

    assert login(client, jury.juror).get(score_url(jury.nomination)).status_code == 404


def test_nomination_of_another_edition_is_a_404_even_if_assigned_there(client, jury):
    """A juror of edition A who has an assignment row in edition B but no seat there sees nothing of B."""
    other_edition = edition_in_scoring()
    jury_plan_released(other_edition)
    other = SubmittedNominationFactory(edition=other_edition, status=Nomination.Status.ELIGIBLE)
    assignment_for(jury.juror, other)
    login(client, jury.juror)

    assert client.get(score_url(other)).status_code == 404
    assert client.get(reverse("nominations:detail", args=[other.pk])).status_code == 404
    assert other.startup_name not in client.get(reverse("jury:dashboard")).content.decode()
    assert other.startup_name not in client.get(reverse("jury:conflicts")).content.decode()


def test_a_juror_removed_from_the_jury_sees_nothing(client, jury):
    JuryMember.objects.filter(user=jury.juror).delete()
    login(client, jury.juror)

    assert client.get(score_url(jury.nomination)).status_code == 404
    assert client.get(reverse("jury:dashboard")).status_code == 404


def test_assignments_not_yet_released_are_a_404(client, jury):
    jury_plan_released(jury.edition, released=False)
    login(client, jury.juror)

    assert client.get(score_url(jury.nomination)).status_code == 404
    assert client.get(reverse("nominations:detail", args=[jury.nomination.pk])).status_code == 404
    assert jury.nomination.startup_name not in client.get(reverse("jury:conflicts")).content.decode()


@pytest.mark.parametrize("page", ["score", "conflicts"])
def test_juror_without_mfa_is_sent_to_set_it_up(client, jury, page):
    juror = juror_with_mfa(edition=jury.edition, mfa=False)
    assignment_for(juror, jury.nomination)
    login(client, juror)
    url = score_url(jury.nomination) if page == "score" else reverse("jury:conflicts")

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('mfa_activate_totp')}?{urlencode({'next': url})}"


def test_juror_without_mfa_cannot_post_scores(client, jury):
    juror = juror_with_mfa(edition=jury.edition, mfa=False)
    assignment_for(juror, jury.nomination)
    login(client, juror)

    response = client.post(score_url(jury.nomination), {**jury.all_scores(), "action": "submit"})

    assert response["Location"] == f"{reverse('mfa_activate_totp')}?{urlencode({'next': score_url(jury.nomination)})}"
    assert not juror.scorecards.exists()


def test_anonymous_visitors_are_sent_to_log_in(client, jury):
    for url in (reverse("jury:dashboard"), reverse("jury:conflicts"), score_url(jury.nomination)):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login")), url


# Independence: nobody reads another juror's scores before scoring closes


@pytest.fixture
def second_juror(jury):
    juror = juror_with_mfa(edition=jury.edition, name="Bo Juror")
    assignment_for(juror, jury.nomination)
    return juror


def test_a_juror_sees_only_their_own_scorecard(client, jury, second_juror):
    submit(jury, jury.juror, jury.nomination, value=5)

    html = login(client, second_juror).get(score_url(jury.nomination)).content.decode()

    assert SECRET_COMMENT not in html
    assert " checked" not in html
    assert 'value="submit"' in html  # B's own empty scorecard


def test_before_close_nobody_reads_all_scorecards(client, jury, second_juror):
    submit(jury, jury.juror, jury.nomination)
    chair = juror_with_mfa(edition=jury.edition, role="chair")

    for user in (jury.juror, second_juror, chair, OrganiserFactory()):
        response = login(client, user).get(scorecards_url(jury.nomination))
        assert response.status_code == 404, user
        assert SECRET_COMMENT not in response.content.decode()


def test_after_close_the_organiser_reads_every_scorecard(client, jury, second_juror):
    submit(jury, jury.juror, jury.nomination, value=5)
    submit(jury, second_juror, jury.nomination, value=2, comment="B's view")
    traveller = after_close(jury, client, OrganiserFactory())
    try:
        html = client.get(scorecards_url(jury.nomination)).content.decode()
    finally:
        traveller.stop()

    assert SECRET_COMMENT in html
    assert "B&#x27;s view" in html
    assert "Anna Juror" in html and "Bo Juror" in html
    assert "5.00" in html and "2.00" in html


def test_after_close_the_chair_reads_every_scorecard(client, jury, second_juror):
    submit(jury, jury.juror, jury.nomination)
    chair = juror_with_mfa(edition=jury.edition, role="chair")
    traveller = after_close(jury, client, chair)
    try:
        response = client.get(scorecards_url(jury.nomination))
    finally:
        traveller.stop()

    assert response.status_code == 200
    assert SECRET_COMMENT in response.content.decode()


def test_after_close_a_conflicted_chair_does_not(client, jury):
    submit(jury, jury.juror, jury.nomination)
    chair = juror_with_mfa(edition=jury.edition, role="chair")
    ConflictDeclaration.objects.create(juror=chair, nomination=jury.nomination, has_conflict=True, kind="investor")
    traveller = after_close(jury, client, chair)
    try:
        response = client.get(scorecards_url(jury.nomination))
    finally:
        traveller.stop()

    assert response.status_code == 404


def test_after_close_a_chair_of_another_edition_does_not(client, jury):
    submit(jury, jury.juror, jury.nomination)
    chair = juror_with_mfa(edition=edition_in_scoring(), role="chair")
    traveller = after_close(jury, client, chair)
    try:
        response = client.get(scorecards_url(jury.nomination))
    finally:
        traveller.stop()

    assert response.status_code == 404


def test_after_close_a_juror_still_cannot_read_the_others(client, jury, second_juror):
    submit(jury, jury.juror, jury.nomination)
    traveller = after_close(jury, client, second_juror)
    try:
        all_cards = client.get(scorecards_url(jury.nomination))
        own_page = client.get(score_url(jury.nomination)).content.decode()
    finally:
        traveller.stop()

    assert all_cards.status_code == 404
    assert SECRET_COMMENT not in own_page


# A startup never sees a score


@pytest.fixture
def scored(jury, second_juror):
    submit(jury, jury.juror, jury.nomination, value=5)
    submit(jury, second_juror, jury.nomination, value=1, comment="Another secret verdict")
    startup = jury.nomination.submitted_by
    activate_totp_for(startup)  # even with two-factor authentication
    return startup


def _jury_urls(jury) -> list[str]:
    pk = jury.nomination.pk
    return [
        reverse("jury:dashboard"),
        reverse("jury:conflicts"),
        reverse("jury:score", args=[pk]),
        reverse("jury:scorecards", args=[pk]),
        reverse("jury:organiser_conflicts", args=[jury.edition.pk]),
    ]


@pytest.mark.parametrize("when", ["during scoring", "after scoring closed"])
def test_a_startup_sees_no_score_anywhere(client, jury, scored, when):
    traveller = (
        time_machine.travel(jury.edition.scoring_close_at + timedelta(hours=1)) if when != "during scoring" else None
    )
    if traveller:
        traveller.start()
    try:
        login(client, scored)
        detail = client.get(reverse("nominations:detail", args=[jury.nomination.pk]))
        jury_pages = {url: client.get(url) for url in _jury_urls(jury)}
        posted = client.post(score_url(jury.nomination), {**jury.all_scores(), "action": "save"})
    finally:
        if traveller:
            traveller.stop()

    html = detail.content.decode()
    assert detail.status_code == 200
    for secret in (SECRET_COMMENT, "Another secret verdict", "scorecard", "Scorecard"):
        assert secret not in html
    assert {url: r.status_code for url, r in jury_pages.items()} == {url: 404 for url in _jury_urls(jury)}
    assert posted.status_code == 404
    assert not scored.scorecards.exists()
