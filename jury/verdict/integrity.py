"""Do the scores in the database say what the scorecard chain recorded? Reads only.

Two checks. Each is one query that the database runs over the whole edition and that returns only the
rows that may be wrong; Python then looks at those rows closely and names each problem, so the work
does not grow in Python with the number of events or scores.

1. The chain, in order (a window over the events by number): the numbers follow one another from 1;
   each event's prev_hash is the hash of the event before it (GENESIS for the first); each hash is the
   SHA-256 of prev_hash, a newline and the payload as stored, which is the canonical JSON that was
   hashed (jury.models.CanonicalJSONField); and the payload's seq, kind, scorecard and edition are the
   row's. For the last, the database matches the payload against the canonical layout the application
   writes, filled in with the row's values; an event that does not match it is parsed and compared in
   Python (which is what decides).
2. The state: every scorecard of the edition against its latest event. The latest event says
   "submitted" exactly when the database holds the scorecard submitted, and then its scores are the
   database's: the database writes the scores' canonical `"scores":{...}` fragment from the score rows
   and looks for it in the payload (scores on criteria outside the rubric, or a fragment not found, are
   compared in Python). Also found: an event whose scorecard is not the edition's, a submitted
   scorecard with no event.

Both queries read only the tables, never the tally's temporary ones, so the tally can run this check on
a second connection in the same snapshot while it works (jury.verdict.tally). Each problem is a dict
with a `code`, the ids it concerns and a `message` in words. The chain's problems come first, in chain
order, then the state's, by scorecard; at most MAX_PROBLEMS are listed.
"""

# ruff: noqa: S608 -- the SQL below interpolates only table names and SQL we write; values are parameters.
import contextlib
import hashlib
import heapq
import json
import re
from concurrent.futures import ThreadPoolExecutor

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from awards.models import Criterion, Edition
from jury.chain import GENESIS
from jury.models import Scorecard, ScoreEvent

from .tally import _per_scorecard_plan, _session_settings, _tables

MAX_PROBLEMS = 1000
DETAIL_BATCH = 500
SUBMITTED = ScoreEvent.Kind.SUBMITTED
SNAPSHOT_ID = re.compile(r"[0-9A-F]+-[0-9A-F]+(-[0-9]+)?")


def _sqlite_sha256() -> None:
    """SQLite has no SHA-256: give this connection the one the check's SQL calls there."""
    connection.ensure_connection()
    connection.connection.create_function(
        "fsa_sha256_hex", 1, lambda text: hashlib.sha256(text.encode()).hexdigest(), deterministic=True
    )


def _sql() -> dict[str, str]:
    """The few expressions that differ between PostgreSQL and SQLite."""
    if connection.vendor == "postgresql":
        return {
            "sha256": "encode(sha256(convert_to({}, 'UTF8')), 'hex')",
            "newline": "chr(10)",
            "find": "strpos({text}, {part})",
            "like": "{text} LIKE {pattern}",
            "any": "%%",
        }
    return {
        "sha256": "fsa_sha256_hex({})",
        "newline": "char(10)",
        "find": "instr({text}, {part})",
        "like": "{text} GLOB {pattern}",  # case-sensitive, unlike LIKE
        "any": "*",
    }


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


def _parse(text: str | None) -> dict | None:
    try:
        value = json.loads(text) if text is not None else None
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _scores_text(scores) -> str:
    """Scores as "criterion:value,..." in criterion order (what the messages show)."""
    if not isinstance(scores, dict):
        return ""
    try:
        pairs = sorted((int(c), v) for c, v in scores.items())
    except (TypeError, ValueError):
        return json.dumps(scores, sort_keys=True)
    return ",".join(f"{c}:{v}" for c, v in pairs)


# --------------------------------------------------------------------------------------------------
# 1. The chain


def _chain_sql(sql: dict) -> str:
    t = _tables()
    a = sql["any"]
    # The application's layout (jury/services/scoring.py), keys in canonical order, the row's values in it.
    pattern = (
        f'\'{{"at":"{a}","edition":\' || e.edition_id || \',"juror":"{a}","kind":"\' || e.kind || '
        f'\'","nomination":{a},"scorecard":\' || e.scorecard_id || \',"scores":{{{a}}},"seq":\' || e.seq || '
        "',\"v\":1}'"
    )
    digest = sql["sha256"].format(f"e.prev_hash || {sql['newline']} || e.payload")
    return (
        "SELECT seq, prev_seq, link_ok, hash_ok, shape_ok, kind, scorecard_id, payload FROM ("
        "SELECT e.seq, e.kind, e.scorecard_id, e.payload, LAG(e.seq) OVER w AS prev_seq, "
        "CASE WHEN e.prev_hash = COALESCE(LAG(e.hash) OVER w, %s) THEN 1 ELSE 0 END AS link_ok, "
        f"CASE WHEN {digest} = e.hash THEN 1 ELSE 0 END AS hash_ok, "
        f"CASE WHEN {sql['like'].format(text='e.payload', pattern=pattern)} THEN 1 ELSE 0 END AS shape_ok "
        f"FROM {t['event']} e WHERE e.edition_id = %s WINDOW w AS (ORDER BY e.seq)) c "
        "WHERE seq <> COALESCE(prev_seq, 0) + 1 OR link_ok = 0 OR hash_ok = 0 OR shape_ok = 0 ORDER BY seq"
    )


def _check_chain(edition: Edition, problems: _Problems) -> None:
    # A server-side cursor: however many events are wrong, they come a batch at a time.
    cursor = connection.chunked_cursor()
    try:
        cursor.execute(_chain_sql(_sql()), [GENESIS, edition.pk])
        while rows := cursor.fetchmany(DETAIL_BATCH):
            for row in rows:
                _chain_row(row, edition, problems)
    finally:
        cursor.close()


def _chain_row(row, edition: Edition, problems: _Problems) -> None:
    seq, prev_seq, link_ok, hash_ok, shape_ok, kind, scorecard_id, text = row
    expected = (prev_seq or 0) + 1
    if seq != expected:
        problems.add(
            "chain_gap",
            _("Chain event %(seq)s follows event %(prev)s: events are missing or reordered.")
            % {"seq": seq, "prev": expected - 1},
            seq=seq,
        )
    if not link_ok:
        problems.add(
            "chain_link_broken",
            _("Chain event %(seq)s does not point to the hash of the event before it.") % {"seq": seq},
            seq=seq,
        )
    if not hash_ok:
        problems.add(
            "chain_hash_mismatch",
            _("Chain event %(seq)s was changed after it was written: its hash does not match.") % {"seq": seq},
            seq=seq,
        )
    if not shape_ok:
        payload = _parse(text)
        said = payload and (
            payload.get("seq"),
            payload.get("kind"),
            payload.get("scorecard"),
            payload.get("edition"),
        )
        if said != (seq, kind, scorecard_id, edition.pk):
            problems.add(
                "chain_event_mismatch",
                _("Chain event %(seq)s says something else than its row (number, kind, scorecard or edition).")
                % {"seq": seq},
                seq=seq,
            )


# --------------------------------------------------------------------------------------------------
# 2. The state


def _state_sql(sql: dict, edition_id: int, criteria: list[int]) -> tuple[str, list]:
    t = _tables()
    pivot = "".join(f", MAX(CASE WHEN s.criterion_id = %s THEN s.value END) AS c{i}" for i in range(len(criteria)))
    marks = ", ".join(["%s"] * len(criteria)) or "NULL"
    # The canonical fragment: keys are strings, so they sort as strings ("10" before "7").
    by_key = sorted(range(len(criteria)), key=lambda i: str(criteria[i]))
    fragment = " || ".join(f"COALESCE('\"{criteria[i]}\":' || c.c{i} || ',', '')" for i in by_key) or "''"
    found = sql["find"].format(text="l.payload", part=f"'\"scores\":{{' || rtrim({fragment}, ',') || '}}'")
    query = (
        "WITH latest AS (SELECT e.scorecard_id, e.seq, e.kind, e.payload FROM {event} e WHERE e.edition_id = %s "
        "AND NOT EXISTS (SELECT 1 FROM {event} f WHERE f.scorecard_id = e.scorecard_id AND f.edition_id = %s "
        "AND f.seq > e.seq)), "
        "cards AS (SELECT sc.id, sc.status{pivot}, "
        "SUM(CASE WHEN s.id IS NULL OR s.criterion_id IN ({marks}) THEN 0 ELSE 1 END) AS others "
        "FROM {scorecard} sc JOIN {nomination} nm ON nm.id = sc.nomination_id "
        "LEFT JOIN {score} s ON s.scorecard_id = sc.id WHERE nm.edition_id = %s GROUP BY sc.id, sc.status) "
        "SELECT COALESCE(c.id, l.scorecard_id) FROM cards c FULL JOIN latest l ON l.scorecard_id = c.id "
        "WHERE c.id IS NULL OR (l.seq IS NULL AND c.status = %s) OR (l.seq IS NOT NULL AND ("
        "(CASE WHEN c.status = %s THEN 1 ELSE 0 END) <> (CASE WHEN l.kind = %s THEN 1 ELSE 0 END) "
        "OR (c.status = %s AND (c.others > 0 OR {found} = 0)))) ORDER BY 1"
    ).format(pivot=pivot, marks=marks, found=found, **t)
    submitted = Scorecard.Status.SUBMITTED
    params = [edition_id, edition_id, *criteria, *criteria, edition_id, submitted, submitted, SUBMITTED, submitted]
    return query, params


def _check_state(cursor, edition: Edition, problems: _Problems) -> None:
    criteria = list(Criterion.objects.filter(edition=edition).order_by("id").values_list("id", flat=True))
    cursor.execute(*_state_sql(_sql(), edition.pk, criteria))
    suspects = [row[0] for row in cursor.fetchall()]
    for start in range(0, len(suspects), DETAIL_BATCH):
        _state_details(cursor, edition, suspects[start : start + DETAIL_BATCH], problems)


def _state_details(cursor, edition: Edition, ids: list[int], problems: _Problems) -> None:
    """The suspects, compared in Python: each scorecard's database state and its latest event."""
    t = _tables()
    marks = ", ".join(["%s"] * len(ids))
    cursor.execute(
        f"SELECT sc.id, sc.status, nm.edition_id FROM {t['scorecard']} sc "
        f"JOIN {t['nomination']} nm ON nm.id = sc.nomination_id WHERE sc.id IN ({marks})",
        ids,
    )
    cards = {pk: status for pk, status, edition_id in cursor.fetchall() if edition_id == edition.pk}
    cursor.execute(f"SELECT scorecard_id, criterion_id, value FROM {t['score']} WHERE scorecard_id IN ({marks})", ids)
    scores: dict[int, dict] = {}
    for scorecard_id, criterion_id, value in cursor.fetchall():
        scores.setdefault(scorecard_id, {})[criterion_id] = value
    cursor.execute(
        f"SELECT e.scorecard_id, e.seq, e.kind, e.payload FROM {t['event']} e WHERE e.edition_id = %s AND e.seq IN "
        f"(SELECT MAX(seq) FROM {t['event']} WHERE edition_id = %s AND scorecard_id IN ({marks}) GROUP BY scorecard_id)",
        [edition.pk, edition.pk, *ids],
    )
    latest = {scorecard_id: (seq, kind, text) for scorecard_id, seq, kind, text in cursor.fetchall()}
    for scorecard_id in ids:
        event = latest.get(scorecard_id)
        if scorecard_id not in cards:
            if event is not None:
                problems.add_state(
                    scorecard_id,
                    "event_without_scorecard",
                    _("The chain records scorecard %(id)s, which is not in the database.") % {"id": scorecard_id},
                )
            continue
        status = cards[scorecard_id]
        if event is None:
            if status == Scorecard.Status.SUBMITTED:
                problems.add_state(
                    scorecard_id,
                    "submitted_without_event",
                    _("Scorecard %(id)s is submitted in the database but the chain has no submission of it.")
                    % {"id": scorecard_id},
                )
            continue
        seq, kind, text = event
        chain_submitted = kind == SUBMITTED
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
            in_db = _scores_text(scores.get(scorecard_id, {}))
            in_chain = _scores_text((_parse(text) or {}).get("scores"))
            if in_db != in_chain:
                problems.add_state(
                    scorecard_id,
                    "scores_differ",
                    _(
                        "The scores of scorecard %(id)s in the database (%(db)s) differ from those chain "
                        "event %(seq)s recorded (%(chain)s)."
                    )
                    % {"id": scorecard_id, "db": in_db or "-", "chain": in_chain or "-", "seq": seq},
                    seq=seq,
                    database=in_db,
                    chain=in_chain,
                )


# --------------------------------------------------------------------------------------------------


def integrity_problems(edition: Edition, snapshot: str | None = None) -> list[dict]:
    """Every difference between the database and the edition's chain; empty when they agree. With
    `snapshot` (PostgreSQL: an id from pg_export_snapshot() of a transaction still open), the check
    reads the database as that transaction sees it; the caller runs it on a connection of its own."""
    problems = _Problems()
    if connection.vendor == "sqlite":
        _sqlite_sha256()
    with transaction.atomic(), connection.cursor() as cursor:
        if snapshot is not None:
            if connection.vendor != "postgresql" or not SNAPSHOT_ID.fullmatch(snapshot):
                raise ValueError("not a PostgreSQL snapshot id")
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
        _session_settings(cursor)
        _check_chain(edition, problems)
        _per_scorecard_plan(cursor, True)
        _check_state(cursor, edition, problems)
        _per_scorecard_plan(cursor, False)
    return problems.listed()


class IntegrityCheckBeside:
    """`integrity_problems` in a thread, on a connection of its own, reading the snapshot that the
    caller's transaction exported; the caller keeps that transaction open until `problems()` (or
    `abandon()`) returns."""

    def __init__(self, edition: Edition, snapshot: str):
        self._connection = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="integrity-check")
        # The thread's messages in the caller's language (the active language belongs to each thread).
        self._future = self._executor.submit(self._run, edition, snapshot, translation.get_language())

    def _run(self, edition: Edition, snapshot: str, language: str | None) -> list[dict]:
        self._connection = connections[DEFAULT_DB_ALIAS]  # this thread's own
        try:
            with translation.override(language):
                return integrity_problems(edition, snapshot=snapshot)
        finally:
            self._connection.close()

    def problems(self) -> list[dict]:
        try:
            return self._future.result()
        finally:
            self._executor.shutdown()

    def abandon(self) -> None:
        """Stop the check (its query is cancelled) and wait for the thread; its outcome is dropped."""
        wrapper = self._connection
        raw = wrapper.connection if wrapper is not None else None
        if raw is not None:
            # The connection may be closing already; the wait below ends it either way.
            with contextlib.suppress(Exception):
                raw.cancel_safe()
        with contextlib.suppress(Exception):  # cancelled on purpose: nothing to report
            self._future.result()
        self._executor.shutdown()
