"""Reminding jurors of unfinished scorecards: automatically before the scoring deadline (a beat job),
and on an organiser's nudge from the progress page.

Each automatic reminder kind goes to a juror at most once per edition: the ReminderSent row is written
in the same transaction as the e-mail's outbox row, under a unique constraint, so a second run, a
retried task or two runs at once send nothing more. Nudges are limited to one per juror per hour."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from awards.models import Edition
from core.audit import audit_record
from nominations.models import Nomination

from ..models import JuryMember, ReminderSent
from ..selectors import NUDGE_INTERVAL_SECONDS, NUDGE_KIND_PREFIX, unfinished_assignments
from .mail import send_bilingual

# The foundation's clock: "the last day" starts at 08:00 in Stockholm, whatever the server's zone.
AWARD_TIME_ZONE = ZoneInfo("Europe/Stockholm")
LAST_DAY_FROM = time(8, 0)

KIND_7_DAYS = "7d"
KIND_2_DAYS = "2d"
KIND_LAST_DAY = "last_day"
KIND_NUDGE = "nudge"
REMINDER_KINDS = (KIND_7_DAYS, KIND_2_DAYS, KIND_LAST_DAY)


def reminder_windows(edition: Edition) -> list[tuple[str, datetime, datetime]]:
    """(kind, from, until) for each automatic reminder, back to back up to the deadline. Days are
    counted on the Stockholm wall clock, so "7 days before" keeps its hour across a change to or from
    summer time. A deadline at or before 08:00 (say midnight) makes the day before the last day."""
    close = timezone.localtime(edition.scoring_close_at, AWARD_TIME_ZONE)
    last_day = datetime.combine(close.date(), LAST_DAY_FROM, tzinfo=AWARD_TIME_ZONE)
    if last_day >= close:
        last_day = datetime.combine(close.date() - timedelta(days=1), LAST_DAY_FROM, tzinfo=AWARD_TIME_ZONE)
    two_days = close - timedelta(days=2)
    seven_days = close - timedelta(days=7)
    return [
        (KIND_7_DAYS, seven_days, two_days),
        (KIND_2_DAYS, two_days, last_day),
        (KIND_LAST_DAY, last_day, close),
    ]


def reminder_due(edition: Edition, now: datetime) -> str | None:
    """The kind whose window holds `now`. A missed window is not caught up later: the next one says
    the same, closer to the deadline. The 7- and 2-day reminders are skipped when scoring opened
    inside their window (a short scoring period): jurors were just told."""
    for kind, start, end in reminder_windows(edition):
        if start <= now < end and edition.scoring_open_at <= now:
            if kind != KIND_LAST_DAY and start < edition.scoring_open_at:
                return None
            return kind
    return None


def _send_reminder(*, edition: Edition, juror, kind: str, nominations: list[Nomination]) -> None:
    context = {
        "juror": juror,
        "edition": edition,
        "kind": kind,
        "nominations": nominations,
        "url": settings.SITE_URL + reverse("jury:dashboard"),
    }

    def deadline_in_language(context: dict) -> None:
        deadline = timezone.localtime(edition.scoring_close_at)
        # A 24-hour clock in both languages: "20 mars 2031, 17:00" / "20 March 2031, 17:00".
        context["deadline_text"] = formats.date_format(deadline, "j F Y, H:i")
        context["deadline_time"] = formats.time_format(deadline, "H:i")

    with timezone.override(AWARD_TIME_ZONE):
        send_bilingual(
            template="jury/email/reminder", context=context, to=[juror.email], per_language=deadline_in_language
        )


def _send_once(*, edition: Edition, juror, kind: str, nominations: list[Nomination]) -> bool:
    """Record and send in one transaction. A unique-constraint failure means another run got there
    first (on PostgreSQL it waits for that run's commit): nothing is sent."""
    try:
        with transaction.atomic():
            ReminderSent.objects.create(edition=edition, juror=juror, kind=kind)
            _send_reminder(edition=edition, juror=juror, kind=kind, nominations=nominations)
    except IntegrityError:
        return False
    return True


def scoring_reminders_send(*, now: datetime | None = None) -> int:
    """For every edition in its scoring phase with a released plan, send the reminder now due to each
    juror with unfinished, unconflicted assignments. Returns how many e-mails were sent."""
    now = now or timezone.now()
    editions = Edition.objects.filter(
        scoring_open_at__lte=now, scoring_close_at__gt=now, jury_plan__released_at__isnull=False
    ).select_related("award")
    sent = 0
    for edition in editions:
        kind = reminder_due(edition, now)
        if kind is None:
            continue
        done = set(ReminderSent.objects.filter(edition=edition, kind=kind).values_list("juror_id", flat=True))
        for juror, nominations in unfinished_assignments(edition=edition).items():
            if juror.pk not in done and _send_once(edition=edition, juror=juror, kind=kind, nominations=nominations):
                sent += 1
    return sent


@transaction.atomic
def juror_nudge(*, actor, edition: Edition, juror_id: int, request=None) -> ReminderSent:
    """An organiser's reminder to one juror, listing what they have left; at most one an hour."""
    if not actor.has_perm("jury.manage_jury", edition):
        raise PermissionDenied
    # The member row is the lock: two nudges at once are taken one after the other.
    member = (
        JuryMember.objects.select_for_update().select_related("user").filter(edition=edition, user_id=juror_id).first()
    )
    if member is None:
        raise ValidationError(_("This person is not on the jury of this edition."), code="not_on_jury")
    edition = Edition.objects.select_related("award", "jury_plan").get(pk=edition.pk)
    plan = getattr(edition, "jury_plan", None)
    name = member.user.name or member.user.email
    now = timezone.now()
    if plan is None or plan.released_at is None:
        raise ValidationError(_("Release the assignments before reminding jurors."), code="not_released")
    if now >= edition.scoring_close_at:
        raise ValidationError(_("Scoring has closed: there is nothing left to remind of."), code="scoring_closed")
    last = (
        ReminderSent.objects.filter(
            edition=edition,
            juror_id=juror_id,
            kind__startswith=NUDGE_KIND_PREFIX,
            sent_at__gt=now - timedelta(seconds=NUDGE_INTERVAL_SECONDS),
        )
        .order_by("-sent_at")
        .first()
    )
    if last is not None:
        again = timezone.localtime(last.sent_at + timedelta(seconds=NUDGE_INTERVAL_SECONDS))
        raise ValidationError(
            _("%(juror)s was reminded less than an hour ago. You can remind them again from %(time)s.")
            % {"juror": name, "time": formats.time_format(again, "TIME_FORMAT")},
            code="too_soon",
        )
    nominations = unfinished_assignments(edition=edition, juror_id=juror_id).get(member.user, [])
    if not nominations:
        raise ValidationError(_("%(juror)s has nothing left to score.") % {"juror": name}, code="nothing_left")
    reminder = ReminderSent.objects.create(
        edition=edition, juror=member.user, kind=f"{NUDGE_KIND_PREFIX}{int(now.timestamp())}"
    )
    _send_reminder(edition=edition, juror=member.user, kind=KIND_NUDGE, nominations=nominations)
    audit_record(
        action="jury.juror_nudged",
        actor=actor,
        obj=member,
        data={"juror": juror_id, "nominations": [n.pk for n in nominations]},
        request=request,
    )
    return reminder
