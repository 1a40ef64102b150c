"""Writes of jury invitations and membership: organisers invite by e-mail, re-send, revoke, change a
member's role and remove a member; the invited person accepts with the token from the e-mail.

Only the SHA-256 of a token is stored, so the token exists only in the e-mail. Re-sending replaces the
token, so the older link stops working. Every change is written to the audit log."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from awards.models import Edition
from core.audit import audit_record

from ..models import Invitation, JuryMember, JuryRole, Scorecard, hash_token
from ..selectors import InvitationState, invitation_state


class InvitationNotUsable(ValidationError):
    """The token is unknown, or its invitation was accepted, revoked or has expired."""

    def __init__(self, state: str):
        self.state = state
        super().__init__(_("This invitation can no longer be used."), code=f"invitation_{state}")


def _check_manager(actor, edition: Edition) -> None:
    if not actor.has_perm("jury.manage_jury", edition):
        raise PermissionDenied


def _normalised_email(email: str) -> str:
    return (email or "").strip().lower()


def _validated_role(role: str) -> str:
    if role not in JuryRole.values:
        raise ValidationError({"role": _("Choose juror or jury chair.")}, code="role")
    return role


def _is_member(*, edition: Edition, email: str) -> bool:
    """Seated already, under the account's login or any of its confirmed addresses."""
    return (
        JuryMember.objects.filter(edition=edition)
        .filter(
            Q(user__email__iexact=email) | Q(user__emailaddress__email__iexact=email, user__emailaddress__verified=True)
        )
        .exists()
    )


def _new_token(invitation: Invitation, now) -> str:
    token = Invitation.new_token()
    invitation.token_hash = hash_token(token)
    invitation.expires_at = now + timedelta(days=Invitation.VALID_FOR_DAYS)
    invitation.sent_at = now
    return token


def _send_invitation(invitation: Invitation, token: str, language: str) -> None:
    """E-mail the link in the organiser's language; delivered by the outbox after commit."""
    with translation.override(language):
        context = {
            "invitation": invitation,
            "edition": invitation.edition,
            "role": invitation.get_role_display(),
            "url": settings.SITE_URL + reverse("jury:invitation_accept", args=[token]),
            "valid_days": Invitation.VALID_FOR_DAYS,
        }
        subject = render_to_string("jury/email/invitation_subject.txt", context).strip()
        body = render_to_string("jury/email/invitation_body.txt", context)
    EmailMessage(settings.EMAIL_SUBJECT_PREFIX + subject, body, to=[invitation.email]).send()


def _save_unique(invitation: Invitation, **kwargs) -> None:
    try:
        with transaction.atomic():
            invitation.save(**kwargs)
    except IntegrityError as exc:
        # The one-open-invitation constraint; a token collision is practically impossible.
        raise ValidationError(
            {"email": _("This person already has an open invitation to this jury.")}, code="duplicate_invitation"
        ) from exc


@transaction.atomic
def invitation_create(
    *,
    actor,
    edition: Edition,
    email: str,
    name: str = "",
    role: str = JuryRole.JUROR,
    language: str = "sv",
    request=None,
) -> Invitation:
    """Invite a person by e-mail. Refused when they are already on the jury or have an open invitation;
    an expired invitation to the same address is renewed rather than kept beside a new one."""
    _check_manager(actor, edition)
    email = _normalised_email(email)
    role = _validated_role(role)
    name = (name or "").strip()[:150]
    if _is_member(edition=edition, email=email):
        raise ValidationError({"email": _("This person is already on the jury.")}, code="already_member")
    now = timezone.now()
    existing = (
        Invitation.objects.select_for_update()
        .filter(edition=edition, email=email, accepted_at__isnull=True, revoked_at__isnull=True)
        .first()
    )
    if existing is not None and not existing.is_expired:
        raise ValidationError(
            {"email": _("This person already has an open invitation to this jury.")}, code="duplicate_invitation"
        )
    renewed = existing is not None
    invitation = existing or Invitation(edition=edition, email=email)
    invitation.name = name
    invitation.role = role
    invitation.invited_by = actor
    token = _new_token(invitation, now)
    _save_unique(invitation)
    audit_record(
        action="jury_invitation.created",
        actor=actor,
        obj=invitation,
        data={
            "edition": edition.pk,
            "email": email,
            "role": role,
            "expires_at": invitation.expires_at.isoformat(),
            "renewed_expired": renewed,
        },
        request=request,
    )
    _send_invitation(invitation, token, language)
    return invitation


def _locked_invitation(invitation: Invitation) -> Invitation:
    return Invitation.objects.select_for_update().select_related("edition__award").get(pk=invitation.pk)


@transaction.atomic
def invitation_resend(*, actor, invitation: Invitation, language: str = "sv", request=None) -> Invitation:
    """A new link with a new expiry; the link sent before stops working."""
    _check_manager(actor, invitation.edition)
    invitation = _locked_invitation(invitation)
    if invitation.accepted_at is not None or invitation.revoked_at is not None:
        raise ValidationError(_("Only a pending or expired invitation can be sent again."), code="not_resendable")
    token = _new_token(invitation, timezone.now())
    invitation.save(update_fields=["token_hash", "expires_at", "sent_at"])
    audit_record(
        action="jury_invitation.resent",
        actor=actor,
        obj=invitation,
        data={
            "edition": invitation.edition_id,
            "email": invitation.email,
            "expires_at": invitation.expires_at.isoformat(),
        },
        request=request,
    )
    _send_invitation(invitation, token, language)
    return invitation


@transaction.atomic
def invitation_revoke(*, actor, invitation: Invitation, request=None) -> Invitation:
    _check_manager(actor, invitation.edition)
    invitation = _locked_invitation(invitation)
    if invitation.accepted_at is not None:
        raise ValidationError(
            _("This invitation has been accepted. Remove the member from the jury instead."), code="accepted"
        )
    if invitation.revoked_at is not None:
        return invitation
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit_record(
        action="jury_invitation.revoked",
        actor=actor,
        obj=invitation,
        data={"edition": invitation.edition_id, "email": invitation.email},
        request=request,
    )
    return invitation


@transaction.atomic
def invitation_accept(*, actor, token: str, request=None) -> JuryMember:
    """Seat the logged-in person on the jury. The account's address need not be the invited one: the
    link is the proof. Accepting when already seated keeps the seat as it is."""
    if not actor.is_authenticated:
        raise PermissionDenied
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("edition__award")
        .filter(token_hash=hash_token(token or ""))
        .first()
    )
    if invitation is None:
        raise InvitationNotUsable("unknown")
    state = invitation_state(invitation)
    if state != InvitationState.PENDING:
        raise InvitationNotUsable(state)
    member = JuryMember.objects.filter(edition=invitation.edition, user=actor).first()
    already_member = member is not None
    if member is None:
        try:
            with transaction.atomic():
                member = JuryMember.objects.create(edition=invitation.edition, user=actor, role=invitation.role)
        except IntegrityError:
            # Seated by a concurrent request a moment ago.
            member = JuryMember.objects.get(edition=invitation.edition, user=actor)
            already_member = True
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = actor
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_record(
        action="jury_invitation.accepted",
        actor=actor,
        obj=invitation,
        data={
            "edition": invitation.edition_id,
            "invited_email": invitation.email,
            "accepted_by_email": actor.email,
            "same_email": actor.email.lower() == invitation.email.lower(),
            "already_member": already_member,
        },
        request=request,
    )
    if not already_member:
        audit_record(
            action="jury_member.added",
            actor=actor,
            obj=member,
            data={"edition": member.edition_id, "user": actor.pk, "role": member.role, "invitation": invitation.pk},
            request=request,
        )
    return member


def _locked_member(member: JuryMember) -> JuryMember:
    return JuryMember.objects.select_for_update(of=("self",)).select_related("edition", "user").get(pk=member.pk)


@transaction.atomic
def jury_member_change_role(*, actor, member: JuryMember, role: str, request=None) -> JuryMember:
    _check_manager(actor, member.edition)
    role = _validated_role(role)
    member = _locked_member(member)
    if member.role == role:
        return member
    previous = member.role
    member.role = role
    member.save(update_fields=["role"])
    audit_record(
        action="jury_member.role_changed",
        actor=actor,
        obj=member,
        data={"edition": member.edition_id, "user": member.user_id, "from": previous, "to": role},
        request=request,
    )
    return member


@transaction.atomic
def jury_member_remove(*, actor, member: JuryMember, request=None) -> None:
    """Unseat a member. Refused once they have submitted a scorecard in the edition: their scores count
    in the tally, and removing them would change it behind the jury's back."""
    _check_manager(actor, member.edition)
    member = _locked_member(member)
    submitted = Scorecard.objects.filter(
        juror_id=member.user_id, nomination__edition_id=member.edition_id, status=Scorecard.Status.SUBMITTED
    ).count()
    if submitted:
        raise ValidationError(
            _(
                "%(name)s has submitted scorecards in this edition and cannot be removed from the jury. "
                "Their scores are part of the result."
            )
            % {"name": member.user},
            code="has_submitted_scorecards",
        )
    data = {"edition": member.edition_id, "user": member.user_id, "email": member.user.email, "role": member.role}
    audit_record(action="jury_member.removed", actor=actor, obj=member, data=data, request=request)
    member.delete()
