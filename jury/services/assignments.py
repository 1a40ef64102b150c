"""Writes of the assignment plan: generate it (every juror on everything, or k balanced jurors per
nomination), add or remove one juror on one nomination, release it to the jury.

All of it happens with the edition row locked and only before scoring opens: jurors then score what
they were given. A change after release is allowed until then and, like everything here, audited."""

import secrets
from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from awards.models import Edition
from core.audit import audit_record
from nominations.models import Nomination

from ..assignment import InfeasibleAssignment, assign, assign_all, loads, presentation_order
from ..models import Assignment, ConflictDeclaration, JuryMember, JuryPlan
from ..selectors import ASSIGNABLE_STATUSES, assignable_nomination_ids

SEED_LIMIT = 2**31


def _check_manager(actor, edition: Edition) -> None:
    if not actor.has_perm("jury.manage_jury", edition):
        raise PermissionDenied


def _lock_edition_before_scoring(edition_id: int) -> Edition:
    edition = Edition.objects.select_for_update().get(pk=edition_id)
    if timezone.now() >= edition.scoring_open_at:
        raise ValidationError(
            _("Scoring has opened: the assignments can no longer be changed."), code="assignments_locked"
        )
    return edition


def _plan_for_update(edition: Edition) -> JuryPlan:
    # The edition row is locked, so no second plan can be created beside this one.
    plan, _created = JuryPlan.objects.get_or_create(edition=edition)
    return plan


def _startup_names(nomination_ids) -> str:
    names = (
        Nomination.objects.filter(pk__in=list(nomination_ids))
        .order_by("startup_name")
        .values_list("startup_name", flat=True)
    )
    return ", ".join(names)


@transaction.atomic
def assignments_generate(
    *, actor, edition: Edition, mode: str, jurors_per_nomination: int | None = None, seed: int | None = None,
    request=None,
) -> JuryPlan:  # fmt: skip
    """Replace the edition's assignments with a fresh plan. `seed` reproduces an earlier plan; without
    it a new one is drawn. Each juror's nominations are shuffled into their own reading order."""
    _check_manager(actor, edition)
    edition = _lock_edition_before_scoring(edition.pk)
    if mode not in JuryPlan.Mode.values:
        raise ValidationError({"mode": _("Choose how to assign the nominations.")}, code="mode")
    jurors = sorted(JuryMember.objects.filter(edition=edition).values_list("user_id", flat=True))
    if not jurors:
        raise ValidationError(_("The jury has no members yet: invite jurors first."), code="no_jurors")
    nominations = assignable_nomination_ids(edition=edition)
    if not nominations:
        raise ValidationError(_("No nomination is eligible yet: screen the nominations first."), code="no_nominations")
    plan = _plan_for_update(edition)
    k = plan.jurors_per_nomination if jurors_per_nomination is None else jurors_per_nomination
    if mode == JuryPlan.Mode.K_PER_NOMINATION and not 1 <= k <= len(jurors):
        raise ValidationError(
            {
                "jurors_per_nomination": _("Choose from 1 to %(count)s jurors per nomination: the jury has %(count)s.")
                % {"count": len(jurors)}
            },
            code="k_out_of_range",
        )
    if seed is None:
        seed = secrets.randbelow(SEED_LIMIT)
    elif not 0 <= seed < SEED_LIMIT:
        raise ValidationError({"seed": _("Choose a seed from 0 to %(max)s.") % {"max": SEED_LIMIT - 1}}, code="seed")
    conflicts = set(
        ConflictDeclaration.objects.filter(
            nomination_id__in=nominations, juror_id__in=jurors, has_conflict=True
        ).values_list("juror_id", "nomination_id")
    )
    try:
        if mode == JuryPlan.Mode.ALL:
            result = assign_all(jurors, nominations, conflicts)
        else:
            result = assign(jurors, nominations, k, conflicts, seed)
    except InfeasibleAssignment as infeasible:
        raise ValidationError(
            _(
                "Too few jurors without a conflict of interest for %(startups)s. Choose fewer jurors per "
                "nomination or add jurors."
            )
            % {"startups": _startup_names(infeasible.nominations)},
            code="infeasible",
        ) from infeasible

    removed = Assignment.objects.filter(edition=edition).delete()[0]
    per_juror: dict[int, list[int]] = defaultdict(list)
    for nomination_id, assigned in result.items():
        for juror_id in assigned:
            per_juror[juror_id].append(nomination_id)
    Assignment.objects.bulk_create(
        Assignment(edition=edition, juror_id=juror_id, nomination_id=nomination_id, position=position)
        for juror_id, mine in sorted(per_juror.items())
        for position, nomination_id in enumerate(presentation_order(juror_id, mine, seed))
    )
    previous = {"mode": plan.mode, "jurors_per_nomination": plan.jurors_per_nomination, "seed": plan.seed}
    plan.mode = mode
    if mode == JuryPlan.Mode.K_PER_NOMINATION:
        plan.jurors_per_nomination = k
    plan.seed = seed
    plan.save()
    audit_record(
        action="jury.assignments_generated",
        actor=actor,
        obj=plan,
        data={
            "mode": mode,
            "jurors_per_nomination": k if mode == JuryPlan.Mode.K_PER_NOMINATION else None,
            "seed": seed,
            "assignments": sum(len(a) for a in result.values()),
            "replaced": removed,
            "loads": {str(j): n for j, n in sorted(loads(result, jurors).items())},
            "released": plan.released_at is not None,
            "previous": previous,
        },
        request=request,
    )
    return plan


def _member(edition: Edition, juror_id: int) -> JuryMember:
    member = JuryMember.objects.select_related("user").filter(edition=edition, user_id=juror_id).first()
    if member is None:
        raise ValidationError(_("This person is not on the jury of this edition."), code="not_on_jury")
    return member


def _nomination(edition: Edition, nomination_id: int) -> Nomination:
    nomination = Nomination.objects.filter(edition=edition, pk=nomination_id).first()
    if nomination is None:
        raise ValidationError(_("This nomination is not part of this edition."), code="unknown_nomination")
    return nomination


def _change_data(plan: JuryPlan, member: JuryMember, nomination: Nomination, **extra) -> dict:
    return {
        "juror": member.user_id,
        "nomination": nomination.pk,
        "released": plan.released_at is not None,
        **extra,
    }


@transaction.atomic
def assignment_add(*, actor, edition: Edition, juror_id: int, nomination_id: int, request=None) -> Assignment:
    """Put one juror on one nomination, last in the juror's reading order. A juror with a conflict of
    interest is refused."""
    _check_manager(actor, edition)
    edition = _lock_edition_before_scoring(edition.pk)
    member = _member(edition, juror_id)
    nomination = _nomination(edition, nomination_id)
    name = member.user.name or member.user.email
    if nomination.status not in ASSIGNABLE_STATUSES:
        raise ValidationError(
            _("%(startup)s is not eligible, so it gets no jurors.") % {"startup": nomination.startup_name},
            code="not_assignable",
        )
    if ConflictDeclaration.objects.filter(juror_id=juror_id, nomination=nomination, has_conflict=True).exists():
        raise ValidationError(
            _("%(juror)s has a conflict of interest with %(startup)s and cannot be assigned to it.")
            % {"juror": name, "startup": nomination.startup_name},
            code="conflict",
        )
    already = ValidationError(
        _("%(juror)s is already assigned to %(startup)s.") % {"juror": name, "startup": nomination.startup_name},
        code="already_assigned",
    )
    if Assignment.objects.filter(juror_id=juror_id, nomination=nomination).exists():
        raise already
    last = Assignment.objects.filter(edition=edition, juror_id=juror_id).aggregate(last=Max("position"))["last"]
    position = 0 if last is None else last + 1
    try:
        with transaction.atomic():
            assignment = Assignment.objects.create(
                edition=edition, juror_id=juror_id, nomination=nomination, position=position
            )
    except IntegrityError:
        raise already from None
    plan = _plan_for_update(edition)
    audit_record(
        action="jury.assignment_added",
        actor=actor,
        obj=assignment,
        data=_change_data(plan, member, nomination, position=position),
        request=request,
    )
    return assignment


@transaction.atomic
def assignment_remove(*, actor, edition: Edition, juror_id: int, nomination_id: int, request=None) -> None:
    _check_manager(actor, edition)
    edition = _lock_edition_before_scoring(edition.pk)
    member = _member(edition, juror_id)
    nomination = _nomination(edition, nomination_id)
    assignment = Assignment.objects.filter(edition=edition, juror_id=juror_id, nomination=nomination).first()
    if assignment is None:
        raise ValidationError(
            _("%(juror)s is not assigned to %(startup)s.")
            % {"juror": member.user.name or member.user.email, "startup": nomination.startup_name},
            code="not_assigned",
        )
    plan = _plan_for_update(edition)
    audit_record(
        action="jury.assignment_removed",
        actor=actor,
        obj=assignment,
        data=_change_data(plan, member, nomination, position=assignment.position),
        request=request,
    )
    assignment.delete()


@transaction.atomic
def jury_plan_release(*, actor, edition: Edition, request=None) -> JuryPlan:
    """Show the jurors their assignments. Allowed until scoring closes (a late release is better than
    none); done once."""
    _check_manager(actor, edition)
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    now = timezone.now()
    if now >= edition.scoring_close_at:
        raise ValidationError(_("Scoring has closed: there is nothing left to release."), code="scoring_closed")
    plan = _plan_for_update(edition)
    if plan.released_at is not None:
        raise ValidationError(_("The assignments are already released."), code="already_released")
    count = Assignment.objects.filter(edition=edition).count()
    if not count:
        raise ValidationError(_("There are no assignments to release yet."), code="nothing_to_release")
    plan.released_at = now
    plan.save(update_fields=["released_at"])
    audit_record(
        action="jury.plan_released",
        actor=actor,
        obj=plan,
        data={"assignments": count, "mode": plan.mode, "seed": plan.seed},
        request=request,
    )
    return plan
