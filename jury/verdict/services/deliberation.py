"""The jury's deliberation after scoring closes: marking finalists, the chair's decision on ties the rules
leave open, and the organiser's approval of the winner. (An organiser's request for a tally now is
`tally_request` in services/tally.py.)

Every write checks the actor's permission, takes the edition's row lock (so decisions are made one after
the other and never after the announcement is published), validates, and is audit-logged. Nothing here
changes what the public or the nominees see: that happens only when the announcement is published."""

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from awards.models import Edition
from core.audit import audit_record
from nominations.models import Nomination

from ..models import Announcement, Finalist, TallyRun, TieDecision, WinnerApproval
from ..selectors import first_place_of, nomination_ids_in, tally_run_latest, tie_groups

logger = logging.getLogger(__name__)

IN_COMPETITION = (Nomination.Status.ELIGIBLE, Nomination.Status.FINALIST, Nomination.Status.WINNER)


def _check(actor, perm: str, edition: Edition) -> None:
    if actor is None or not actor.has_perm(perm, edition):
        raise PermissionDenied


def _lock_open_edition(edition: Edition) -> Edition:
    """The edition's row lock, taken by every deliberation write and by publication; refuses once the
    announcement is out."""
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    if Announcement.objects.filter(edition=edition, published_at__isnull=False).exists():
        raise ValidationError(_("The winner has been announced: the decision is final."), code="published")
    return edition


def _latest_tally_or_refuse(edition: Edition) -> TallyRun:
    tally = tally_run_latest(edition=edition)
    if tally is None:
        raise ValidationError(_("There is no tally of this edition yet."), code="no_tally")
    return tally


@transaction.atomic
def finalists_set(*, actor, edition: Edition, nomination_ids: list[int], request=None) -> list[int]:
    """Make exactly these nominations the edition's finalists. Returns their ids, sorted."""
    _check(actor, "verdict.mark_finalists", edition)
    edition = _lock_open_edition(edition)
    wanted = {int(n) for n in nomination_ids}
    allowed = set(
        Nomination.objects.filter(edition=edition, pk__in=wanted, status__in=IN_COMPETITION).values_list(
            "pk", flat=True
        )
    )
    if wanted - allowed:
        raise ValidationError(_("Only nominations still in the competition can be finalists."), code="not_eligible")
    current = set(Finalist.objects.filter(edition=edition).values_list("nomination_id", flat=True))
    added, removed = sorted(wanted - current), sorted(current - wanted)
    Finalist.objects.filter(edition=edition, nomination_id__in=removed).delete()
    Finalist.objects.bulk_create(
        [Finalist(edition=edition, nomination_id=pk, marked_by=actor) for pk in added], ignore_conflicts=True
    )
    if added or removed:
        audit_record(
            action="verdict.finalists_changed",
            actor=actor,
            obj=edition,
            data={"added": added, "removed": removed, "finalists": sorted(wanted)},
            request=request,
        )
    return sorted(wanted)


@transaction.atomic
def tie_decide(*, actor, edition: Edition, order: list[int], reason: str, request=None) -> TieDecision:
    """The chair's order for nominations the edition's rules left tied in the latest tally, with the
    reason. Recorded, never silent; a later decision on the same tie replaces it until the winner is
    approved."""
    _check(actor, "verdict.decide_tie", edition)
    edition = _lock_open_edition(edition)
    tally = _latest_tally_or_refuse(edition)
    order = [int(n) for n in order]
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = _("Say why you chose this order.")
    if len(set(order)) != len(order) or frozenset(order) not in tie_groups(tally.result):
        errors["order"] = _("Put each of the tied nominations in one place.")
    if errors:
        raise ValidationError(errors)
    if WinnerApproval.objects.filter(edition=edition, tally_run=tally).exists():
        raise ValidationError(
            _("The winner has already been approved on this tally; the order can no longer change."),
            code="approved",
        )
    decision = TieDecision.objects.create(
        edition=edition, tally_run=tally, order=order, reason=reason, decided_by=actor
    )
    audit_record(
        action="verdict.tie_decided",
        actor=actor,
        obj=decision,
        data={"tally_run": tally.pk, "order": order, "reason": reason},
        request=request,
    )
    return decision


@transaction.atomic
def winner_approve(*, actor, edition: Edition, winner_id: int, reason: str = "", request=None) -> WinnerApproval:
    """The organiser approves the winner on the latest tally: first place, or another nomination with a
    written reason (in the audit log and on the approval, which the results bundle carries)."""
    _check(actor, "verdict.approve_winner", edition)
    edition = _lock_open_edition(edition)
    tally = _latest_tally_or_refuse(edition)
    if not tally.integrity_ok:
        raise ValidationError(
            _("The scores in the database differ from the scorecard chain. Find out why before approving."),
            code="integrity",
        )
    decisions = list(TieDecision.objects.filter(tally_run=tally))
    first_place = first_place_of(tally.result, decisions)
    if first_place is None:
        if tally.result.get("ranking"):
            raise ValidationError(_("The jury chair must first settle the tie for first place."), code="undecided")
        raise ValidationError(_("No nomination is ranked in this tally."), code="nobody_ranked")
    winner_id = int(winner_id)
    reason = (reason or "").strip()
    candidates = set(nomination_ids_in(tally.result))
    winner = Nomination.objects.filter(pk=winner_id, edition=edition, status__in=IN_COMPETITION).first()
    if winner is None or winner_id not in candidates:
        raise ValidationError({"winner": _("Choose one of the nominations in the tally.")})
    if winner_id != first_place and not reason:
        raise ValidationError(
            {"reason": _("Choosing another nomination than first place needs a written reason.")}, code="no_reason"
        )
    if winner_id == first_place:
        reason = ""
    try:
        with transaction.atomic():
            approval, _created = WinnerApproval.objects.update_or_create(
                edition=edition,
                defaults={
                    "tally_run": tally,
                    "winner": winner,
                    "first_place_id": first_place,
                    "reason": reason,
                    "approved_by": actor,
                },
            )
    except IntegrityError as error:  # the database's own check of the reason
        raise ValidationError(
            {"reason": _("Choosing another nomination than first place needs a written reason.")}
        ) from error
    audit_record(
        action="verdict.winner_approved",
        actor=actor,
        obj=approval,
        data={
            "tally_run": tally.pk,
            "result_digest": tally.result_digest,
            "winner": winner_id,
            "first_place": first_place,
            "reason": reason,
        },
        request=request,
    )
    return approval
