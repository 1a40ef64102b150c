"""The beat's publication task on a real worker over Redis: delivered twice (and, on PostgreSQL, run
by two worker processes at once), it publishes once and each outcome e-mail leaves once."""

import time
from datetime import timedelta

import pytest
from celery import Celery
from django.db import connection
from django.utils import timezone

from core.models import OutboundEmail
from jury.verdict.models import Announcement, AnnouncementMail
from jury.verdict.services.deliberation import finalists_set, winner_approve
from jury.verdict.tasks import publish_due_announcements
from nominations.models import Nomination
from tests.conftest import subprocess_env, venv_command

from .verdict_setup import deliberation

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def wait_until(predicate, timeout: float, message) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.3)
    raise AssertionError(message())


def test_the_publication_task_delivered_twice_sends_each_email_once(redis_server, start_process, tmp_path):
    d = deliberation()
    finalists_set(actor=d.organiser, edition=d.edition, nomination_ids=[d.first.pk, d.second.pk])
    winner_approve(actor=d.organiser, edition=d.edition, winner_id=d.first.pk)
    announcement = Announcement.objects.create(
        edition=d.edition, text_sv="Vinnaren är utsedd.", text_en="The winner is chosen.",
        publish_at=timezone.now() - timedelta(seconds=5),
    )  # fmt: skip
    maildir = tmp_path / "mail"
    maildir.mkdir()
    pool = ["--pool=prefork", "--concurrency=2"] if connection.vendor == "postgresql" else ["--pool=solo"]
    worker = start_process(
        [venv_command("celery"), "-A", "config", "worker", *pool, "-l", "info", "--without-gossip", "--without-mingle"],
        subprocess_env(
            DJANGO_SETTINGS_MODULE="config.settings.test", REDIS_URL=redis_server.url, EMAIL_URL=f"filemail://{maildir}"
        ),
        "worker",
    )
    worker.wait_for_output("ready.")
    # A sender app of its own, so this process's eager app and its connection pools stay as they were.
    sender = Celery("beat-stand-in", broker=redis_server.url, set_as_current=False)
    sender.conf.task_serializer = "json"
    for _ in range(2):
        sender.send_task(publish_due_announcements.name)
    sender.close()

    wait_until(
        lambda: (
            worker.output().count("publish_due_announcements") >= 4  # received and succeeded, twice
            and OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT).count() == 6
        ),
        timeout=90,
        message=lambda: f"the tasks did not finish; the worker said:\n{worker.output()[-4000:]}",
    )
    time.sleep(1)  # anything sent twice would show up by now
    announcement.refresh_from_db()
    assert announcement.published_at is not None
    assert AnnouncementMail.objects.count() == 6
    assert OutboundEmail.objects.count() == 6
    delivered = [
        line[len("To: ") :]
        for path in maildir.iterdir()
        for line in path.read_text().splitlines()
        if line.startswith("To: ")
    ]
    expected = [n.submitted_by.email for n in d.nominations] + [d.chair.email, d.juror.email]
    assert sorted(delivered) == sorted(expected)
    assert Nomination.objects.get(pk=d.first.pk).status == Nomination.Status.WINNER
    assert Nomination.objects.get(pk=d.second.pk).status == Nomination.Status.FINALIST
    assert "succeeded" in worker.output()
