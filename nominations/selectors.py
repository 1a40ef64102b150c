"""Reads of nominations. Views fetch a nomination only through `nomination_get_for_user_or_404`,
so access control cannot be forgotten."""

from django.db.models import QuerySet
from django.http import Http404

from awards.models import Edition
from core.models import AuditEvent

from .models import Nomination


def nomination_get_for_user_or_404(*, user, pk: int, perm: str = "nominations.view_nomination") -> Nomination:
    """The nomination if the user may see it (and, with `perm`, do that to it); 404 otherwise, so its
    existence is not revealed."""
    nomination = Nomination.objects.select_related("edition__award", "submitted_by").filter(pk=pk).first()
    if nomination is None or not user.has_perm("nominations.view_nomination", nomination):
        raise Http404
    if perm != "nominations.view_nomination" and not user.has_perm(perm, nomination):
        raise Http404
    return nomination


def nominations_for_applicant(*, user) -> QuerySet[Nomination]:
    return (
        Nomination.objects.filter(submitted_by=user)
        .select_related("edition__award")
        .order_by("-edition__year", "-created_at")
    )


def nomination_for_applicant_in_edition(*, user, edition: Edition) -> Nomination | None:
    """The applicant's live (not withdrawn) nomination in the edition, if any."""
    return (
        Nomination.objects.filter(submitted_by=user, edition=edition)
        .exclude(status=Nomination.Status.WITHDRAWN)
        .order_by("-created_at")
        .first()
    )


APPLICANT_VISIBLE_ACTIONS = (
    "nomination.created",
    "nomination.updated",
    "nomination.submitted",
    "nomination.resubmitted",
    "nomination.withdrawn",
    "nomination.screened",
)


def nomination_history(*, nomination: Nomination) -> QuerySet[AuditEvent]:
    """What happened to the nomination, oldest first, from the audit log."""
    from django.contrib.contenttypes.models import ContentType

    return AuditEvent.objects.filter(
        object_type=ContentType.objects.get_for_model(Nomination),
        object_id=str(nomination.pk),
        action__in=APPLICANT_VISIBLE_ACTIONS,
    ).order_by("created_at", "id")


def nomination_is_owned_by(*, nomination: Nomination, user) -> bool:
    return user.is_authenticated and nomination.submitted_by_id == user.pk
