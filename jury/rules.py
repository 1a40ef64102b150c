"""Jury permissions. A juror sees a nomination only when assigned to it, the assignments are released,
they have no conflict with it, and they have two-factor authentication set up."""

import rules
from django.utils import timezone

from accounts.rules import has_mfa, is_organiser
from accounts.session_store import user_fact
from awards.models import Phase
from core.db import row_exists

from .models import Assignment, ConflictDeclaration, JuryMember, JuryRole


@rules.predicate
def is_jury_member(user, edition) -> bool:
    return (
        user.is_authenticated and edition is not None and JuryMember.objects.filter(edition=edition, user=user).exists()
    )


@rules.predicate
def is_chair(user, edition) -> bool:
    return (
        user.is_authenticated
        and edition is not None
        and JuryMember.objects.filter(edition=edition, user=user, role=JuryRole.CHAIR).exists()
    )


@rules.predicate
def is_conflicted(user, nomination) -> bool:
    return (
        user.is_authenticated
        and nomination is not None
        and ConflictDeclaration.objects.filter(juror=user, nomination=nomination, has_conflict=True).exists()
    )


@rules.predicate
def is_assigned_juror(user, nomination) -> bool:
    """Assigned, released, and still seated on the jury."""
    return (
        user.is_authenticated
        and nomination is not None
        and Assignment.objects.filter(
            juror=user,
            nomination=nomination,
            edition__jury_plan__released_at__isnull=False,
            edition__jury__user=user,
        ).exists()
    )


@rules.predicate
def scoring_is_open(user, nomination) -> bool:
    return nomination is not None and nomination.edition.phase_at(timezone.now()) == Phase.SCORING


@rules.predicate
def edition_scoring_closed(user, edition) -> bool:
    return edition is not None and timezone.now() >= edition.scoring_close_at


juror_may_view_nomination = is_assigned_juror & ~is_conflicted & has_mfa

rules.add_perm("jury.manage_jury", is_organiser)
rules.add_perm("jury.view_assigned_nomination", juror_may_view_nomination)
rules.add_perm("jury.score_nomination", juror_may_view_nomination & scoring_is_open)
rules.add_perm("jury.declare_conflicts", is_jury_member)
rules.add_perm("jury.view_all_scorecards", ((is_chair & has_mfa) | is_organiser) & edition_scoring_closed)


IS_SEATED_JUROR = "is_seated_juror"


@rules.predicate
def is_seated_juror(user) -> bool:
    """On the jury of any edition: a privileged role (accounts/mfa.py asks it for TOTP). For the logged-in
    user as read with the session, at the start of the request."""
    if not user.is_authenticated:
        return False
    known = user_fact(user, IS_SEATED_JUROR)
    if known is not None:
        return known
    return row_exists(JuryMember, "user_id = %s", [user.pk])


def is_seated_juror_sql(connection) -> str:
    """is_seated_juror() as an SQL expression over the user's id `u.id` (read with every session)."""
    table = connection.ops.quote_name(JuryMember._meta.db_table)
    return f"EXISTS (SELECT 1 FROM {table} WHERE user_id = u.id)"  # noqa: S608  # nosec B608 - our table
