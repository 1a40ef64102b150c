"""Personal data: what we hold about a person, erasing their account, and the retention job.

Nominations of editions whose scoring has closed are anonymised rather than deleted, so the jury's scores,
the tally and the published result stay verifiable; everything else of the account is deleted. The
company content of a kept nomination (name, organisation number, pitch texts, deck) is the company's
entry in the award, not personal data about the applicant, and stays with the result."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from core.audit import audit_record
from core.models import AuditEvent
from nominations.models import Nomination

from .sessions import user_sessions_end

User = get_user_model()

# What identifies a person in a nomination: cleared when the account goes and after the retention period.
NOMINATION_CONTACT_FIELDS = ("contact_name", "contact_phone", "pitch_deck_name")


def _value(field: models.Field, obj: models.Model) -> Any:
    value = field.value_from_object(obj)
    if isinstance(field, models.FileField):
        if not value:
            return None
        try:
            size = value.size
        except OSError:
            size = None
        return {"file_name": getattr(obj, "pitch_deck_name", "") or value.name.rsplit("/", 1)[-1], "bytes": size}
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _nomination_record(nomination: Nomination) -> dict:
    record = {field.name: _value(field, nomination) for field in Nomination._meta.concrete_fields}
    record["edition"] = {"id": nomination.edition_id, "year": nomination.edition.year}
    record["files"] = [record["pitch_deck"]] if record["pitch_deck"] else []
    return record


def _audit_record(event: AuditEvent) -> dict:
    return {
        "when": event.created_at.isoformat(),
        "who": event.actor_label,
        "what": event.action,
        "object": f"{event.object_type.model if event.object_type_id else ''}:{event.object_id}".strip(":"),
        "object_label": event.object_label,
        "details": event.data,
        "ip_address": event.ip_address,
        "user_agent": event.user_agent,
    }


def audit_events_about(*, user, nomination_ids) -> models.QuerySet:
    user_type = ContentType.objects.get_for_model(User)
    nomination_type = ContentType.objects.get_for_model(Nomination)
    return (
        AuditEvent.objects.filter(
            Q(actor=user)
            | Q(object_type=user_type, object_id=str(user.pk))
            | Q(object_type=nomination_type, object_id__in=[str(pk) for pk in nomination_ids])
        )
        .select_related("object_type")
        .order_by("created_at", "id")
    )


def account_data_export(*, user) -> dict:
    """Everything held about the person and their nominations, as one JSON-ready document."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    nominations = list(Nomination.objects.filter(submitted_by=user).select_related("edition").order_by("pk"))
    account = {
        "email": user.email,
        "name": user.name,
        "language": getattr(user, "language", ""),
        "date_joined": user.date_joined.isoformat(),
        "last_login": user.last_login.isoformat() if user.last_login else None,
        "is_active": user.is_active,
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        # Which kinds of second factor are set up; never the secrets themselves.
        "two_factor_authentication": sorted(Authenticator.objects.filter(user=user).values_list("type", flat=True)),
    }
    return {
        "exported_at": timezone.now().isoformat(),
        "account": account,
        "nominations": [_nomination_record(n) for n in nominations],
        "audit_events": [
            _audit_record(e) for e in audit_events_about(user=user, nomination_ids=[n.pk for n in nominations])
        ],
    }


def _scoring_closed(nomination: Nomination, now) -> bool:
    return nomination.edition.scoring_close_at <= now


def _nomination_anonymise(nomination: Nomination) -> None:
    for name in NOMINATION_CONTACT_FIELDS:
        setattr(nomination, name, "")
    nomination.save(update_fields=[*NOMINATION_CONTACT_FIELDS, "updated_at"])


def _nomination_delete(nomination: Nomination) -> None:
    deck = nomination.pitch_deck.name if nomination.pitch_deck else ""
    storage = nomination.pitch_deck.storage
    nomination.delete()
    if deck:
        transaction.on_commit(lambda: storage.delete(deck))


@transaction.atomic
def account_delete(*, user, request=None) -> dict:
    """Erase the account: nominations of editions whose scoring has closed (and not drafts) are anonymised;
    the rest are deleted with their decks; the user row is anonymised and deactivated; every session ends.
    Returns how many nominations were kept anonymised and how many were deleted."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    user = User.objects.select_for_update().get(pk=user.pk)
    now = timezone.now()
    kept = deleted = 0
    for nomination in Nomination.objects.filter(submitted_by=user).select_related("edition").select_for_update():
        if nomination.status != Nomination.Status.DRAFT and _scoring_closed(nomination, now):
            _nomination_anonymise(nomination)
            kept += 1
        else:
            _nomination_delete(nomination)
            deleted += 1
    audit_record(
        action="account.deleted", actor=user, obj=user, data={"kept": kept, "deleted": deleted}, request=request
    )
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    user.email = f"deleted-{user.pk}@invalid.invalid"
    user.name = ""
    user.set_unusable_password()
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.save()  # the post_save receiver in accounts/sessions.py ends the sessions of an inactive user
    user.groups.clear()
    user.user_permissions.clear()
    user_sessions_end(user=user)
    return {"kept": kept, "deleted": deleted}


def contact_data_anonymise_expired(*, now=None) -> int:
    """The retention job: clear the applicants' contact data of editions announced more than
    PERSONAL_DATA_RETENTION_YEARS ago. Idempotent: cleared nominations no longer match."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=round(365.25 * settings.PERSONAL_DATA_RETENTION_YEARS))
    has_contact = Q()
    for name in NOMINATION_CONTACT_FIELDS:
        has_contact |= ~Q(**{name: ""})
    expired = Nomination.objects.filter(has_contact, edition__announce_at__lt=cutoff)
    count = 0
    with transaction.atomic():
        for nomination in expired.select_for_update(of=("self",)).only("pk", *NOMINATION_CONTACT_FIELDS):
            _nomination_anonymise(nomination)
            count += 1
        if count:
            audit_record(action="personal_data.retention_anonymised", data={"nominations": count})
    return count


def sessions_clear_expired(*, now=None) -> int:
    """Delete the sessions past their expiry date (nobody can use them any more: the store never reads one);
    returns how many. Django's `clearsessions` does the same; beat runs this daily."""
    from .models import Session

    deleted, _ = Session.objects.filter(expire_date__lt=now or timezone.now()).delete()
    return deleted
