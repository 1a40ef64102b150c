"""Reads of the jury app. Views and tasks fetch jury data only through these functions, with their
joins done once, so a page costs the same number of queries for 5 assignments as for 500."""

from datetime import datetime

from django.db import models
from django.db.models import Case, Count, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from awards.models import Edition

from .models import Invitation, JuryMember, Scorecard, hash_token

# ---------------------------------------------------------------------------------------------------
# Invitations and the jury's membership, for the organiser's invitations page and the accept page


class InvitationState(models.TextChoices):
    """Derived from the invitation's timestamps and the clock, never stored."""

    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")


def invitation_state(invitation: Invitation, now: datetime | None = None) -> str:
    if invitation.accepted_at is not None:
        return InvitationState.ACCEPTED
    if invitation.revoked_at is not None:
        return InvitationState.REVOKED
    if invitation.expires_at <= (now or timezone.now()):
        return InvitationState.EXPIRED
    return InvitationState.PENDING


def edition_for_jury_manager_or_404(*, user, edition_id: int) -> Edition:
    """The edition if the user manages its jury; 404 otherwise, so the page is not revealed."""
    edition = Edition.objects.select_related("award").filter(pk=edition_id).first()
    if edition is None or not user.has_perm("jury.manage_jury", edition):
        raise Http404
    return edition


def invitation_for_jury_manager_or_404(*, user, pk: int) -> Invitation:
    invitation = Invitation.objects.select_related("edition__award").filter(pk=pk).first()
    if invitation is None or not user.has_perm("jury.manage_jury", invitation.edition):
        raise Http404
    return invitation


def jury_member_for_jury_manager_or_404(*, user, pk: int) -> JuryMember:
    member = JuryMember.objects.select_related("edition__award", "user").filter(pk=pk).first()
    if member is None or not user.has_perm("jury.manage_jury", member.edition):
        raise Http404
    return member


def jury_members_with_submitted_counts(*, edition: Edition) -> QuerySet[JuryMember]:
    """The jury with, per member, how many scorecards they have submitted in the edition. One query."""
    submitted = (
        Scorecard.objects.filter(
            juror=OuterRef("user_id"), nomination__edition=OuterRef("edition_id"), status=Scorecard.Status.SUBMITTED
        )
        .order_by()
        .values("juror")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        JuryMember.objects.filter(edition=edition)
        .select_related("user")
        .annotate(submitted_scorecards=Coalesce(Subquery(submitted), 0))
        .order_by("user__name", "user__email")
    )


def invitations_for_edition(*, edition: Edition, now: datetime | None = None) -> QuerySet[Invitation]:
    """The edition's invitations, newest first, each annotated with its derived `state`."""
    now = now or timezone.now()
    return (
        Invitation.objects.filter(edition=edition)
        .select_related("invited_by", "accepted_by")
        .annotate(
            state=Case(
                When(accepted_at__isnull=False, then=Value(InvitationState.ACCEPTED.value)),
                When(revoked_at__isnull=False, then=Value(InvitationState.REVOKED.value)),
                When(expires_at__lte=now, then=Value(InvitationState.EXPIRED.value)),
                default=Value(InvitationState.PENDING.value),
                output_field=models.CharField(),
            )
        )
        .order_by("-created_at", "-pk")
    )


def invitation_for_token(*, token: str) -> Invitation | None:
    """The invitation whose link carries this token; None when no invitation has it (any more)."""
    if not token:
        return None
    return Invitation.objects.select_related("edition__award").filter(token_hash=hash_token(token)).first()
