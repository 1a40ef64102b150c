"""Writes of the jury app. Scoring is checked against the clock after the edition row is locked, so
a save racing the scoring deadline either lands before it or is refused."""

import secrets
from datetime import UTC

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from awards.models import Criterion, Edition, Phase
from core.audit import audit_record
from nominations.models import Nomination

from ..chain import GENESIS, event_hash
from ..models import JuryMember, Score, Scorecard, ScoreEvent
from .mail import send_bilingual


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
    data = {
        "nomination": nomination.pk,
        "scores": {str(k): v for k, v in sorted(clean.items())},
        "comment": scorecard.comment,
    }
    if submit:
        event = _chain_append(edition=edition, scorecard=scorecard, kind=ScoreEvent.Kind.SUBMITTED, scores=clean)
        scorecard.receipt = data["receipt"] = event.hash
        _send_receipt(scorecard=scorecard, event=event)
    audit_record(
        action="scorecard.submitted" if submit else "scorecard.saved",
        actor=actor,
        obj=scorecard,
        data=data,
        request=request,
    )
    return scorecard


def juror_code(*, edition: Edition, juror) -> str:
    """The juror's pseudonym for this edition, made at their first submission. Only seated jurors may
    score (jury.score_nomination), and a juror who has submitted cannot be unseated."""
    member = JuryMember.objects.get(edition=edition, user=juror)
    if not member.code:
        taken = set(JuryMember.objects.filter(edition=edition).values_list("code", flat=True))
        code = "J-" + secrets.token_hex(4).upper()
        while code in taken:
            code = "J-" + secrets.token_hex(4).upper()
        member.code = code
        member.save(update_fields=["code"])
    return member.code


def _chain_append(*, edition: Edition, scorecard: Scorecard, kind: str, scores: dict[int, int]) -> ScoreEvent:
    """Add an event to the edition's chain. The caller holds the edition row lock, so events are
    appended one at a time; the unique (edition, seq) constraint guards what the lock cannot (SQLite)."""
    last = ScoreEvent.objects.filter(edition=edition).order_by("-seq").values("seq", "hash").first()
    seq = last["seq"] + 1 if last else 1
    prev_hash = last["hash"] if last else GENESIS
    payload = {
        "v": 1,
        "edition": edition.pk,
        "seq": seq,
        "kind": kind,
        "scorecard": scorecard.pk,
        "nomination": scorecard.nomination_id,
        "juror": juror_code(edition=edition, juror=scorecard.juror),
        "scores": {str(k): v for k, v in sorted(scores.items())},
        "at": timezone.now().astimezone(UTC).isoformat(timespec="microseconds"),
    }
    return ScoreEvent.objects.create(
        edition=edition,
        seq=seq,
        kind=kind,
        scorecard=scorecard,
        payload=payload,
        prev_hash=prev_hash,
        hash=event_hash(prev_hash, payload),
    )


def _send_receipt(*, scorecard: Scorecard, event: ScoreEvent) -> None:
    """The juror's copy of what they submitted and the receipt hash, in both site languages."""
    juror = scorecard.juror
    nomination = scorecard.nomination
    context = {
        "juror": juror,
        "nomination": nomination,
        "edition": nomination.edition,
        "scores": list(scorecard.scores.select_related("criterion").order_by("criterion__position", "criterion_id")),
        "receipt": event.hash,
        "seq": event.seq,
        "url": settings.SITE_URL + reverse("jury:dashboard"),
    }
    send_bilingual(template="jury/email/receipt", context=context, to=[juror.email])


@transaction.atomic
def scorecard_reopen(*, actor, nomination: Nomination, request=None) -> Scorecard:
    edition = _lock_edition_scoring(nomination.edition_id)
    if not actor.has_perm("jury.score_nomination", nomination):
        raise PermissionDenied
    scorecard = Scorecard.objects.select_for_update().filter(juror=actor, nomination=nomination).first()
    if scorecard is None or scorecard.status != Scorecard.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted scorecard can be reopened."), code="not_submitted")
    scorecard.status = Scorecard.Status.DRAFT
    scorecard.submitted_at = None
    scorecard.save(update_fields=["status", "submitted_at", "updated_at"])
    event = _chain_append(edition=edition, scorecard=scorecard, kind=ScoreEvent.Kind.REOPENED, scores={})
    audit_record(
        action="scorecard.reopened",
        actor=actor,
        obj=scorecard,
        data={"nomination": nomination.pk, "chain_event": event.hash},
        request=request,
    )
    return scorecard
