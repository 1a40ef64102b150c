"""Tally runs: the tally of an edition stored once per distinct input.

The input (rubric, method, tie-break rules, quorum, the competing nominations, every submitted score
with its juror's code, and the chain head) is hashed as canonical JSON; (edition, input_digest) is
unique, so a retried, redelivered or concurrent run of the same input finds the row instead of adding
a second one. The same input always gives the same result and result digest.
"""

import hashlib
import time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from awards.models import Edition
from core.audit import audit_record
from jury.chain import CanonicalDict, canonical_json

from ..models import TallyRun
from ..tally import run_tally, tally_input_digest


def result_digest(result: dict) -> str:
    return hashlib.sha256(canonical_json(result)).hexdigest()


def tally_run(*, edition: Edition, trigger: str, requested_by=None) -> TallyRun:
    """The tally of the edition's current input: the stored run if this input was tallied before,
    otherwise a new one. Only after scoring has closed."""
    if timezone.now() < edition.scoring_close_at:
        raise ValidationError(_("The tally can only run after scoring has closed."), code="scoring_open")
    started = time.monotonic()
    # One pass: the input's digest first (a run of the same input found by it ends the work there),
    # then the tally and the integrity check on the same scorecard table.
    output = run_tally(
        edition,
        integrity=True,
        stop_if=lambda digest: TallyRun.objects.filter(edition=edition, input_digest=digest).first(),
    )
    if output.existing is not None:
        return output.existing
    problems = output.problems
    digest = output.input_digest
    result = CanonicalDict(output.result)  # serialised once, for the digest and the row
    duration_ms = int((time.monotonic() - started) * 1000)
    try:
        with transaction.atomic():
            run = TallyRun.objects.create(
                edition=edition,
                trigger=trigger,
                requested_by=requested_by,
                method=edition.tally_method,
                chain_head=output.chain_head,
                chain_length=output.chain_length,
                input_digest=digest,
                result_digest=result.digest(),
                result=result,
                integrity_ok=not problems,
                problems=problems,
                duration_ms=duration_ms,
            )
            audit_record(
                action="tally.run",
                actor=requested_by,
                obj=run,
                data={
                    "edition": edition.pk,
                    "trigger": trigger,
                    "input_digest": digest,
                    "result_digest": run.result_digest,
                    "chain_head": run.chain_head,
                    "integrity_ok": run.integrity_ok,
                },
            )
    except IntegrityError:
        # A concurrent run of the same input committed first: that row is the result.
        return TallyRun.objects.get(edition=edition, input_digest=digest)
    return run


def tally_request(*, actor, edition: Edition, request=None) -> None:
    """An organiser asks for a tally now: checked and audit-logged here, computed by the task after this
    transaction commits; a tally of unchanged scores finds the stored result."""
    if actor is None or not actor.has_perm("verdict.run_tally", edition):
        raise PermissionDenied
    from ..tasks import tally_edition

    audit_record(action="tally.requested", actor=actor, obj=edition, data={"edition": edition.pk}, request=request)
    transaction.on_commit(
        lambda: tally_edition.delay(edition_id=edition.pk, trigger=TallyRun.Trigger.ORGANISER, requested_by_id=actor.pk)
    )


def editions_to_tally(now=None) -> list[Edition]:
    """Editions whose scoring has closed and whose result is not announced yet (the jury's
    deliberation), and whose latest tally does not match the current input."""
    now = now or timezone.now()
    due = []
    for edition in Edition.objects.filter(scoring_close_at__lte=now, announce_at__gt=now).order_by("pk"):
        digest = tally_input_digest(edition)
        if not TallyRun.objects.filter(edition=edition, input_digest=digest).exists():
            due.append(edition)
    return due


def tally_closed_editions() -> list[int]:
    """Beat: tally every edition that needs it. Returns the ids of the runs made or found."""
    return [tally_run(edition=edition, trigger=TallyRun.Trigger.SCHEDULE).pk for edition in editions_to_tally()]
