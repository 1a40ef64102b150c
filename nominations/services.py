"""Every write to a nomination. Deadlines are checked here, on the server, after locking the edition."""

from collections.abc import Iterable

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

from .models import Nomination
from .validators import normalize_org_number

EDITABLE_FIELDS = (
    "startup_name", "org_number", "website", "founded_year", "sector", "stage", "team_size", "city",
    "flemingsberg_tie", "contact_name", "contact_phone", "pitch", "problem", "solution", "innovation",
    "market", "team", "impact", "video_url",
)  # fmt: skip


class NominationsClosed(ValidationError):
    """The nomination deadline has passed (or nominations have not opened)."""

    def __init__(self):
        super().__init__(_("Nominations for this edition are closed. Nothing was changed."), code="nominations_closed")


def _lock_edition_open(edition_id: int) -> Edition:
    """Lock the edition row (on PostgreSQL) and check the deadline after the lock is held, so a request
    racing the deadline either finishes before it or is refused."""
    edition = Edition.objects.select_for_update().get(pk=edition_id)
    if not edition.accepts_nominations_at(timezone.now()):
        raise NominationsClosed()
    return edition


def _lock_nomination(nomination: Nomination) -> Nomination:
    return (
        Nomination.objects.select_for_update(of=("self",))
        .select_related("edition", "submitted_by")
        .get(pk=nomination.pk)
    )


def _save_with_unique_check(nomination: Nomination, **kwargs) -> None:
    try:
        with transaction.atomic():
            nomination.save(**kwargs)
    except IntegrityError as exc:
        if "org_number" in str(exc) or "nomination_one_per_org_number_per_edition" in str(exc):
            raise ValidationError(
                {"org_number": _("This organisation is already nominated in this edition.")},
                code="duplicate_org_number",
            ) from exc
        raise


def _apply_fields(nomination: Nomination, data: dict) -> list[str]:
    changed = []
    for field in EDITABLE_FIELDS:
        if field not in data:
            continue
        value = data[field]
        if field == "org_number" and value:
            value = normalize_org_number(value)
        if value is None and not nomination._meta.get_field(field).null:
            value = ""
        if getattr(nomination, field) != value:
            setattr(nomination, field, value)
            changed.append(field)
    return changed


@transaction.atomic
def nomination_create(*, actor, edition: Edition, data: dict, language: str = "sv", request=None) -> Nomination:
    if not actor.has_perm("nominations.start_nomination", edition):
        raise PermissionDenied
    _lock_edition_open(edition.pk)
    nomination = Nomination(edition=edition, submitted_by=actor, language=language[:2])
    _apply_fields(nomination, data)
    if not nomination.contact_name:
        nomination.contact_name = actor.name
    _save_with_unique_check(nomination)
    audit_record(action="nomination.created", actor=actor, obj=nomination, request=request)
    return nomination


@transaction.atomic
def nomination_update(*, actor, nomination: Nomination, data: dict, pitch_deck=None, request=None) -> Nomination:
    """Save what the applicant typed (a draft may be incomplete; a submitted nomination stays complete)."""
    _lock_edition_open(nomination.edition_id)
    nomination = _lock_nomination(nomination)
    if not actor.has_perm("nominations.change_nomination", nomination):
        raise PermissionDenied
    changed = _apply_fields(nomination, data)
    if pitch_deck is not None:
        _replace_pitch_deck(nomination, pitch_deck)
        changed.append("pitch_deck")
    if nomination.status == Nomination.Status.SUBMITTED:
        _check_complete(nomination)
    _save_with_unique_check(nomination)
    if changed:
        audit_record(
            action="nomination.updated", actor=actor, obj=nomination, data={"fields": changed}, request=request
        )
    return nomination


def _replace_pitch_deck(nomination: Nomination, upload) -> None:
    old_name = nomination.pitch_deck.name if nomination.pitch_deck else ""
    nomination.pitch_deck_name = (getattr(upload, "name", "") or "deck.pdf")[-200:]
    nomination.pitch_deck.save("deck.pdf", upload, save=False)
    if old_name:
        storage = nomination.pitch_deck.storage
        transaction.on_commit(lambda: storage.delete(old_name))


@transaction.atomic
def nomination_store_pitch_deck(*, actor, nomination: Nomination, pitch_deck, request=None) -> Nomination:
    """Keep a valid upload even when other fields of the same form need correcting."""
    _lock_edition_open(nomination.edition_id)
    nomination = _lock_nomination(nomination)
    if not actor.has_perm("nominations.change_nomination", nomination):
        raise PermissionDenied
    _replace_pitch_deck(nomination, pitch_deck)
    nomination.save(update_fields=["pitch_deck", "pitch_deck_name", "updated_at"])
    audit_record(
        action="nomination.updated", actor=actor, obj=nomination, data={"fields": ["pitch_deck"]}, request=request
    )
    return nomination


def _check_complete(nomination: Nomination) -> None:
    errors = {}
    for field in Nomination.REQUIRED_FOR_SUBMISSION:
        value = getattr(nomination, field)
        if value in (None, "") or (field == "pitch_deck" and not value):
            errors[field] = _("This is needed before the nomination can be submitted.")
    if errors:
        raise ValidationError(errors, code="incomplete")


@transaction.atomic
def nomination_submit(*, actor, nomination: Nomination, consent: bool, request=None) -> Nomination:
    _lock_edition_open(nomination.edition_id)
    nomination = _lock_nomination(nomination)
    if not actor.has_perm("nominations.change_nomination", nomination):
        raise PermissionDenied
    _check_complete(nomination)
    if not consent and nomination.consent_at is None:
        raise ValidationError(
            {"consent": _("Please agree to the processing of personal data to submit.")}, code="consent"
        )
    first_time = nomination.status == Nomination.Status.DRAFT
    now = timezone.now()
    nomination.consent_at = nomination.consent_at or now
    nomination.status = Nomination.Status.SUBMITTED
    if first_time:
        nomination.submitted_at = now
    _save_with_unique_check(nomination)
    audit_record(
        action="nomination.submitted" if first_time else "nomination.resubmitted",
        actor=actor,
        obj=nomination,
        request=request,
    )
    _send_to_applicant(nomination, "submitted")
    return nomination


@transaction.atomic
def nomination_withdraw(*, actor, nomination: Nomination, request=None) -> Nomination:
    _lock_edition_open(nomination.edition_id)
    nomination = _lock_nomination(nomination)
    if not actor.has_perm("nominations.withdraw_nomination", nomination):
        raise PermissionDenied
    previous = nomination.status
    nomination.status = Nomination.Status.WITHDRAWN
    nomination.save(update_fields=["status", "updated_at"])
    audit_record(action="nomination.withdrawn", actor=actor, obj=nomination, data={"from": previous}, request=request)
    return nomination


SCREENABLE = {Nomination.Status.SUBMITTED, Nomination.Status.ELIGIBLE, Nomination.Status.INELIGIBLE}


@transaction.atomic
def nomination_screen(*, actor, nomination: Nomination, eligible: bool, reason: str = "", request=None) -> Nomination:
    """An organiser marks a submitted nomination eligible, or ineligible with a reason the startup is told."""
    if not actor.has_perm("nominations.screen_nomination", nomination):
        raise PermissionDenied
    nomination = _lock_nomination(nomination)
    if nomination.status not in SCREENABLE:
        raise ValidationError(
            _("Only submitted nominations can be screened; this one is %(status)s.")
            % {"status": nomination.get_status_display()},
            code="not_screenable",
        )
    reason = (reason or "").strip()
    if not eligible and not reason:
        raise ValidationError({"reason": _("Give the reason why the nomination is not eligible.")}, code="reason")
    new_status = Nomination.Status.ELIGIBLE if eligible else Nomination.Status.INELIGIBLE
    if nomination.status == new_status and nomination.ineligible_reason == ("" if eligible else reason):
        return nomination
    previous = nomination.status
    nomination.status = new_status
    nomination.ineligible_reason = "" if eligible else reason
    nomination.screened_by = actor
    nomination.screened_at = timezone.now()
    nomination.save(update_fields=["status", "ineligible_reason", "screened_by", "screened_at", "updated_at"])
    audit_record(
        action="nomination.screened",
        actor=actor,
        obj=nomination,
        data={"from": previous, "to": new_status, "reason": nomination.ineligible_reason},
        request=request,
    )
    if not eligible:
        _send_to_applicant(nomination, "ineligible")
    return nomination


def nominations_screen_bulk(
    *, actor, nominations: Iterable[Nomination], eligible: bool, reason: str = "", request=None
) -> tuple[int, list[tuple[Nomination, str]]]:
    """Screen many at once; each is its own transaction, so one refusal does not undo the others."""
    done, refused = 0, []
    for nomination in nominations:
        try:
            nomination_screen(actor=actor, nomination=nomination, eligible=eligible, reason=reason, request=request)
            done += 1
        except ValidationError as exc:
            refused.append((nomination, " ".join(exc.messages)))
    return done, refused


def _send_to_applicant(nomination: Nomination, kind: str) -> None:
    """E-mail the applicant in the language they used; delivered by the outbox after commit."""
    if nomination.submitted_by is None:
        return
    with translation.override(nomination.language):
        context = {
            "nomination": nomination,
            "edition": nomination.edition,
            "url": settings.SITE_URL + reverse("nominations:detail", args=[nomination.pk]),
        }
        subject = render_to_string(f"nominations/email/{kind}_subject.txt", context).strip()
        body = render_to_string(f"nominations/email/{kind}_body.txt", context)
    EmailMessage(settings.EMAIL_SUBJECT_PREFIX + subject, body, to=[nomination.submitted_by.email]).send()
