"""Every write to an award's editions and their rubric. Each function checks the actor, validates,
runs in one transaction and leaves an audit event."""

from collections.abc import Iterable
from datetime import UTC, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record

from .models import Award, Criterion, CriterionLevel, Edition

EDITION_FIELDS = (
    "year", "nominations_open_at", "nominations_close_at", "scoring_open_at", "scoring_close_at", "announce_at",
    "intro_sv", "intro_en", "eligibility_sv", "eligibility_en", "prize_sv", "prize_en",
    "tally_method", "tie_break", "quorum",
)  # fmt: skip
# How the verdict is reached is fixed before anyone scores.
VERDICT_RULE_FIELDS = ("tally_method", "tie_break", "quorum")
TIMELINE_FIELDS = ("nominations_open_at", "nominations_close_at", "scoring_open_at", "scoring_close_at", "announce_at")
TEXT_FIELDS = ("intro_sv", "intro_en", "eligibility_sv", "eligibility_en", "prize_sv", "prize_en")
CRITERION_FIELDS = (
    "position", "name_sv", "name_en", "guidance_sv", "guidance_en", "weight", "scale_min", "scale_max",
)  # fmt: skip


class RubricLocked(ValidationError):
    """Scoring has opened: jurors may already have scored on this rubric."""

    def __init__(self):
        super().__init__(
            _("Scoring has opened for this edition, so its rubric can no longer be changed. Nothing was saved."),
            code="rubric_locked",
        )


def _require_organiser(actor, edition: Edition | None = None) -> None:
    if not actor.has_perm("awards.manage_edition", edition):
        raise PermissionDenied


def _duplicate_year_error() -> ValidationError:
    return ValidationError({"year": _("This award already has an edition that year.")}, code="duplicate_year")


def _save_edition(edition: Edition) -> None:
    """Validate and save; the unique (award, year) constraint may still catch a concurrent request."""
    errors: dict = {}
    if Edition.objects.filter(award_id=edition.award_id, year=edition.year).exclude(pk=edition.pk).exists():
        errors = _duplicate_year_error().update_error_dict(errors)
    try:
        # Edition.clean() explains every timeline rule the check constraint enforces, field by field.
        edition.full_clean(validate_constraints=False)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            edition.save()
    except IntegrityError as exc:
        if "edition_award_year_unique" in str(exc) or "award_id, awards_edition.year" in str(exc):
            raise _duplicate_year_error() from exc
        raise


def _audit_value(value) -> str | int:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return value if isinstance(value, int) else str(value)


@transaction.atomic
def edition_create(*, actor, award: Award, data: dict, request=None) -> Edition:
    _require_organiser(actor)
    edition = Edition(award=award, **{field: data[field] for field in EDITION_FIELDS if field in data})
    _save_edition(edition)
    audit_record(
        action="edition.created",
        actor=actor,
        obj=edition,
        data={field: _audit_value(getattr(edition, field)) for field in ("year", *TIMELINE_FIELDS)},
        request=request,
    )
    return edition


@transaction.atomic
def edition_update(*, actor, edition: Edition, data: dict, request=None) -> Edition:
    _require_organiser(actor, edition)
    edition = Edition.objects.select_for_update().select_related("award").get(pk=edition.pk)
    # Judged on the timeline as stored, before this change moves it.
    rules_editable = edition.rubric_is_editable_at(timezone.now())
    changes = {}
    for field in EDITION_FIELDS:
        if field in data and getattr(edition, field) != data[field]:
            changes[field] = {"from": _audit_value(getattr(edition, field)), "to": _audit_value(data[field])}
            setattr(edition, field, data[field])
    locked = [field for field in VERDICT_RULE_FIELDS if field in changes]
    if locked and not rules_editable:
        raise ValidationError(
            {
                field: _("Scoring has opened, so the ranking rules can no longer be changed. Nothing was saved.")
                for field in locked
            },
            code="verdict_rules_locked",
        )
    if changes:
        _save_edition(edition)
        audit_record(action="edition.updated", actor=actor, obj=edition, data={"changes": changes}, request=request)
    return edition


@transaction.atomic
def edition_copy(*, actor, source: Edition, year: int, nominations_open_at: datetime, request=None) -> Edition:
    """A new edition of the same award: every date moved by the same offset (the one that brings the
    nomination opening to the given moment), the texts and the whole rubric copied."""
    _require_organiser(actor, source)
    offset = nominations_open_at - source.nominations_open_at
    edition = Edition(award=source.award, year=year)
    for field in TIMELINE_FIELDS:
        setattr(edition, field, getattr(source, field) + offset)
    for field in (*TEXT_FIELDS, *VERDICT_RULE_FIELDS):
        setattr(edition, field, getattr(source, field))
    _save_edition(edition)

    criteria = list(source.criteria.prefetch_related("levels"))
    copies = Criterion.objects.bulk_create(
        [Criterion(edition=edition, **{f: getattr(c, f) for f in CRITERION_FIELDS}) for c in criteria]
    )
    CriterionLevel.objects.bulk_create(
        [
            CriterionLevel(
                criterion=copy, value=level.value, descriptor_sv=level.descriptor_sv, descriptor_en=level.descriptor_en
            )
            for original, copy in zip(criteria, copies, strict=True)
            for level in original.levels.all()
        ]
    )
    audit_record(
        action="edition.copied",
        actor=actor,
        obj=edition,
        data={
            "source_id": source.pk,
            "source_year": source.year,
            "offset_seconds": int(offset.total_seconds()),
            "criteria": len(copies),
        },
        request=request,
    )
    return edition


def _rubric_changed(edition: Edition) -> None:
    """A new `updated_at`, so the public page's cached rubric is not shown any more."""
    Edition.objects.filter(pk=edition.pk).update(updated_at=timezone.now())


def _lock_rubric(edition: Edition) -> Edition:
    """Lock the edition row, then check the clock: a save racing the opening of scoring is refused."""
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    if not edition.rubric_is_editable_at(timezone.now()):
        raise RubricLocked()
    return edition


@transaction.atomic
def criteria_save(
    *,
    actor,
    edition: Edition,
    changes: Iterable[tuple[Criterion | None, dict]] = (),
    deletions: Iterable[Criterion] = (),
    request=None,
) -> list[Criterion]:
    """Create or update criteria (None for a new one, with its field values) and delete others.
    Levels that fall outside a narrowed scale are removed with it."""
    _require_organiser(actor, edition)
    edition = _lock_rubric(edition)
    changes, deletions = list(changes), list(deletions)
    known = Criterion.objects.select_for_update().in_bulk(
        [c.pk for c, _data in changes if c is not None] + [c.pk for c in deletions]
    )
    if any(c.edition_id != edition.pk for c in known.values()):
        raise PermissionDenied

    for criterion in deletions:
        stored = known.get(criterion.pk)
        if stored is None:
            continue
        audit_record(
            action="criterion.deleted",
            actor=actor,
            obj=stored,
            data={"edition_id": edition.pk, "name_en": stored.name_en},
            request=request,
        )
        try:
            stored.delete()
        except ProtectedError as exc:
            raise ValidationError(
                _("“%(name)s” already has scores, so it cannot be deleted.") % {"name": stored.name},
                code="criterion_has_scores",
            ) from exc

    saved = []
    for criterion, data in changes:
        if criterion is None:
            stored, created = Criterion(edition=edition), True
        else:
            stored, created = known.get(criterion.pk), False
            if stored is None:
                continue  # deleted by somebody else meanwhile
        changed = [field for field in CRITERION_FIELDS if field in data and getattr(stored, field) != data[field]]
        if not changed and not created:
            continue
        for field in changed:
            setattr(stored, field, data[field])
        stored.full_clean(exclude=["edition"])
        stored.save()
        removed, _details = stored.levels.exclude(value__gte=stored.scale_min, value__lte=stored.scale_max).delete()
        audit_record(
            action="criterion.saved",
            actor=actor,
            obj=stored,
            data={
                "edition_id": edition.pk,
                "created": created,
                "changed": changed,
                "levels_removed": removed,
            },
            request=request,
        )
        saved.append(stored)
    if saved or deletions:
        _rubric_changed(edition)
    return saved


@transaction.atomic
def criterion_levels_save(*, actor, criterion: Criterion, levels: Iterable[dict], request=None) -> list[CriterionLevel]:
    """Set the descriptors of a criterion's levels. Each row: value, descriptor_sv, descriptor_en;
    a row with both descriptors empty removes that level's descriptor."""
    _require_organiser(actor, criterion.edition)
    _lock_rubric(criterion.edition)
    criterion = Criterion.objects.select_for_update().get(pk=criterion.pk)
    rows = list(levels)

    errors = []
    values = [row["value"] for row in rows]
    outside = sorted({v for v in values if v not in criterion.levels_range})
    if outside:
        errors.append(
            ValidationError(
                _("Scores %(values)s are outside this criterion's scale (%(min)s to %(max)s).")
                % {
                    "values": ", ".join(str(v) for v in outside),
                    "min": criterion.scale_min,
                    "max": criterion.scale_max,
                },
                code="level_outside_scale",
            )
        )
    if len(set(values)) != len(values):
        errors.append(ValidationError(_("Each score may have only one descriptor."), code="duplicate_level"))
    for row in rows:
        if bool(row.get("descriptor_sv", "").strip()) != bool(row.get("descriptor_en", "").strip()):
            errors.append(
                ValidationError(
                    _("Score %(value)s needs its descriptor in both Swedish and English.") % {"value": row["value"]},
                    code="level_language_missing",
                )
            )
    if errors:
        raise ValidationError(errors)

    existing = {level.value: level for level in criterion.levels.all()}
    kept, changed = [], []
    for row in rows:
        sv, en = row.get("descriptor_sv", "").strip(), row.get("descriptor_en", "").strip()
        level = existing.get(row["value"])
        if not sv:
            if level is not None:
                level.delete()
                changed.append(row["value"])
            continue
        if level is None:
            level = CriterionLevel(criterion=criterion, value=row["value"])
        if level.pk is None or (level.descriptor_sv, level.descriptor_en) != (sv, en):
            level.descriptor_sv, level.descriptor_en = sv, en
            level.full_clean()
            level.save()
            changed.append(row["value"])
        kept.append(level)
    if changed:
        _rubric_changed(criterion.edition)
        audit_record(
            action="criterion.levels_saved",
            actor=actor,
            obj=criterion,
            data={"edition_id": criterion.edition_id, "values": sorted(changed)},
            request=request,
        )
    return kept
