"""Redis (the broker, and here the cache as in production) stopped while a startup submits its
nomination and while a juror submits a scorecard: the work is saved and acknowledged at once, and the
e-mail about it (confirmation, receipt) goes out once after Redis returns, through the outbox drain."""

import time

import pytest
from django.urls import reverse

from core.models import OutboundEmail
from core.tasks import drain_outbox
from jury.models import Scorecard, ScoreEvent
from nominations import services
from nominations.models import Nomination
from tests.conftest import subprocess_env
from tests.factories import EditionFactory, UserFactory
from tests.jury.juror_setup import scoring_jury
from tests.nominations import pdfs
from tests.nominations.test_applicant import COMPLETE

from .conftest import SETTINGS, delivered_to, require_postgresql, wait_until, worker_command

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


class Outage:
    def __init__(self, redis_server, worker, maildir):
        self.redis = redis_server
        self.worker = worker
        self.maildir = maildir

    def deliver_after_redis_returns(self, email: OutboundEmail) -> list[str]:
        """Start Redis again, run the drain as beat does, wait for the e-mail; what was delivered."""
        self.redis.start()
        drain_outbox.apply_async()
        wait_until(
            lambda: OutboundEmail.objects.get(pk=email.pk).status == OutboundEmail.Status.SENT,
            60,
            lambda: f"not delivered after Redis returned; the worker said:\n{self.worker.output()[-4000:]}",
            interval=0.2,
        )
        drain_outbox.apply_async()  # a second drain finds nothing left to send
        wait_until(lambda: self.worker.output().count("drain_outbox") >= 4, 30, self.worker.output)
        return delivered_to(self.maildir)


@pytest.fixture
def outage(redis_server, start_process, celery_on_broker, settings, tmp_path):
    require_postgresql()
    maildir = tmp_path / "mail"
    maildir.mkdir()
    worker = start_process(
        worker_command(),
        subprocess_env(
            DJANGO_SETTINGS_MODULE=SETTINGS,
            REDIS_URL=redis_server.url,
            RELIABILITY_MAILDIR=str(maildir),
            OUTBOX_DRAIN_AFTER_SECONDS="0",
        ),
        "worker",
    )
    # This process is the web process: Redis is its broker and its cache, as REDIS_URL makes them.
    celery_on_broker(redis_server.url)
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_server.url}
    }
    worker.wait_for_output("ready.")
    return Outage(redis_server, worker, maildir)


def test_nomination_submitted_while_redis_is_down_is_saved_and_confirmed_once_it_returns(client, outage):
    applicant = UserFactory(email="sara@neurogrid.example")
    draft = services.nomination_create(
        actor=applicant, edition=EditionFactory(), data={"startup_name": "Neurogrid"}, language="en"
    )
    client.force_login(applicant)
    client.cookies["django_language"] = "en"
    outage.redis.stop()

    started = time.monotonic()
    response = client.post(
        reverse("nominations:edit", args=[draft.pk]),
        {**COMPLETE, "consent": "on", "submit": "1", "pitch_deck_upload": pdfs.upload(pdfs.real_pdf())},
    )
    elapsed = time.monotonic() - started

    assert response.status_code == 302
    assert response["Location"] == reverse("nominations:detail", args=[draft.pk])
    assert elapsed < 10, f"the submit waited {elapsed:.1f}s for Redis"
    assert Nomination.objects.get(pk=draft.pk).status == Nomination.Status.SUBMITTED
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Neurogrid Diagnostics AB" in page.content.decode()
    email = OutboundEmail.objects.get()
    assert (email.status, email.recipients) == (OutboundEmail.Status.PENDING, ["sara@neurogrid.example"])
    assert "Neurogrid Diagnostics AB" in email.subject

    assert outage.deliver_after_redis_returns(email) == ["sara@neurogrid.example"]
    assert OutboundEmail.objects.get().attempts == 1


def test_scorecard_submitted_while_redis_is_down_is_saved_and_its_receipt_sent_once_it_returns(client, outage):
    jury = scoring_jury(nominations=1, email="juror@jury.example")
    client.force_login(jury.juror)
    client.cookies["django_language"] = "en"
    outage.redis.stop()

    started = time.monotonic()
    response = client.post(reverse("jury:score", args=[jury.nomination.pk]), {**jury.all_scores(4), "action": "submit"})
    elapsed = time.monotonic() - started

    assert response.status_code == 302
    assert response["Location"] == reverse("jury:dashboard")
    assert elapsed < 10, f"the submit waited {elapsed:.1f}s for Redis"
    scorecard = Scorecard.objects.get()
    assert scorecard.status == Scorecard.Status.SUBMITTED
    assert sorted(scorecard.scores.values_list("value", flat=True)) == [4] * len(jury.criteria)
    receipt = ScoreEvent.objects.get(scorecard=scorecard).hash
    page = client.get(reverse("jury:score", args=[jury.nomination.pk]))
    assert receipt in page.content.decode()
    email = OutboundEmail.objects.get()
    assert (email.status, email.recipients) == (OutboundEmail.Status.PENDING, ["juror@jury.example"])

    assert outage.deliver_after_redis_returns(email) == ["juror@jury.example"]
    assert receipt in "".join(p.read_text() for p in outage.maildir.iterdir())
    assert OutboundEmail.objects.get().attempts == 1
