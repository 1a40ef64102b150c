"""The results bundle of a tally: everything needed to check it without the application.

    format        "fsa-results-bundle/1"
    input         the tally's canonical input as it is now in the database (method, tie-break rules,
                  quorum, rubric, competing nominations, every submitted scorecard as
                  [scorecard id, nomination id, juror code, "criterion:value,..."], chain head/length)
    input_digest  SHA-256 of the canonical JSON of `input`, now
    chain         every event of the edition's scorecard chain: seq, kind, scorecard, payload,
                  prev_hash, hash
    tally         the stored run: input_digest, result_digest, result, chain_head, chain_length,
                  method, integrity_ok, problems, trigger, created_at
    decisions     {ties: [{order, reason, decided_at, tally_input_digest}], winner: {...} | null}:
                  the chair's tie decisions and the organiser's approval with their reasons
Jurors appear only by their code; no names or e-mail addresses. Serialise with `bundle_json`.
The standalone verifier (jury/verdict/verify_bundle.py) checks a bundle with the standard library.
"""

from jury.chain import canonical_json
from jury.models import ScoreEvent

from .models import TallyRun, TieDecision, WinnerApproval
from .tally import tally_input_document

FORMAT = "fsa-results-bundle/1"


def results_bundle(tally_run: TallyRun) -> dict:
    edition = tally_run.edition
    document, digest = tally_input_document(edition)
    chain = [
        {"seq": seq, "kind": kind, "scorecard": scorecard, "payload": payload, "prev_hash": prev, "hash": h}
        for seq, kind, scorecard, payload, prev, h in ScoreEvent.objects.filter(edition=edition)
        .order_by("seq")
        .values_list("seq", "kind", "scorecard_id", "payload", "prev_hash", "hash")
        .iterator(chunk_size=2000)
    ]
    ties = [
        {
            "order": [int(n) for n in decision.order],
            "reason": decision.reason,
            "decided_at": decision.decided_at.isoformat(),
            "tally_input_digest": decision.tally_run.input_digest,
        }
        for decision in TieDecision.objects.filter(edition=edition)
        .select_related("tally_run")
        .order_by("decided_at", "pk")
    ]
    approval = WinnerApproval.objects.filter(edition=edition).select_related("tally_run").first()
    winner = None
    if approval is not None:
        winner = {
            "winner": approval.winner_id,
            "first_place": approval.first_place_id,
            "reason": approval.reason,
            "approved_at": approval.approved_at.isoformat(),
            "tally_input_digest": approval.tally_run.input_digest,
        }
    return {
        "format": FORMAT,
        "input": document,
        "input_digest": digest,
        "chain": chain,
        "tally": {
            "input_digest": tally_run.input_digest,
            "result_digest": tally_run.result_digest,
            "result": tally_run.result,
            "chain_head": tally_run.chain_head,
            "chain_length": tally_run.chain_length,
            "method": tally_run.method,
            "integrity_ok": tally_run.integrity_ok,
            "problems": tally_run.problems,
            "trigger": tally_run.trigger,
            "created_at": tally_run.created_at.isoformat(),
        },
        "decisions": {"ties": ties, "winner": winner},
    }


def bundle_json(bundle: dict) -> bytes:
    return canonical_json(bundle)
