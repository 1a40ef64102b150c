"""The winner announcement: written by an organiser in Swedish and English, scheduled or published now;
published at its time by a beat job.

Publishing is the only moment the result leaves the jury room: under the edition's and the
announcement's row locks it sets `published_at`, gives the winner and the finalists their status, and
writes one outcome e-mail to the winner, each finalist, every other eligible nominee and every juror,
each in the recipient's language. The AnnouncementMail row (unique per announcement and address) and the
e-mail's outbox row are written in that same transaction: a retried task, a second delivery or two beat
processes at once find the announcement published and send nothing more."""

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from awards.models import Edition
from core.audit import audit_record
from core.i18n import localized
from jury.models import JuryMember
from jury.services.mail import send_bilingual
from nominations.models import Nomination

from ..models import Announcement, AnnouncementMail, Finalist, WinnerApproval

logger = logging.getLogger(__name__)

Kind = AnnouncementMail.Kind
# Someone who is both (a juror who also nominated a startup) hears the outcome that concerns them most.
KIND_PRIORITY = [Kind.WINNER, Kind.FINALIST, Kind.NOMINEE, Kind.JUROR]
EMAIL_TEMPLATE = "verdict/email/outcome"


def _check(actor, edition: Edition) -> None:
    if actor is None or not actor.has_perm("verdict.edit_announcement", edition):
        raise PermissionDenied


def _lock(edition: Edition) -> tuple[Edition, Announcement | None]:
    edition = Edition.objects.select_for_update().select_related("award").get(pk=edition.pk)
    announcement = Announcement.objects.select_for_update().filter(edition=edition).first()
    if announcement is not None and announcement.published_at is not None:
        raise ValidationError(_("The announcement is published and can no longer be changed."), code="published")
    return edition, announcement


def _validate_texts(text_sv: str, text_en: str) -> tuple[str, str]:
    text_sv, text_en = (text_sv or "").strip(), (text_en or "").strip()
    errors = {}
    if not text_sv:
        errors["text_sv"] = _("Write the announcement in Swedish.")
    if not text_en:
        errors["text_en"] = _("Write the announcement in English.")
    if errors:
        raise ValidationError(errors)
    return text_sv, text_en


def _require_approval(edition: Edition) -> WinnerApproval:
    approval = WinnerApproval.objects.filter(edition=edition).select_related("winner").first()
    if approval is None:
        raise ValidationError(_("Approve the winner before the announcement is scheduled or published."))
    return approval


@transaction.atomic
def announcement_save(
    *, actor, edition: Edition, text_sv: str, text_en: str, publish_at: datetime | None = None, request=None
) -> Announcement:
    """Save the texts; with `publish_at`, schedule the publication for then (a future moment, and only
    once the winner is approved). Without it the announcement is a draft that nothing publishes."""
    _check(actor, edition)
    edition, announcement = _lock(edition)
    text_sv, text_en = _validate_texts(text_sv, text_en)
    if publish_at is not None:
        if publish_at <= timezone.now():
            raise ValidationError({"publish_at": _("Choose a time in the future, or publish now.")})
        _require_approval(edition)
    announcement = announcement or Announcement(edition=edition)
    announcement.text_sv, announcement.text_en = text_sv, text_en
    announcement.publish_at = publish_at
    announcement.updated_by = actor
    announcement.save()
    audit_record(
        action="verdict.announcement_scheduled" if publish_at else "verdict.announcement_saved",
        actor=actor,
        obj=announcement,
        data={"publish_at": publish_at.isoformat() if publish_at else None},
        request=request,
    )
    return announcement


def announcement_publish_now(*, actor, edition: Edition, text_sv: str, text_en: str, request=None) -> Announcement:
    """Save the texts and publish at once."""
    _check(actor, edition)
    with transaction.atomic():
        edition, announcement = _lock(edition)
        text_sv, text_en = _validate_texts(text_sv, text_en)
        _require_approval(edition)
        announcement = announcement or Announcement(edition=edition)
        announcement.text_sv, announcement.text_en = text_sv, text_en
        announcement.publish_at = timezone.now()
        announcement.updated_by = actor
        announcement.save()
        announcement_publish(announcement_id=announcement.pk, actor=actor, request=request)
    announcement.refresh_from_db()
    return announcement


# ---------------------------------------------------------------------------------------------------
# Publication


@dataclass
class Recipient:
    email: str
    kind: str
    language: str  # "" for every site language
    nominations: list[Nomination] = field(default_factory=list)
    name: str = ""


def outcome_recipients(*, edition: Edition) -> list[Recipient]:
    """Who hears the outcome, once per address: the winner, the finalists and every other eligible
    nominee (in the language they nominated in), then every juror (in their language, or in all)."""
    by_kind = {
        Nomination.Status.WINNER: Kind.WINNER,
        Nomination.Status.FINALIST: Kind.FINALIST,
        Nomination.Status.ELIGIBLE: Kind.NOMINEE,
    }
    recipients: dict[str, Recipient] = {}
    nominations = Nomination.objects.filter(
        edition=edition, status__in=list(by_kind), submitted_by__isnull=False
    ).select_related("submitted_by")
    for nomination in sorted(nominations, key=lambda n: (KIND_PRIORITY.index(by_kind[n.status]), n.pk)):
        email = nomination.submitted_by.email
        key = email.lower()
        if key in recipients:
            if recipients[key].kind == by_kind[nomination.status]:
                recipients[key].nominations.append(nomination)
            continue
        recipients[key] = Recipient(
            email=email,
            kind=by_kind[nomination.status],
            language=nomination.language,
            nominations=[nomination],
            name=nomination.contact_name,
        )
    for member in JuryMember.objects.filter(edition=edition).select_related("user").order_by("pk"):
        key = member.user.email.lower()
        if key not in recipients:
            recipients[key] = Recipient(
                email=member.user.email, kind=Kind.JUROR, language=member.user.language, name=member.user.name
            )
    return list(recipients.values())


def _send_outcome(*, announcement: Announcement, recipient: Recipient, winner: Nomination) -> None:
    edition = announcement.edition
    context = {
        "kind": recipient.kind,
        "name": recipient.name,
        "edition": edition,
        "winner": winner,
        "nominations": recipient.nominations,
        "url": settings.SITE_URL + reverse("awards:edition_detail", args=[edition.year]),
    }

    def in_language(context: dict) -> None:
        context["text"] = localized(announcement, "text")

    if not recipient.language:
        send_bilingual(template=EMAIL_TEMPLATE, context=context, to=[recipient.email], per_language=in_language)
        return
    with translation.override(recipient.language):
        in_language(context)
        subject = render_to_string(f"{EMAIL_TEMPLATE}_subject.txt", context).strip()
        body = render_to_string(f"{EMAIL_TEMPLATE}_body.txt", context)
    EmailMessage(settings.EMAIL_SUBJECT_PREFIX + subject, body, to=[recipient.email]).send()


def _send_once(*, announcement: Announcement, recipient: Recipient, winner: Nomination) -> bool:
    """The AnnouncementMail row and the outbox row in one savepoint; an address already told is skipped."""
    try:
        with transaction.atomic():
            AnnouncementMail.objects.create(
                announcement=announcement, email=recipient.email, kind=recipient.kind, language=recipient.language
            )
            _send_outcome(announcement=announcement, recipient=recipient, winner=winner)
    except IntegrityError:
        return False
    return True


@transaction.atomic
def announcement_publish(*, announcement_id: int, due_by: datetime | None = None, actor=None, request=None) -> bool:
    """Publish the announcement and tell everyone, once. With `due_by` (the beat job) only if it is
    scheduled at or before then. Returns False when there was nothing to do (already published, not
    due): a repeated call is a no-op."""
    edition_id = Announcement.objects.filter(pk=announcement_id).values_list("edition_id", flat=True).first()
    if edition_id is None:
        return False
    edition = Edition.objects.select_for_update().select_related("award").get(pk=edition_id)
    announcement = Announcement.objects.select_for_update().get(pk=announcement_id)
    announcement.edition = edition
    if announcement.published_at is not None:
        return False
    if due_by is not None and (announcement.publish_at is None or announcement.publish_at > due_by):
        return False
    approval = _require_approval(edition)
    winner = Nomination.objects.select_for_update().get(pk=approval.winner_id)
    if winner.status not in (Nomination.Status.ELIGIBLE, Nomination.Status.FINALIST, Nomination.Status.WINNER):
        raise ValidationError(
            _("%(startup)s is no longer in the competition; approve the winner again.") % {"startup": winner},
            code="winner_gone",
        )
    finalist_ids = list(
        Nomination.objects.filter(
            pk__in=Finalist.objects.filter(edition=edition).values("nomination_id"),
            status__in=[Nomination.Status.ELIGIBLE, Nomination.Status.FINALIST],
        )
        .exclude(pk=winner.pk)
        .values_list("pk", flat=True)
    )
    Nomination.objects.filter(pk__in=finalist_ids).update(status=Nomination.Status.FINALIST)
    winner.status = Nomination.Status.WINNER
    winner.save(update_fields=["status", "updated_at"])
    announcement.published_at = timezone.now()
    announcement.save(update_fields=["published_at", "updated_at"])

    sent = 0
    for recipient in outcome_recipients(edition=edition):
        if _send_once(announcement=announcement, recipient=recipient, winner=winner):
            sent += 1
    audit_record(
        action="verdict.announcement_published",
        actor=actor,
        obj=announcement,
        data={
            "winner": winner.pk,
            "finalists": sorted(finalist_ids),
            "publish_at": announcement.publish_at.isoformat() if announcement.publish_at else None,
            "emails": sent,
        },
        request=request,
    )
    return True


def announcements_publish_due(*, now: datetime | None = None) -> int:
    """The beat job: publish every announcement whose time has come. One failing announcement is logged
    and left for the next run; the others are published."""
    now = now or timezone.now()
    due = Announcement.objects.filter(published_at__isnull=True, publish_at__lte=now).values_list("pk", flat=True)
    published = 0
    for announcement_id in list(due):
        try:
            if announcement_publish(announcement_id=announcement_id, due_by=now):
                published += 1
        except ValidationError as error:
            logger.warning("Announcement %s was not published: %s", announcement_id, "; ".join(error.messages))
    return published
