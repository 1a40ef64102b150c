"""The announcement: drafts, scheduling, publishing now and by the beat job at the set time; the
statuses set only then; the outcome e-mails, each once and in the recipient's language."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone, translation
from django.utils.translation import gettext

from core.models import AuditEvent, OutboundEmail
from jury.verdict.models import Announcement, AnnouncementMail
from jury.verdict.services.announcement import (
    announcement_publish,
    announcement_publish_now,
    announcement_save,
    announcements_publish_due,
)
from jury.verdict.services.deliberation import finalists_set, winner_approve
from jury.verdict.tasks import publish_due_announcements
from nominations.models import Nomination
from tests.factories import SubmittedNominationFactory

from .verdict_setup import deliberation

pytestmark = pytest.mark.django_db

PREFIX = "[Flemingsberg Science Award] "


def in_language(language: str, message: str, values: dict) -> str:
    with translation.override(language):
        return gettext(message) % values


TEXT_SV = "Vinnaren av Flemingsberg Science Award STARTUP är utsedd."
TEXT_EN = "The winner of Flemingsberg Science Award STARTUP is chosen."


def approved(d, *, finalists=2):
    finalists_set(actor=d.organiser, edition=d.edition, nomination_ids=[n.pk for n in d.nominations[:finalists]])
    winner_approve(actor=d.organiser, edition=d.edition, winner_id=d.first.pk)
    return d


@pytest.fixture
def d():
    return approved(deliberation())


def schedule(d, at):
    return announcement_save(actor=d.organiser, edition=d.edition, text_sv=TEXT_SV, text_en=TEXT_EN, publish_at=at)


def statuses(d) -> list[str]:
    return [Nomination.objects.get(pk=n.pk).status for n in d.nominations]


def test_a_draft_is_saved_and_not_scheduled(d):
    announcement = announcement_save(actor=d.organiser, edition=d.edition, text_sv=TEXT_SV, text_en=TEXT_EN)

    assert (announcement.text_sv, announcement.text_en, announcement.publish_at) == (TEXT_SV, TEXT_EN, None)
    assert announcements_publish_due(now=timezone.now() + timedelta(days=365)) == 0
    assert AuditEvent.objects.filter(action="verdict.announcement_saved").count() == 1


def test_both_languages_are_required(d):
    with pytest.raises(ValidationError) as error:
        announcement_save(actor=d.organiser, edition=d.edition, text_sv=TEXT_SV, text_en="  ")

    assert list(error.value.error_dict) == ["text_en"]


def test_scheduling_needs_an_approved_winner():
    d = deliberation()

    with pytest.raises(ValidationError):
        schedule(d, timezone.now() + timedelta(days=1))
    with pytest.raises(ValidationError):
        announcement_publish_now(actor=d.organiser, edition=d.edition, text_sv=TEXT_SV, text_en=TEXT_EN)
    assert not Announcement.objects.filter(published_at__isnull=False).exists()


def test_scheduling_in_the_past_is_refused(d):
    with pytest.raises(ValidationError) as error:
        schedule(d, timezone.now() - timedelta(minutes=1))

    assert list(error.value.error_dict) == ["publish_at"]


def test_only_an_organiser_writes_the_announcement(d):
    for user in (d.chair, d.juror):
        with pytest.raises(PermissionDenied):
            announcement_save(actor=user, edition=d.edition, text_sv=TEXT_SV, text_en=TEXT_EN)


def test_nothing_changes_before_the_scheduled_time_and_the_beat_publishes_at_it(d, django_capture_on_commit_callbacks):
    at = timezone.now() + timedelta(days=2)
    announcement = schedule(d, at)

    with time_machine.travel(at - timedelta(seconds=1), tick=False):
        assert publish_due_announcements() == 0
    announcement.refresh_from_db()
    assert announcement.published_at is None
    assert statuses(d) == [Nomination.Status.ELIGIBLE] * 4
    assert not AnnouncementMail.objects.exists()

    with time_machine.travel(at + timedelta(seconds=10), tick=False), django_capture_on_commit_callbacks(execute=True):
        assert publish_due_announcements() == 1
    announcement.refresh_from_db()
    assert announcement.published_at == at + timedelta(seconds=10)
    assert statuses(d) == [
        Nomination.Status.WINNER,
        Nomination.Status.FINALIST,
        Nomination.Status.ELIGIBLE,
        Nomination.Status.ELIGIBLE,
    ]


def test_publishing_sends_one_email_to_each_nominee_and_juror(d, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        announcement_publish_now(actor=d.organiser, edition=d.edition, text_sv=TEXT_SV, text_en=TEXT_EN)

    kinds = dict(AnnouncementMail.objects.values_list("email", "kind"))
    assert kinds == {
        d.nominations[0].submitted_by.email: "winner",
        d.nominations[1].submitted_by.email: "finalist",
        d.nominations[2].submitted_by.email: "nominee",
        d.nominations[3].submitted_by.email: "nominee",
        d.chair.email: "juror",
        d.juror.email: "juror",
    }
    assert sorted(m.to[0] for m in mail.outbox) == sorted(kinds)
    assert d.ineligible.submitted_by.email not in kinds
    event = AuditEvent.objects.get(action="verdict.announcement_published")
    assert (event.actor, event.data["winner"], event.data["emails"]) == (d.organiser, d.first.pk, 6)


def test_each_email_is_in_the_recipients_language(d, django_capture_on_commit_callbacks):
    d.juror.language = "en"
    d.juror.save()
    with django_capture_on_commit_callbacks(execute=True):
        announcement_publish_now(actor=d.organiser, edition=d.edition, text_sv=TEXT_SV, text_en=TEXT_EN)
    by_address = {m.to[0]: m for m in mail.outbox}

    names = {"award": d.edition.award.name, "year": d.edition.year}
    winner = by_address[d.first.submitted_by.email]  # nominated in Swedish
    assert winner.subject == PREFIX + in_language("sv", "Congratulations: you have won %(award)s %(year)s", names)
    assert TEXT_SV in winner.body and TEXT_EN not in winner.body
    finalist = by_address[d.second.submitted_by.email]  # nominated in English
    assert finalist.subject == PREFIX + in_language("en", "%(award)s %(year)s: you were a finalist", names)
    assert TEXT_EN in finalist.body and TEXT_SV not in finalist.body
    assert d.first.startup_name in finalist.body
    juror = by_address[d.juror.email]
    assert juror.subject == PREFIX + in_language("en", "%(award)s %(year)s: the winner is announced", names)
    assert TEXT_EN in juror.body and TEXT_SV not in juror.body
    chair = by_address[d.chair.email]  # no language recorded: both, Swedish first
    assert chair.body.index(TEXT_SV) < chair.body.index(TEXT_EN)
    assert AnnouncementMail.objects.get(email=d.chair.email).language == ""


def test_publishing_twice_sends_nothing_more(d, django_capture_on_commit_callbacks):
    announcement = schedule(d, timezone.now() + timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        assert announcement_publish(announcement_id=announcement.pk) is True
        assert announcement_publish(announcement_id=announcement.pk) is False
        assert announcements_publish_due(now=timezone.now() + timedelta(hours=1)) == 0

    assert len(mail.outbox) == 6
    assert OutboundEmail.objects.count() == 6
    assert AnnouncementMail.objects.count() == 6


def test_a_person_both_juror_and_nominee_hears_once_as_nominee(d, django_capture_on_commit_callbacks):
    SubmittedNominationFactory(edition=d.edition, status=Nomination.Status.ELIGIBLE, submitted_by=d.juror)
    with django_capture_on_commit_callbacks(execute=True):
        announcement_publish_now(actor=d.organiser, edition=d.edition, text_sv=TEXT_SV, text_en=TEXT_EN)

    assert [m.to for m in mail.outbox].count([d.juror.email]) == 1
    assert AnnouncementMail.objects.get(email=d.juror.email).kind == "nominee"


def test_a_published_announcement_cannot_be_changed(d):
    announcement_publish_now(actor=d.organiser, edition=d.edition, text_sv=TEXT_SV, text_en=TEXT_EN)

    with pytest.raises(PermissionDenied):
        announcement_save(actor=d.organiser, edition=d.edition, text_sv="Ny", text_en="New")


def test_a_withdrawn_winner_stops_the_publication(d):
    announcement = schedule(d, timezone.now() + timedelta(minutes=5))
    Nomination.objects.filter(pk=d.first.pk).update(status=Nomination.Status.WITHDRAWN)

    assert announcements_publish_due(now=timezone.now() + timedelta(hours=1)) == 0

    announcement.refresh_from_db()
    assert announcement.published_at is None
    assert not AnnouncementMail.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_ten_simultaneous_publications_send_each_email_once():
    if connection.vendor != "postgresql":
        pytest.skip("row locks under concurrent publications are exercised on PostgreSQL")
    d = approved(deliberation())
    announcement = schedule(d, timezone.now() + timedelta(minutes=5))
    barrier = threading.Barrier(10)
    outcomes = []
    lock = threading.Lock()

    def publish():
        try:
            barrier.wait()
            result = announcement_publish(announcement_id=announcement.pk)
        except Exception as error:  # any failure is what the test reports
            result = repr(error)
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=publish) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes, key=str) == [False] * 9 + [True]
    assert AnnouncementMail.objects.count() == 6
    assert OutboundEmail.objects.count() == 6
    assert sorted(r[0] for r in OutboundEmail.objects.values_list("recipients")) == sorted(
        [[n.submitted_by.email] for n in d.nominations] + [[d.chair.email], [d.juror.email]]
    )
    assert Nomination.objects.filter(edition=d.edition, status=Nomination.Status.WINNER).count() == 1
