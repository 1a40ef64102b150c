"""`kill -9` of the worker in the middle of the tally and of the announcement (publishing and its
e-mails), ten times each: the redelivered task finishes once, nothing is sent twice, nothing is lost.

The worker stops at a checkpoint (checkpoints.py) and is killed there; a fresh worker takes the
message back from Redis once its visibility timeout (1 s here) has passed, as after a crash."""

import pytest

from core.models import AuditEvent, OutboundEmail
from jury.verdict import tally
from jury.verdict.models import Announcement, AnnouncementMail, TallyRun
from jury.verdict.services.tally import tally_run
from jury.verdict.tasks import publish_due_announcements, tally_edition

from .conftest import KillableWorker, broker_is_empty, delivered_to, require_postgresql, wait_until
from .scenarios import due_announcement, small_scored_edition

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

ROUNDS = 10


@pytest.fixture
def worker(start_process, tmp_path, redis_server, celery_on_broker):
    require_postgresql()
    worker = KillableWorker(start_process, tmp_path, redis_server.url, RELIABILITY_VISIBILITY_TIMEOUT="1")
    worker.start()
    celery_on_broker(redis_server.url)  # this process plays the web process and the beat
    return worker


def tally_round(worker: KillableWorker, redis_url: str, stop_at: int) -> str:
    """Tally a new edition, kill the worker at the stop_at-th checkpoint, let the next one finish."""
    edition = small_scored_edition().edition
    worker.arm(stop_at=stop_at)

    tally_edition.delay(edition_id=edition.pk, trigger=TallyRun.Trigger.ORGANISER)
    stopped = worker.wait_stopped()
    worker.kill()

    assert TallyRun.objects.filter(edition=edition).count() == 0, stopped
    worker.promote()
    wait_until(
        lambda: TallyRun.objects.filter(edition=edition).exists() and broker_is_empty(redis_url),
        30,
        lambda: f"no tally after the kill at {stopped}; the worker said:\n{worker.output()}",
    )
    run = TallyRun.objects.get(edition=edition)
    assert run.integrity_ok
    # The same input in this process gives the stored run back: one result, and the right one.
    assert tally_run(edition=edition, trigger=TallyRun.Trigger.ORGANISER).pk == run.pk
    assert AuditEvent.objects.filter(action="tally.run", object_id=str(run.pk)).count() == 1
    return stopped


def tally_checkpoints(monkeypatch) -> list[str]:
    """The checkpoints one tally passes (its pause hook, in each phase), found by a tally here."""
    passed = []
    monkeypatch.setattr(tally, "_pause_for_tests", lambda phase: passed.append(f"tally:{phase}"))
    tally_run(edition=small_scored_edition().edition, trigger=TallyRun.Trigger.ORGANISER)
    monkeypatch.undo()
    return passed


def test_tally_killed_half_way_ten_times_ends_with_one_result(worker, redis_server, monkeypatch):
    checkpoints = tally_checkpoints(monkeypatch)
    assert len(set(checkpoints)) >= 3, checkpoints

    stopped_at = [tally_round(worker, redis_server.url, stop_at=n % len(checkpoints) + 1) for n in range(ROUNDS)]

    # Every phase of the tally was interrupted at least once.
    assert set(stopped_at) == set(checkpoints), stopped_at
    assert TallyRun.objects.count() == ROUNDS + 1  # and the one tallied here
    assert worker.kills == ROUNDS


# Six recipients: six outbox rows written while publishing (checkpoints 1-6, inside the transaction),
# then six deliveries (7-12). Ten rounds stop at these.
ANNOUNCEMENT_STOPS = [1, 3, 5, 6, 7, 8, 9, 10, 11, 12]


def announcement_round(worker: KillableWorker, redis_url: str, stop_at: int) -> list[str]:
    """Publish a new announcement, kill the worker at the stop_at-th checkpoint, let the next one
    finish; the addresses that had to be told."""
    announcement, recipients = due_announcement()
    worker.arm(stop_at=stop_at)

    publish_due_announcements.delay()
    stopped = worker.wait_stopped()
    worker.kill()

    announcement.refresh_from_db()
    mails = OutboundEmail.objects.filter(recipients__0__in=recipients)
    if stop_at <= len(recipients):  # killed while publishing: all of it rolled back
        assert stopped.startswith("outbox:")
        assert announcement.published_at is None
        assert AnnouncementMail.objects.filter(announcement=announcement).count() == 0
        assert mails.count() == 0
    else:  # killed while delivering: published, the e-mails before it sent, the rest waiting
        assert stopped.startswith("deliver:")
        assert announcement.published_at is not None
        assert mails.filter(status=OutboundEmail.Status.SENT).count() == stop_at - len(recipients) - 1

    worker.promote()
    wait_until(
        lambda: (
            mails.filter(status=OutboundEmail.Status.SENT).count() == len(recipients) and broker_is_empty(redis_url)
        ),
        30,
        lambda: f"not everyone told after the kill at {stopped}; the worker said:\n{worker.output()}",
    )
    announcement.refresh_from_db()
    assert announcement.published_at is not None
    assert AnnouncementMail.objects.filter(announcement=announcement).count() == len(recipients)
    assert sorted(m.recipients[0] for m in mails) == recipients
    assert {m.attempts for m in mails} == {1}
    return recipients


def test_announcement_killed_half_way_ten_times_publishes_once_and_tells_everyone_once(worker, redis_server):
    everyone = [
        address for stop_at in ANNOUNCEMENT_STOPS for address in announcement_round(worker, redis_server.url, stop_at)
    ]

    # Each of the sixty e-mails reached the "deliver" mailer exactly once.
    assert delivered_to(worker.maildir) == sorted(everyone)
    assert Announcement.objects.filter(published_at__isnull=False).count() == ROUNDS
    assert AuditEvent.objects.filter(action="verdict.announcement_published").count() == ROUNDS
    assert worker.kills == ROUNDS
