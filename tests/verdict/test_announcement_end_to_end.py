"""From submitted scorecards to the announcement, with the real tally: the organiser runs the tally,
reads the results page, downloads the bundle, approves first place and publishes; the public page then
shows the winner and everyone has one e-mail."""

import json

import pytest
from django.core import mail
from django.urls import reverse

from jury.verdict.models import AnnouncementMail, TallyRun
from nominations.models import Nomination
from tests.factories import OrganiserFactory

from .tally_setup import scored_edition

pytestmark = pytest.mark.django_db

SCORES = {
    "A": {0: [5, 5], 1: [3, 4], 2: [2, 2]},
    "B": {0: [4, 5], 1: [4, 3], 2: [1, 2]},
    "C": {0: [5, 4], 1: [3, 3], 2: [2, 1]},
}


def test_from_the_tally_to_the_published_winner(client, django_capture_on_commit_callbacks):
    scored = scored_edition(rubric=[("1.00", 1, 5), ("2.00", 1, 5)], nominations=3, scores=SCORES)
    edition, best = scored.edition, scored.nominations[0]
    organiser = OrganiserFactory()
    client.cookies["django_language"] = "en"
    client.force_login(organiser)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("verdict:tally_run", args=[edition.pk]))
    tally = TallyRun.objects.get(edition=edition)
    assert tally.result["ranking"][0]["nomination"] == best.pk

    page = client.get(reverse("verdict:results", args=[edition.pk])).content.decode()
    assert tally.result_digest in page
    assert page.count('<svg class="score-chart"') == 3

    download = client.get(reverse("verdict:bundle", args=[edition.pk]))
    assert download["Content-Disposition"].endswith('.json"')
    assert json.loads(download.content)

    assert client.post(reverse("verdict:winner_approve", args=[edition.pk]), {"winner": best.pk}).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("verdict:announcement", args=[edition.pk]),
            {"text_sv": "Grattis!", "text_en": "Congratulations!", "action": "publish"},
        )

    best.refresh_from_db()
    assert best.status == Nomination.Status.WINNER
    public = client.get(reverse("awards:edition_detail", args=[edition.year])).content.decode()
    assert best.startup_name in public and "Congratulations!" in public
    assert AnnouncementMail.objects.count() == 6
    assert sorted(m.to[0] for m in mail.outbox if "Congratulations!" in m.body or "Grattis!" in m.body) == sorted(
        [n.submitted_by.email for n in scored.nominations] + [u.email for u in scored.jurors.values()]
    )
