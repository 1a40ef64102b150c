"""Writes of conflict-of-interest declarations. A juror answers for the nominations assigned to them
until scoring closes; an organiser may record a finding for any juror of the edition at any time.
Each change is written to the audit log with the values before and after."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from nominations.models import Nomination

from ..models import Assignment, ConflictDeclaration, ConflictKind, JuryMember

NOTE_MAX_LENGTH = 1000


@dataclass(frozen=True)
class ConflictAnswer:
    nomination_id: int
    has_conflict: bool
    kind: str = ""
    note: str = ""


def _validated(*, has_conflict: bool, kind: str, note: str, field: str = "kind") -> tuple[str, str]:
    kind = (kind or "").strip()
    note = (note or "").strip()
    if has_conflict:
        if kind not in ConflictKind.values:
            raise ValidationError({field: _("Choose the kind of conflict.")}, code="conflict_kind")
    else:
        kind = ""
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError(
            {field: _("Keep the note under %(max)s characters.") % {"max": NOTE_MAX_LENGTH}}, code="note_length"
        )
    return kind, note


def _snapshot(declaration: ConflictDeclaration | None) -> dict | None:
    if declaration is None:
        return None
    return {
        "has_conflict": declaration.has_conflict,
        "kind": declaration.kind,
        "note": declaration.note,
        "source": declaration.source,
    }


def _locked_declaration(*, juror_id: int, nomination_id: int) -> ConflictDeclaration | None:
    return (
        ConflictDeclaration.objects.select_for_update().filter(juror_id=juror_id, nomination_id=nomination_id).first()
    )


def _write(
    *, actor, juror_id: int, nomination: Nomination, has_conflict: bool, kind: str, note: str, source: str, action: str,
    extra: dict | None = None, request=None,
) -> ConflictDeclaration | None:  # fmt: skip
    """Create or change the one declaration of the pair and log it. An answer equal to what is
    recorded writes nothing and returns None."""
    wanted = {"has_conflict": has_conflict, "kind": kind, "note": note, "source": source}
    declaration = _locked_declaration(juror_id=juror_id, nomination_id=nomination.pk)
    previous = _snapshot(declaration)
    if declaration is None:
        try:
            with transaction.atomic():
                declaration = ConflictDeclaration.objects.create(
                    juror_id=juror_id, nomination=nomination, recorded_by=actor, **wanted
                )
        except IntegrityError:
            # A simultaneous request created it first: change that one instead.
            declaration = _locked_declaration(juror_id=juror_id, nomination_id=nomination.pk)
            previous = _snapshot(declaration)
    if previous is not None:
        if previous == wanted:
            return None
        for name, value in wanted.items():
            setattr(declaration, name, value)
        declaration.recorded_by = actor
        declaration.save()
    audit_record(
        action=action,
        actor=actor,
        obj=declaration,
        data={"juror": juror_id, "nomination": nomination.pk, **wanted, "previous": previous, **(extra or {})},
        request=request,
    )
    return declaration


@transaction.atomic
def conflicts_declare(*, actor, answers: Iterable[ConflictAnswer], request=None) -> list[ConflictDeclaration]:
    """A juror's answers for nominations assigned to them (released plans of editions they sit on,
    before scoring closes). All or nothing: one wrong answer refuses the lot. Returns the changed
    declarations."""
    answers = list(answers)
    if not answers:
        return []
    if len({a.nomination_id for a in answers}) != len(answers):
        raise ValidationError(_("Each nomination can be answered once."), code="duplicate")
    now = timezone.now()
    assignments = {
        a.nomination_id: a
        for a in Assignment.objects.filter(
            juror=actor,
            nomination_id__in=[a.nomination_id for a in answers],
            edition__jury_plan__released_at__isnull=False,
            edition__jury__user=actor,
        ).select_related("nomination__edition", "edition")
    }
    existing = {
        d.nomination_id: d
        for d in ConflictDeclaration.objects.select_for_update().filter(
            juror=actor, nomination_id__in=list(assignments)
        )
    }
    errors: dict[str, list[str]] = {}
    cleaned = []
    for answer in answers:
        assignment = assignments.get(answer.nomination_id)
        if assignment is None or not actor.has_perm("jury.declare_conflicts", assignment.edition):
            raise PermissionDenied
        field = f"answer_{answer.nomination_id}"
        if now >= assignment.edition.scoring_close_at:
            errors.setdefault(field, []).append(_("Scoring has closed: declarations can no longer be changed."))
            continue
        try:
            kind, note = _validated(has_conflict=answer.has_conflict, kind=answer.kind, note=answer.note, field=field)
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                errors.setdefault(key, []).extend(messages)
            continue
        recorded = existing.get(answer.nomination_id)
        if recorded is not None and recorded.has_conflict and recorded.source == ConflictDeclaration.Source.ORGANISER:
            errors.setdefault(field, []).append(
                _("An organiser has recorded a conflict of interest here; ask them if it is wrong.")
            )
            continue
        cleaned.append((assignment.nomination, answer.has_conflict, kind, note))
    if errors:
        raise ValidationError(errors, code="invalid_answers")
    changed = []
    for nomination, has_conflict, kind, note in cleaned:
        declaration = _write(
            actor=actor,
            juror_id=actor.pk,
            nomination=nomination,
            has_conflict=has_conflict,
            kind=kind,
            note=note,
            source=ConflictDeclaration.Source.JUROR,
            action="conflict.declared",
            request=request,
        )
        if declaration is not None:
            changed.append(declaration)
    return changed


@transaction.atomic
def conflict_record(
    *, actor, juror, nomination: Nomination, has_conflict: bool, kind: str = "", note: str = "",
    suggestion: Iterable[str] = (), request=None,
) -> ConflictDeclaration | None:  # fmt: skip
    """An organiser's finding for one juror and nomination of the same edition, at any time (a
    conflict found after scoring still matters to the tally). `suggestion` names the reasons when
    the finding answers an automatic suggestion. Returns None when nothing changed."""
    if not actor.has_perm("jury.manage_jury"):
        raise PermissionDenied
    if not JuryMember.objects.filter(edition_id=nomination.edition_id, user=juror).exists():
        raise ValidationError({"juror": _("This person is not on the jury of this edition.")}, code="not_on_jury")
    kind, note = _validated(has_conflict=has_conflict, kind=kind, note=note)
    suggestion = sorted(suggestion)
    return _write(
        actor=actor,
        juror_id=juror.pk,
        nomination=nomination,
        has_conflict=has_conflict,
        kind=kind,
        note=note,
        source=ConflictDeclaration.Source.ORGANISER,
        action="conflict.recorded",
        extra={"suggestion": suggestion} if suggestion else None,
        request=request,
    )
