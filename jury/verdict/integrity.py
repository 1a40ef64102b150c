"""Do the scores in the database say what the scorecard chain recorded? Reads only.

Two checks, each streamed (memory does not grow with the number of events or scores):

1. The chain itself, in order: numbers 1, 2, 3...; each event's prev_hash is the previous event's hash
   (GENESIS for the first); each hash is the SHA-256 of prev_hash and the payload (jury/chain.py); the
   payload's seq, kind, scorecard and edition match the row.
2. The state: for every scorecard of the edition, the latest event says "submitted" with these scores
   exactly when the database holds it submitted with these scores. Both sides are read ordered by
   scorecard id and merged.

Each problem is a dict with a `code`, the ids it concerns and a `message` in words.
"""

# ruff: noqa: S608 -- the SQL below interpolates only model table names; values are parameters.
import json

from django.utils.translation import gettext as _

from awards.models import Edition
from jury.chain import GENESIS, event_hash
from jury.models import Scorecard, ScoreEvent

from .tally import _fetch_stream, _scores_text_sql, _sorted_scores_text, _tables

MAX_PROBLEMS = 1000


def _load(payload):
    return json.loads(payload) if isinstance(payload, str) else payload


def _scores_text(scores: dict) -> str:
    return ",".join(f"{int(c)}:{int(v)}" for c, v in sorted((int(c), v) for c, v in (scores or {}).items()))


class _Problems(list):
    def __init__(self):
        super().__init__()
        self.more = 0

    def add(self, code: str, message: str, **ids) -> None:
        if len(self) < MAX_PROBLEMS:
            self.append({"code": code, **ids, "message": message})
        else:
            self.more += 1


def chain_problems(edition: Edition, problems: _Problems) -> None:
    expected_prev, expected_seq = GENESIS, 1
    events = (
        ScoreEvent.objects.filter(edition=edition)
        .order_by("seq")
        .values_list("seq", "kind", "scorecard_id", "payload", "prev_hash", "hash")
    )
    for seq, kind, scorecard_id, payload, prev_hash, stored_hash in events.iterator(chunk_size=2000):
        payload = _load(payload)
        if seq != expected_seq:
            problems.add(
                "chain_gap",
                _("Chain event %(seq)s follows event %(prev)s: events are missing or reordered.")
                % {"seq": seq, "prev": expected_seq - 1},
                seq=seq,
            )
        if prev_hash != expected_prev:
            problems.add(
                "chain_link_broken",
                _("Chain event %(seq)s does not point to the hash of the event before it.") % {"seq": seq},
                seq=seq,
            )
        if event_hash(prev_hash, payload) != stored_hash:
            problems.add(
                "chain_hash_mismatch",
                _("Chain event %(seq)s was changed after it was written: its hash does not match.") % {"seq": seq},
                seq=seq,
            )
        if not isinstance(payload, dict) or (
            payload.get("seq"),
            payload.get("kind"),
            payload.get("scorecard"),
            payload.get("edition"),
        ) != (seq, kind, scorecard_id, edition.pk):
            problems.add(
                "chain_event_mismatch",
                _("Chain event %(seq)s says something else than its row (number, kind, scorecard or edition).")
                % {"seq": seq},
                seq=seq,
            )
        expected_prev, expected_seq = stored_hash, seq + 1


def state_problems(edition: Edition, problems: _Problems) -> None:
    t = _tables()
    database = _fetch_stream(
        f"SELECT sc.id, sc.status, {_scores_text_sql()} FROM {t['scorecard']} sc "
        f"JOIN {t['nomination']} nm ON nm.id = sc.nomination_id LEFT JOIN {t['score']} s ON s.scorecard_id = sc.id "
        f"WHERE nm.edition_id = %s GROUP BY sc.id, sc.status ORDER BY sc.id",
        [edition.pk],
    )
    chain = _fetch_stream(
        f"SELECT e.scorecard_id, e.seq, e.kind, e.payload FROM {t['event']} e "
        f"WHERE e.edition_id = %s AND e.seq = (SELECT MAX(l.seq) FROM {t['event']} l "
        f"WHERE l.edition_id = e.edition_id AND l.scorecard_id = e.scorecard_id) ORDER BY e.scorecard_id",
        [edition.pk],
    )
    db_row, chain_row = next(database, None), next(chain, None)
    while db_row is not None or chain_row is not None:
        if chain_row is None or (db_row is not None and db_row[0] < chain_row[0]):
            scorecard_id, status, _scores = db_row
            if status == Scorecard.Status.SUBMITTED:
                problems.add(
                    "submitted_without_event",
                    _("Scorecard %(id)s is submitted in the database but the chain has no submission of it.")
                    % {"id": scorecard_id},
                    scorecard=scorecard_id,
                )
            db_row = next(database, None)
            continue
        if db_row is None or chain_row[0] < db_row[0]:
            problems.add(
                "event_without_scorecard",
                _("The chain records scorecard %(id)s, which is not in the database.") % {"id": chain_row[0]},
                scorecard=chain_row[0],
            )
            chain_row = next(chain, None)
            continue
        scorecard_id, status, scores = db_row
        _id, seq, _kind, payload = chain_row
        payload = _load(payload) or {}
        chain_submitted = payload.get("kind") == ScoreEvent.Kind.SUBMITTED
        if status == Scorecard.Status.SUBMITTED and not chain_submitted:
            problems.add(
                "submitted_without_event",
                _("Scorecard %(id)s is submitted in the database but its latest chain event (%(seq)s) reopened it.")
                % {"id": scorecard_id, "seq": seq},
                scorecard=scorecard_id,
                seq=seq,
            )
        elif status != Scorecard.Status.SUBMITTED and chain_submitted:
            problems.add(
                "submission_missing",
                _("Scorecard %(id)s is a draft in the database but chain event %(seq)s submitted it.")
                % {"id": scorecard_id, "seq": seq},
                scorecard=scorecard_id,
                seq=seq,
            )
        elif status == Scorecard.Status.SUBMITTED:
            in_db = _sorted_scores_text(scores)
            in_chain = _scores_text(payload.get("scores"))
            if in_db != in_chain:
                problems.add(
                    "scores_differ",
                    _(
                        "The scores of scorecard %(id)s in the database (%(db)s) differ from those chain "
                        "event %(seq)s recorded (%(chain)s)."
                    )
                    % {"id": scorecard_id, "db": in_db or "-", "chain": in_chain or "-", "seq": seq},
                    scorecard=scorecard_id,
                    seq=seq,
                    database=in_db,
                    chain=in_chain,
                )
        db_row, chain_row = next(database, None), next(chain, None)


def integrity_problems(edition: Edition) -> list[dict]:
    """Every difference between the database and the edition's chain; empty when they agree."""
    problems = _Problems()
    chain_problems(edition, problems)
    state_problems(edition, problems)
    if problems.more:
        problems.append(
            {
                "code": "more",
                "count": problems.more,
                "message": _("%(count)s more problems are not listed.") % {"count": problems.more},
            }
        )
    return list(problems)
