"""Do the scores in the database say what the scorecard chain recorded? Reads only.

Two checks, on one ordered pass over the chain (memory does not grow with the number of events or
scores):

1. The chain itself, in order: numbers 1, 2, 3...; each event's prev_hash is the previous event's hash
   (GENESIS for the first); each hash is the SHA-256 of prev_hash and the payload (jury/chain.py); the
   payload's seq, kind, scorecard and edition match the row.
2. The state: for every scorecard of the edition, the latest event says "submitted" with these scores
   exactly when the database holds it submitted with these scores. The database side (the scores of
   each scorecard as text) is joined to each scorecard's latest event in the same query; scorecards
   with no event at all come from a second query.

Each problem is a dict with a `code`, the ids it concerns and a `message` in words. The chain's problems
come first, in chain order, then the state's, by scorecard; at most MAX_PROBLEMS are listed.

Speed: PostgreSQL hands the payload (jsonb) out as text in its own fixed layout. A payload of the
shape the application writes (jury/services/scoring.py: integers, plain strings, integer scores under
numeric keys) is put in canonical form by reordering that text (`_fast_canonical`), which gives the
same bytes as `canonical_json(json.loads(text))` (PostgreSQL and Python escape strings alike, and an
integer prints the same in both); anything else goes through json.loads and canonical_json.
"""

# ruff: noqa: S608 -- the SQL below interpolates only model and temporary table names; values are parameters.
import hashlib
import heapq
import json
import re
import uuid

from django.db import connection, transaction
from django.utils.translation import gettext as _

from awards.models import Edition
from jury.chain import GENESIS, canonical_json
from jury.models import Scorecard, ScoreEvent

from .tally import STREAM_BATCH, _scores_text_sql, _session_settings, _sorted_scores_text, _tables

MAX_PROBLEMS = 1000
SUBMITTED = ScoreEvent.Kind.SUBMITTED

_STRING = r'"[^"\\]*"'
_INT = r"-?\d+"
_JSONB_PAYLOAD = re.compile(
    rf'\{{"v": ({_INT}), "at": ({_STRING}), "seq": ({_INT}), "kind": "([^"\\]*)", "juror": ({_STRING}), '
    rf'"scores": \{{((?:"\d+": {_INT}(?:, "\d+": {_INT})*)?)\}}, "edition": ({_INT}), "scorecard": ({_INT}), '
    rf'"nomination": ({_INT})\}}'
)


def _load(payload):
    return json.loads(payload) if isinstance(payload, str) else payload


def _scores_text(scores: dict) -> str:
    return ",".join(f"{int(c)}:{int(v)}" for c, v in sorted((int(c), v) for c, v in (scores or {}).items()))


class _Event:
    """What the checks need of one payload: its canonical bytes and the fields compared."""

    __slots__ = ("canonical", "edition", "is_dict", "kind", "payload", "scorecard", "scores_pairs", "seq")

    def scores_text(self) -> str:
        if self.scores_pairs is None:
            return _scores_text(self.payload.get("scores"))
        return self.scores_pairs  # already "criterion:value,..." (fast path)


_SCORES_CACHE: dict[str, tuple[str, str]] = {}  # jsonb scores text -> (canonical JSON body, "c:v,..." text)
_SCORES_CACHE_SIZE = 50_000


def _scores_forms(text: str) -> tuple[str, str] | None:
    forms = _SCORES_CACHE.get(text)
    if forms is not None:
        return forms
    # '"7": 5' sorts as its key does: the closing quote sorts before every digit.
    parts = sorted(text.split(", ")) if text else []
    pairs = [part.split(": ") for part in parts]
    if len({key for key, _value in pairs}) != len(pairs):
        return None
    body = ",".join(f"{key}:{value}" for key, value in pairs)
    state = ",".join(f"{c}:{v}" for c, v in sorted((int(key[1:-1]), int(value)) for key, value in pairs))
    if len(_SCORES_CACHE) < _SCORES_CACHE_SIZE:
        _SCORES_CACHE[text] = (body, state)
    return body, state


def _fast_canonical(text: str) -> _Event | None:
    """The payload as PostgreSQL prints a jsonb of the application's shape, in canonical form; None for
    any other text."""
    match = _JSONB_PAYLOAD.fullmatch(text)
    if match is None:
        return None
    v, at, seq, kind, juror, scores, edition, scorecard, nomination = match.groups()
    forms = _scores_forms(scores)
    if forms is None:
        return None
    event = _Event()
    event.payload, event.is_dict, event.scores_pairs = None, True, forms[1]
    event.canonical = (
        f'{{"at":{at},"edition":{edition},"juror":{juror},"kind":"{kind}","nomination":{nomination},'
        f'"scorecard":{scorecard},"scores":{{{forms[0]}}},"seq":{seq},"v":{v}}}'
    ).encode()
    event.seq, event.kind, event.scorecard, event.edition = int(seq), kind, int(scorecard), int(edition)
    return event


def _slow_canonical(raw) -> _Event:
    payload = _load(raw)
    event = _Event()
    event.canonical = canonical_json(payload)
    event.scores_pairs = None
    event.is_dict = isinstance(payload, dict)
    event.payload = payload if event.is_dict else {}
    get = event.payload.get
    event.seq, event.kind, event.scorecard, event.edition = get("seq"), get("kind"), get("scorecard"), get("edition")
    return event


class _Problems:
    """The chain's problems in chain order, and the smallest MAX_PROBLEMS of the state's by scorecard."""

    def __init__(self):
        self.chain: list[dict] = []
        self.chain_more = 0
        self.state: list[tuple] = []  # a max-heap by scorecard (negated keys)
        self.state_count = 0
        self.counter = 0

    def add(self, code: str, message: str, **ids) -> None:
        if len(self.chain) < MAX_PROBLEMS:
            self.chain.append({"code": code, **ids, "message": message})
        else:
            self.chain_more += 1

    def add_state(self, scorecard: int, code: str, message: str, **ids) -> None:
        self.state_count += 1
        self.counter += 1
        item = (-scorecard, -self.counter, {"code": code, "scorecard": scorecard, **ids, "message": message})
        if len(self.state) < MAX_PROBLEMS:
            heapq.heappush(self.state, item)
        elif item > self.state[0]:
            heapq.heapreplace(self.state, item)

    def listed(self) -> list[dict]:
        state = [p for _s, _c, p in sorted(self.state, reverse=True)]
        room = MAX_PROBLEMS - len(self.chain)
        listed = self.chain + state[: max(room, 0)]
        more = self.chain_more + self.state_count - (len(listed) - len(self.chain))
        if more:
            listed.append(
                {
                    "code": "more",
                    "count": more,
                    "message": _("%(count)s more problems are not listed.") % {"count": more},
                }
            )
        return listed


def _create_cards_table(cursor, edition: Edition, name: str, counted) -> tuple[str, list]:
    """The edition's scorecards as SQL for a table of (id, status, scores "criterion:value,..."). With
    `counted` (the running tally, whose table holds the submitted scorecards on competing nominations),
    only the other scorecards are read from the scores here."""
    t = _tables()
    where, params = "nm.edition_id = %s", [edition.pk]
    if counted is not None:
        from .tally import COMPETING

        marks = ", ".join(["%s"] * len(COMPETING))
        where += f" AND NOT (nm.status IN ({marks}) AND sc.status = %s)"
        params += [*COMPETING, Scorecard.Status.SUBMITTED]
    cursor.execute(
        f"CREATE TEMPORARY TABLE {name} AS SELECT sc.id AS id, sc.status AS status, {_scores_text_sql()} AS scores "
        f"FROM {t['scorecard']} sc JOIN {t['nomination']} nm ON nm.id = sc.nomination_id "
        f"LEFT JOIN {t['score']} s ON s.scorecard_id = sc.id WHERE {where} GROUP BY sc.id, sc.status",
        params,
    )
    if connection.vendor == "postgresql":
        cursor.execute(f"ANALYZE {name}")
    if counted is None:
        return name, []
    return (
        f"(SELECT id, status, scores FROM {name} UNION ALL "
        f"SELECT t.id, %s, {counted.scores_sql('t')} FROM {counted.table} t)",
        [Scorecard.Status.SUBMITTED],
    )


def _check(edition: Edition, cards: str, cards_params: list, problems: _Problems) -> None:
    """One pass over the chain in order; beside it, in the same order, the latest event of each
    scorecard with the scorecard as the database holds it."""
    t = _tables()
    payload_sql = "payload::text" if connection.vendor == "postgresql" else "payload"
    fast = connection.vendor == "postgresql"
    chain = connection.chunked_cursor()
    state = connection.chunked_cursor()
    expected_prev, expected_seq = GENESIS, 1
    sha256 = hashlib.sha256
    edition_id = edition.pk
    try:
        chain.execute(
            f"SELECT seq, kind, scorecard_id, {payload_sql}, prev_hash, hash FROM {t['event']} "
            "WHERE edition_id = %s ORDER BY seq",
            [edition.pk],
        )
        state.execute(
            f"SELECT l.last, c.id IS NOT NULL, c.status, c.scores FROM (SELECT scorecard_id, MAX(seq) AS last "
            f"FROM {t['event']} WHERE edition_id = %s GROUP BY scorecard_id) l "
            f"LEFT JOIN {cards} c ON c.id = l.scorecard_id ORDER BY l.last",
            [edition.pk, *cards_params],
        )
        latest_rows: list = []
        latest_at = 0
        latest = None

        def next_latest():
            nonlocal latest_rows, latest_at
            if latest_at == len(latest_rows):
                latest_rows, latest_at = state.fetchmany(STREAM_BATCH), 0
                if not latest_rows:
                    return None
            latest_at += 1
            return latest_rows[latest_at - 1]

        latest = next_latest()
        match_payload = _JSONB_PAYLOAD.fullmatch
        submitted_row = Scorecard.Status.SUBMITTED
        while rows := chain.fetchmany(STREAM_BATCH):
            for seq, kind, scorecard_id, raw, prev_hash, stored_hash in rows:
                # The usual case, inline: an event of the application's shape, linked and hashed right,
                # whose scorecard (if it is its latest event) is submitted with the same scores.
                match = fast and match_payload(raw)
                forms = match and _scores_forms(match[6])
                if forms:
                    v, at, p_seq, p_kind, juror, _scores, p_edition, p_scorecard, nomination = match.groups()
                    text = (
                        f'{prev_hash}\n{{"at":{at},"edition":{p_edition},"juror":{juror},"kind":"{p_kind}",'
                        f'"nomination":{nomination},"scorecard":{p_scorecard},"scores":{{{forms[0]}}},'
                        f'"seq":{p_seq},"v":{v}}}'
                    )
                    is_latest = latest is not None and latest[0] == seq
                    if (
                        seq == expected_seq
                        and prev_hash == expected_prev
                        and sha256(text.encode()).hexdigest() == stored_hash
                        and int(p_seq) == seq
                        and p_kind == kind
                        and int(p_scorecard) == scorecard_id
                        and int(p_edition) == edition_id
                        and (
                            not is_latest
                            or (
                                latest[1]
                                and latest[2] == submitted_row
                                and p_kind == SUBMITTED
                                and latest[3] == forms[1]
                            )
                        )
                    ):
                        expected_prev, expected_seq = stored_hash, seq + 1
                        if is_latest:
                            latest = next_latest()
                        continue
                event = (fast and _fast_canonical(raw)) or _slow_canonical(raw)
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
                if sha256(prev_hash.encode() + b"\n" + event.canonical).hexdigest() != stored_hash:
                    problems.add(
                        "chain_hash_mismatch",
                        _("Chain event %(seq)s was changed after it was written: its hash does not match.")
                        % {"seq": seq},
                        seq=seq,
                    )
                if not event.is_dict or (event.seq, event.kind, event.scorecard, event.edition) != (
                    seq,
                    kind,
                    scorecard_id,
                    edition_id,
                ):
                    problems.add(
                        "chain_event_mismatch",
                        _("Chain event %(seq)s says something else than its row (number, kind, scorecard or edition).")
                        % {"seq": seq},
                        seq=seq,
                    )
                expected_prev, expected_seq = stored_hash, seq + 1
                if latest is not None and latest[0] == seq:
                    _last, in_db, status, scores = latest
                    _check_state(scorecard_id, seq, event, in_db, status, scores, problems, fast)
                    latest = next_latest()
    finally:
        chain.close()
        state.close()


def _check_state(scorecard_id, seq, event: _Event, in_db, status, scores, problems: _Problems, pg: bool) -> None:
    if not in_db:
        problems.add_state(
            scorecard_id,
            "event_without_scorecard",
            _("The chain records scorecard %(id)s, which is not in the database.") % {"id": scorecard_id},
        )
        return
    chain_submitted = event.kind == SUBMITTED
    if status == Scorecard.Status.SUBMITTED and not chain_submitted:
        problems.add_state(
            scorecard_id,
            "submitted_without_event",
            _("Scorecard %(id)s is submitted in the database but its latest chain event (%(seq)s) reopened it.")
            % {"id": scorecard_id, "seq": seq},
            seq=seq,
        )
    elif status != Scorecard.Status.SUBMITTED and chain_submitted:
        problems.add_state(
            scorecard_id,
            "submission_missing",
            _("Scorecard %(id)s is a draft in the database but chain event %(seq)s submitted it.")
            % {"id": scorecard_id, "seq": seq},
            seq=seq,
        )
    elif status == Scorecard.Status.SUBMITTED:
        in_db_text = (scores or "") if pg else _sorted_scores_text(scores)
        in_chain = event.scores_text()
        if in_db_text != in_chain:
            problems.add_state(
                scorecard_id,
                "scores_differ",
                _(
                    "The scores of scorecard %(id)s in the database (%(db)s) differ from those chain "
                    "event %(seq)s recorded (%(chain)s)."
                )
                % {"id": scorecard_id, "db": in_db_text or "-", "chain": in_chain or "-", "seq": seq},
                seq=seq,
                database=in_db_text,
                chain=in_chain,
            )


def _without_events(edition: Edition, cards: str, cards_params: list, problems: _Problems) -> None:
    t = _tables()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT c.id FROM {cards} c WHERE c.status = %s AND NOT EXISTS (SELECT 1 FROM {t['event']} e "
            f"WHERE e.edition_id = %s AND e.scorecard_id = c.id)",
            [*cards_params, Scorecard.Status.SUBMITTED, edition.pk],
        )
        for (scorecard_id,) in cursor.fetchall():
            problems.add_state(
                scorecard_id,
                "submitted_without_event",
                _("Scorecard %(id)s is submitted in the database but the chain has no submission of it.")
                % {"id": scorecard_id},
            )


def integrity_problems(edition: Edition, counted=None) -> list[dict]:
    """Every difference between the database and the edition's chain; empty when they agree. `counted`:
    the running tally, when it asks (its scorecard table is used instead of reading those scores again)."""
    problems = _Problems()
    name = f"integrity_{uuid.uuid4().hex[:12]}"
    with transaction.atomic(), connection.cursor() as cursor:  # server-side cursors stream inside one
        if counted is None:
            _session_settings(cursor)
        done = False
        try:
            cards, params = _create_cards_table(cursor, edition, name, counted)
            _check(edition, cards, params, problems)
            _without_events(edition, cards, params, problems)
            done = True
        finally:
            if done or connection.vendor != "postgresql":  # after an error, the rollback drops it
                cursor.execute(f"DROP TABLE IF EXISTS {name}")
    return problems.listed()
