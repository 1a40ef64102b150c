"""Writes of the jury app. Scoring is checked against the clock after the edition row is locked, so
a save racing the scoring deadline either lands before it or is refused."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from awards.models import Criterion, Edition, Phase
from core.audit import audit_record
from nominations.models import Nomination

from ..models import Score, Scorecard


class ScoringClosed(ValidationError):
    def __init__(self):
        super().__init__(_("Scoring for this edition is closed. Your scores were not changed."), code="scoring_closed")


def _lock_edition_scoring(edition_id: int) -> Edition:
    edition = Edition.objects.select_for_update().get(pk=edition_id)
    if edition.phase_at(timezone.now()) != Phase.SCORING:
        raise ScoringClosed()
    return edition


def _validated_values(*, edition: Edition, values: dict, complete: bool) -> dict[int, int]:
    """Scores keyed by criterion id, each an integer inside its criterion's scale. Unknown criteria and
    non-numbers are refused; with `complete`, every criterion needs a score."""
    criteria = {c.pk: c for c in Criterion.objects.filter(edition=edition)}
    errors: dict[str, list[str]] = {}
    clean: dict[int, int] = {}
    for key, raw in values.items():
        try:
            criterion_id = int(key)
        except (TypeError, ValueError):
            criterion_id = None
        if criterion_id not in criteria:
            errors.setdefault("__all__", []).append(_("The form contained a score for an unknown criterion."))
            continue
        if raw in (None, ""):
            continue
        criterion = criteria[criterion_id]
        try:
            value = int(str(raw).strip())
            if str(value) != str(raw).strip():
                raise ValueError
        except ValueError:
            errors[f"score_{criterion_id}"] = [_("Choose a whole number.")]
            continue
        if not criterion.scale_min <= value <= criterion.scale_max:
            errors[f"score_{criterion_id}"] = [
                _("Choose a score from %(min)s to %(max)s.") % {"min": criterion.scale_min, "max": criterion.scale_max}
            ]
            continue
        clean[criterion_id] = value
    if complete:
        for criterion_id in criteria:
            if criterion_id not in clean and f"score_{criterion_id}" not in errors:
                errors[f"score_{criterion_id}"] = [_("Score every criterion before submitting.")]
    if errors:
        raise ValidationError(errors, code="invalid_scores")
    return clean


def _scorecard_for_update(*, juror, nomination: Nomination) -> Scorecard:
    """The juror's scorecard, created if missing, locked. Concurrent first saves create exactly one."""
    try:
        with transaction.atomic():
            Scorecard.objects.get_or_create(juror=juror, nomination=nomination)
    except IntegrityError:
        pass  # another request created it first
    return Scorecard.objects.select_for_update().get(juror=juror, nomination=nomination)


@transaction.atomic
def scorecard_save(
    *, actor, nomination: Nomination, values: dict, comment: str = "", submit: bool = False, request=None
) -> Scorecard:
    """Save a draft, or submit: `values` maps criterion id to score."""
    edition = _lock_edition_scoring(nomination.edition_id)
    if not actor.has_perm("jury.score_nomination", nomination):
        raise PermissionDenied
    clean = _validated_values(edition=edition, values=values, complete=submit)
    scorecard = _scorecard_for_update(juror=actor, nomination=nomination)
    if scorecard.status == Scorecard.Status.SUBMITTED:
        raise ValidationError(_("This scorecard is submitted. Reopen it to make changes."), code="already_submitted")
    Score.objects.filter(scorecard=scorecard).exclude(criterion_id__in=clean).delete()
    existing = {s.criterion_id: s for s in Score.objects.filter(scorecard=scorecard)}
    for criterion_id, value in clean.items():
        score = existing.get(criterion_id)
        if score is None:
            Score.objects.create(scorecard=scorecard, criterion_id=criterion_id, value=value)
        elif score.value != value:
            score.value = value
            score.save(update_fields=["value"])
    scorecard.comment = (comment or "")[:4000]
    if submit:
        scorecard.status = Scorecard.Status.SUBMITTED
        scorecard.submitted_at = timezone.now()
    scorecard.save()
    audit_record(
        action="scorecard.submitted" if submit else "scorecard.saved",
        actor=actor,
        obj=scorecard,
        data={
            "nomination": nomination.pk,
            "scores": {str(k): v for k, v in sorted(clean.items())},
            "comment": scorecard.comment,
        },
        request=request,
    )
    return scorecard


@transaction.atomic
def scorecard_reopen(*, actor, nomination: Nomination, request=None) -> Scorecard:
    _lock_edition_scoring(nomination.edition_id)
    if not actor.has_perm("jury.score_nomination", nomination):
        raise PermissionDenied
    scorecard = Scorecard.objects.select_for_update().filter(juror=actor, nomination=nomination).first()
    if scorecard is None or scorecard.status != Scorecard.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted scorecard can be reopened."), code="not_submitted")
    scorecard.status = Scorecard.Status.DRAFT
    scorecard.submitted_at = None
    scorecard.save(update_fields=["status", "submitted_at", "updated_at"])
    audit_record(
        action="scorecard.reopened", actor=actor, obj=scorecard, data={"nomination": nomination.pk}, request=request
    )
    return scorecard
