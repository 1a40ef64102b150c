"""Deadline reminders: which kind is due when (Stockholm wall clock, summer time, midnight deadlines),
who gets one, each once per juror and edition even when runs repeat or overlap, and the e-mail."""

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.db import connection
from django.utils import timezone

from config.celery import app as celery_app
from core.models import OutboundEmail
from jury.models import Assignment, ConflictDeclaration, JuryMember, ReminderSent, Scorecard
from jury.services.reminders import _send_once, reminder_due, scoring_reminders_send
from jury.tasks import send_scoring_reminders
from nominations.models import Nomination
from tests.factories import EditionFactory, NominationFactory, UserFactory, jury_plan_released

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=STOCKHOLM)


# Winter time: 17:00 in Stockholm is 16:00 UTC.
CLOSE = at(2031, 3, 20, 17, 0)


def scoring_edition(*, close: datetime = CLOSE, opens: datetime | None = None, released: bool = True):
    opens = opens or close - timedelta(days=21)
    edition = EditionFactory(
        nominations_open_at=opens - timedelta(days=60),
        nominations_close_at=opens - timedelta(days=10),
        scoring_open_at=opens,
        scoring_close_at=close,
        announce_at=close + timedelta(days=14),
    )
    if released:
        jury_plan_released(edition)
    return edition


def juror(edition, name: str):
    user = UserFactory(name=name, email=f"{name.lower()}@jury.example")
    JuryMember.objects.create(edition=edition, user=user)
    return user


def nomination(edition, name: str, status=Nomination.Status.ELIGIBLE) -> Nomination:
    return NominationFactory(edition=edition, startup_name=name, status=status, submitted_at=timezone.now())


def assign(person, *nominations):
    for position, n in enumerate(nominations):
        Assignment.objects.create(edition=n.edition, juror=person, nomination=n, position=position)


def card(person, n, status):
    Scorecard.objects.create(
        juror=person, nomination=n, status=status, submitted_at=timezone.now() if status == "submitted" else None
    )


def run(moment: datetime) -> int:
    with time_machine.travel(moment, tick=False):
        return scoring_reminders_send()


def emails() -> list[OutboundEmail]:
    return list(OutboundEmail.objects.order_by("pk"))


@pytest.fixture
def edition():
    return scoring_edition()


@pytest.fixture
def anna(edition):
    """One juror with two unfinished nominations."""
    person = juror(edition, "Anna")
    assign(person, nomination(edition, "Alpha Bio AB"), nomination(edition, "Beta Med AB"))
    return person


# When


def test_each_kind_goes_out_once_from_the_start_of_its_window(edition, anna):
    second = timedelta(seconds=1)
    last_day = at(2031, 3, 20, 8, 0)
    timeline = [
        (CLOSE - timedelta(days=7) - second, 0),
        (CLOSE - timedelta(days=7), 1),
        (CLOSE - timedelta(days=7), 0),  # the same run again
        (CLOSE - timedelta(days=3), 0),  # later in the same window
        (CLOSE - timedelta(days=2) - second, 0),
        (CLOSE - timedelta(days=2), 1),
        (last_day - second, 0),
        (last_day, 1),
        (CLOSE - second, 0),
        (CLOSE, 0),
    ]

    assert [run(moment) for moment, _expected in timeline] == [expected for _moment, expected in timeline]
    assert list(ReminderSent.objects.order_by("sent_at").values_list("kind", "sent_at")) == [
        ("7d", CLOSE - timedelta(days=7)),
        ("2d", CLOSE - timedelta(days=2)),
        ("last_day", last_day),
    ]
    assert [e.recipients for e in emails()] == [["anna@jury.example"]] * 3


def test_a_deadline_at_midnight_makes_the_day_before_the_last_day():
    edition = scoring_edition(close=at(2031, 3, 21, 0, 0))

    assert reminder_due(edition, at(2031, 3, 20, 7, 59, 59)) == "2d"
    assert reminder_due(edition, at(2031, 3, 20, 8, 0)) == "last_day"
    assert reminder_due(edition, at(2031, 3, 20, 23, 59, 59)) == "last_day"
    assert reminder_due(edition, at(2031, 3, 21, 0, 0)) is None


def test_seven_days_are_counted_on_the_stockholm_wall_clock_across_summer_time():
    # Summer time starts on 30 March 2031: 17:00 on 2 April is 15:00 UTC, 17:00 on 26 March is 16:00 UTC.
    edition = scoring_edition(close=at(2031, 4, 2, 17, 0))

    assert reminder_due(edition, at(2031, 3, 26, 16, 59, 59)) is None
    assert reminder_due(edition, at(2031, 3, 26, 17, 0)) == "7d"
    assert reminder_due(edition, at(2031, 3, 31, 17, 0)) == "2d"
    assert reminder_due(edition, at(2031, 4, 2, 8, 0)) == "last_day"


def test_a_short_scoring_period_skips_the_reminders_whose_window_began_before_it_opened():
    edition = scoring_edition(opens=CLOSE - timedelta(days=5))

    assert reminder_due(edition, CLOSE - timedelta(days=5)) is None
    assert reminder_due(edition, CLOSE - timedelta(days=4)) is None
    assert reminder_due(edition, CLOSE - timedelta(days=2)) == "2d"


def test_nothing_before_scoring_opens_or_without_a_released_plan(anna):
    unreleased = scoring_edition(released=False)
    person = juror(unreleased, "Bertil")
    assign(person, nomination(unreleased, "Gamma AB"))

    assert run(CLOSE - timedelta(days=7)) == 1
    assert [e.recipients for e in emails()] == [["anna@jury.example"]]
    assert not ReminderSent.objects.filter(juror=person).exists()


# Who


def test_only_jurors_with_unfinished_unconflicted_work_are_reminded(edition):
    done, draft, fresh, conflicted, screened_out = (
        nomination(edition, name) for name in ("Done AB", "Draft AB", "Fresh AB", "Conflicted AB", "Dropped AB")
    )
    screened_out.status = Nomination.Status.INELIGIBLE
    screened_out.save()
    busy = juror(edition, "Busy")
    assign(busy, done, draft, fresh, conflicted)
    card(busy, done, "submitted")
    card(busy, draft, "draft")
    ConflictDeclaration.objects.create(juror=busy, nomination=conflicted, has_conflict=True, kind="investor")
    complete = juror(edition, "Complete")
    assign(complete, done)
    card(complete, done, "submitted")
    only_conflicts = juror(edition, "Recused")
    assign(only_conflicts, conflicted)
    ConflictDeclaration.objects.create(juror=only_conflicts, nomination=conflicted, has_conflict=True, kind="other")
    left = juror(edition, "Left")
    assign(left, fresh)
    JuryMember.objects.filter(user=left).delete()
    dropped = juror(edition, "Dropped")
    assign(dropped, screened_out)

    assert run(CLOSE - timedelta(days=7)) == 1

    (email,) = emails()
    assert email.recipients == ["busy@jury.example"]
    body = email.message["body"]
    assert "- Draft AB" in body and "- Fresh AB" in body
    assert "Done AB" not in body and "Conflicted AB" not in body
    assert list(ReminderSent.objects.values_list("juror__name", "kind")) == [("Busy", "7d")]


def test_a_juror_who_finishes_gets_no_later_reminder(edition, anna):
    run(CLOSE - timedelta(days=7))
    for n in Nomination.objects.filter(edition=edition):
        card(anna, n, "submitted")

    assert run(CLOSE - timedelta(days=2)) == 0
    assert run(at(2031, 3, 20, 9, 0)) == 0
    assert len(emails()) == 1


# Once


def test_a_reminder_recorded_by_another_run_is_not_sent_again(edition, anna):
    ReminderSent.objects.create(edition=edition, juror=anna, kind="7d")

    assert _send_once(edition=edition, juror=anna, kind="7d", nominations=[]) is False
    assert run(CLOSE - timedelta(days=7)) == 0
    assert emails() == []


@pytest.mark.django_db(transaction=True)
def test_simultaneous_runs_send_each_reminder_once():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent inserts under the unique constraint are exercised on PostgreSQL")
    edition = scoring_edition()
    people = [juror(edition, f"Juror{i}") for i in range(5)]
    for person in people:
        assign(person, nomination(edition, f"Startup of {person.name} AB"))
    barrier = threading.Barrier(8)
    results, lock = [], threading.Lock()

    def one_run():
        try:
            barrier.wait()
            outcome = scoring_reminders_send(now=CLOSE - timedelta(days=7))
        except Exception as error:  # reported by the assertion below
            outcome = repr(error)
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=one_run) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert all(isinstance(r, int) for r in results), results
    assert sum(results) == 5
    assert ReminderSent.objects.count() == 5
    assert sorted(r for e in emails() for r in e.recipients) == sorted(p.email for p in people)


# The e-mail and the job


def test_the_email_is_in_swedish_with_english_below(edition, anna):
    run(at(2031, 3, 20, 8, 0))

    (email,) = emails()
    body = email.message["body"]
    swedish, english = body.split("-" * 40)
    assert "delas ut av stiftelsen Flemingsberg Science" in swedish
    assert "is awarded by the Flemingsberg Science foundation" in english
    for part in (swedish, english):
        assert "- Alpha Bio AB" in part and "- Beta Med AB" in part
        assert "17:00" in part
        assert f"{settings.SITE_URL}/jury/" in part
    assert "Dear Anna," in english
    assert email.subject.startswith(settings.EMAIL_SUBJECT_PREFIX)
    assert "Last day to score Flemingsberg Science Award STARTUP" in email.subject


def test_the_email_is_delivered_after_commit(edition, anna, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run(CLOSE - timedelta(days=7))

    assert [m.to for m in mail.outbox] == [["anna@jury.example"]]
    assert "closes in a week, on 20 March 2031, 17:00 (Stockholm time)" in mail.outbox[0].body
    assert "20 mars 2031, 17:00" in mail.outbox[0].body


def test_the_beat_job_is_scheduled_and_calls_the_service(edition, anna):
    entry = settings.CELERY_BEAT_SCHEDULE["send-scoring-reminders"]
    assert entry == {"task": "jury.tasks.send_scoring_reminders", "schedule": 15 * 60.0}
    assert entry["task"] in celery_app.tasks

    with time_machine.travel(CLOSE - timedelta(days=2), tick=False):
        assert send_scoring_reminders.apply().get() == 1
        assert send_scoring_reminders.apply().get() == 0
    assert list(ReminderSent.objects.values_list("kind", flat=True)) == ["2d"]
