"""Tally runs: the tally of an edition stored once per distinct input.

The input (rubric, method, tie-break rules, quorum, the competing nominations, every submitted score
with its juror's code, and the chain head) is hashed as canonical JSON; (edition, input_digest) is
unique, so a retried, redelivered or concurrent run of the same input finds the row instead of adding
a second one. The same input always gives the same result and result digest.
"""

import hashlib
import json
import time

import psycopg
import psycopg.sql
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from awards.models import Edition
from core.audit import audit_record
from jury.chain import canonical_json, canonical_pieces

from ..models import TallyRun
from ..tally import run_tally, tally_input_digest


def result_digest(result: dict) -> str:
    return hashlib.sha256(canonical_json(result)).hexdigest()


def _copy_text(value) -> bytes:
    """One value in PostgreSQL's COPY text format (a list or dict as JSON, for a JSON column)."""
    if value is None:
        return b"\\N"
    if isinstance(value, bool):
        return b"t" if value else b"f"
    text = json.dumps(value) if isinstance(value, list | dict) else str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r").encode()


def _insert_run_streamed(fields: dict, result: dict) -> int:
    """The new row through COPY on PostgreSQL, the result's canonical JSON written a piece at a time and
    hashed on the way (a statement with the value in it would hold the text, megabytes for a large
    edition, several times over: the tally's peak memory). Returns the row's id; its result_digest is
    set just after, once the text is all written. The caller's transaction holds both."""
    table = TallyRun._meta.db_table
    columns = [*fields, "result"]
    hasher = hashlib.sha256()
    with psycopg.Cursor(connection.connection) as cursor:
        statement = psycopg.sql.SQL("COPY {} ({}) FROM STDIN").format(
            psycopg.sql.Identifier(table), psycopg.sql.SQL(", ").join(map(psycopg.sql.Identifier, columns))
        )
        with cursor.copy(statement) as copy:
            copy.write(b"\t".join(_copy_text(value) for value in fields.values()) + b"\t")
            for piece in canonical_pieces(result):
                hasher.update(piece)
                # Canonical JSON holds no raw tab or line break (JSON escapes them): only backslashes.
                copy.write(piece.replace(b"\\", b"\\\\"))
            copy.write(b"\n")
        cursor.execute(
            psycopg.sql.SQL(
                "UPDATE {} SET result_digest = %s WHERE edition_id = %s AND input_digest = %s RETURNING id"
            ).format(psycopg.sql.Identifier(table)),
            [hasher.hexdigest(), fields["edition_id"], fields["input_digest"]],
        )
        return cursor.fetchone()[0]


def tally_run(*, edition: Edition, trigger: str, requested_by=None) -> TallyRun:
    """The tally of the edition's current input: the stored run if this input was tallied before,
    otherwise a new one. Only after scoring has closed."""
    if timezone.now() < edition.scoring_close_at:
        raise ValidationError(_("The tally can only run after scoring has closed."), code="scoring_open")
    started = time.monotonic()
    # One pass: the input's digest first (a run of the same input found by it ends the work there),
    # then the tally, with the integrity check beside it.
    output = run_tally(
        edition,
        integrity=True,
        stop_if=lambda digest: TallyRun.objects.filter(edition=edition, input_digest=digest).first(),
    )
    if output.existing is not None:
        return output.existing
    problems = output.problems
    digest = output.input_digest
    fields = {
        "edition_id": edition.pk,
        "created_at": timezone.now(),
        "trigger": trigger,
        "requested_by_id": requested_by.pk if requested_by is not None else None,
        "method": edition.tally_method,
        "chain_head": output.chain_head,
        "chain_length": output.chain_length,
        "input_digest": digest,
        "result_digest": "",
        "integrity_ok": not problems,
        "problems": problems,
        "duration_ms": int((time.monotonic() - started) * 1000),
    }
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                pk = _insert_run_streamed(fields, output.result)
                run = TallyRun.objects.defer("result").get(pk=pk)
                run.result = output.result
            else:
                fields["result_digest"] = result_digest(output.result)
                run = TallyRun.objects.create(**fields, result=output.result)
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
    except (IntegrityError, psycopg.errors.UniqueViolation):
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
