"""Two beat processes at once (a deployment that started a second by mistake), both on the
DatabaseScheduler of the same database, every job due each second, and a worker running several tasks
at a time: every reminder, tally, publication and e-mail still happens exactly once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.models import AuditEvent, OutboundEmail
from jury.models import ReminderSent
from jury.verdict.models import Announcement, AnnouncementMail, TallyRun
from tests.conftest import subprocess_env, venv_command
from tests.factories import assignment_for, edition_in_scoring, juror_with_mfa
from tests.jury.juror_setup import scoring_jury

from .conftest import SETTINGS, broker_is_empty, delivered_to, require_postgresql, wait_until, worker_command
from .scenarios import due_announcement, small_scored_edition

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

JOBS = ["send-scoring-reminders", "tally-closed-editions", "publish-due-announcements", "drain-outbox"]


def jurors_to_remind():
    """Two jurors with unfinished scorecards three days before the deadline: the 7-day reminder is due."""
    edition = edition_in_scoring(scoring_close_at=timezone.now() + timedelta(days=3))
    jury = scoring_jury(nominations=2, edition=edition, email="first@jury.example")
    second = juror_with_mfa(edition=edition, email="second@jury.example")
    for nomination in jury.nominations:
        assignment_for(second, nomination)
    return edition, ["first@jury.example", "second@jury.example"]


def test_two_beats_and_a_busy_worker_do_everything_once(redis_server, start_process, tmp_path):
    require_postgresql()
    reminder_edition, jurors = jurors_to_remind()
    tallied = small_scored_edition().edition
    # Announced a minute ago, so the tally job leaves this edition alone.
    announcement, told = due_announcement(announce_at=timezone.now() - timedelta(minutes=1))
    maildir = tmp_path / "mail"
    maildir.mkdir()
    env = subprocess_env(
        DJANGO_SETTINGS_MODULE=SETTINGS,
        REDIS_URL=redis_server.url,
        RELIABILITY_MAILDIR=str(maildir),
        RELIABILITY_BEAT_EVERY="1",
        OUTBOX_DRAIN_AFTER_SECONDS="0",  # the drain races every on-commit delivery
    )
    worker = start_process(worker_command("--pool=prefork", "--concurrency=3"), env, "worker")
    beat_args = [venv_command("celery"), "-A", "config", "beat", "-l", "info", "--max-interval", "1"]
    beats = [start_process(beat_args, env, f"beat-{n}") for n in (1, 2)]

    def each_beat_sent_each_job(times: int) -> bool:
        return all(beat.output().count(f"Sending due task {job} ") >= times for beat in beats for job in JOBS)

    wait_until(
        lambda: each_beat_sent_each_job(4),
        90,
        lambda: "\n\n".join(f"beat {n} said:\n{b.output()[-2000:]}" for n, b in enumerate(beats, 1)),
        interval=0.2,
    )
    for beat in beats:
        beat.stop()
    wait_until(
        lambda: (
            broker_is_empty(redis_server.url)
            and not OutboundEmail.objects.exclude(status=OutboundEmail.Status.SENT).exists()
        ),
        60,
        lambda: f"the worker did not finish; it said:\n{worker.output()[-4000:]}",
        interval=0.2,
    )

    assert (
        sorted(ReminderSent.objects.filter(edition=reminder_edition).values_list("juror__email", flat=True)) == jurors
    )
    assert TallyRun.objects.filter(edition=tallied).count() == 1
    assert AuditEvent.objects.filter(action="tally.run").count() == 1
    assert Announcement.objects.get(pk=announcement.pk).published_at is not None
    assert AuditEvent.objects.filter(action="verdict.announcement_published").count() == 1
    assert sorted(AnnouncementMail.objects.values_list("email", flat=True)) == told
    assert sorted(address for m in OutboundEmail.objects.all() for address in m.recipients) == sorted(jurors + told)
    assert delivered_to(maildir) == sorted(jurors + told)
