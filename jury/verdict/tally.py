"""The tally of an edition: from its submitted scorecards to a ranking and a report. Reads only.

The work runs in the database. One pass groups the scores per scorecard into a temporary table (one
column per criterion and a count; N per scorecard is computed from those columns); everything else reads
that table. Set-based queries return per-nomination and per-juror rows only: counts, sums and sums of
squares of N, min and max, the distribution buckets and per-criterion sums per nomination; the (juror,
N) counts (which give each juror's moments, their z-scores, computed once per distinct pair, and their
midranks); the (juror, criterion, value) counts and Kendall's per-criterion rank sums. One ordered
stream of (scorecard, nomination, juror, scores, N) rows, a nomination at a time (in batches, never all
at once), writes the input's digest and does what needs each scorecard with its nomination's others:
the median, the sum of z-scores, who scored what (bitmasks), the leniency sums, the leave-one-out
candidates and the overall rank sums. No Score is ever loaded as a model object; memory grows with the
number of nominations and jurors, not with the number of scores. It all runs in one transaction, with
a larger work_mem and no JIT for it on PostgreSQL (`_session_settings`). The integrity check
(jury.verdict.integrity) runs beside it, on PostgreSQL on a second connection in the same snapshot.

Exact arithmetic decides the ranking, so the database tally and the standalone verifier
(jury/verdict/verify_bundle.py, an independent implementation of the same rules) agree bit for bit.

Definitions
-----------
* Nominations in the tally: those of the edition whose status is eligible, finalist or winner.
  Scorecards: the submitted ones on those nominations.
* Scorecard value: the weighted mean of its scores, each mapped onto its criterion's scale as
  (value - scale_min) / (scale_max - scale_min), weights from the rubric. Kept exactly as the integer
  N = sum(coef_c * (value_c - min_c)) over the common denominator D, where coef_c = weight_c*100 * L /
  range_c / g (L = LCM of the scale ranges, g = GCD of the coefficients), so value = N / D in [0, 1].
  A missing score counts as the scale minimum (it cannot happen through the services; the integrity
  check reports it). Shown on 0-100.
* Raw mean of a nomination: the mean of its scorecard values. Median, sample standard deviation
  (null with one scorecard), min and max of the same values. Per-criterion means on the criterion's
  own scale.
* Normalised mean: each juror's scorecard values turned into z-scores across every nomination they
  scored in the tally (population standard deviation): z = (n*x - S) / sqrt(n*Q - S^2) with n, S, Q
  the juror's count, sum and sum of squares. Each z is truncated towards zero to 30 decimal places
  (sign(a) * isqrt(a^2 * 10^60 // T), exact integers), so the sums are exact. A juror with fewer than
  3 scorecards, or with no spread (all values equal), is not normalised: their scorecards count as
  z = 0 (neutral, still counted) and `normalisation.not_normalised` lists them with the reason.
* Quorum: nominations with fewer submitted scorecards than `edition.quorum` are listed in
  `below_quorum` and not ranked.
* Ranking: by the edition's method (`raw` or `normalised`), highest mean first, compared as exact
  fractions. Equal means are settled by the edition's tie-break chain, step by step: `median` (the
  higher median of the raw scorecard values), `top_criterion` (the higher mean on the highest-weighted
  criterion; the first in rubric order if several share the top weight), `chair` (left tied:
  `needs_chair` is true and they share a position). If the chain ends without settling, the tie is
  left to the chair as well: never broken silently. The tie steps always use the raw scores.

Result document (format "fsa-tally/1"); numbers that are not counts are decimal strings with 6 places
(exact values rounded half to even; standard deviations rounded half up), on 0-100 unless said::

    format, edition, method, tie_break, quorum
    criteria: [{id, name_sv, name_en, weight ("1.50"), scale_min, scale_max}]   rubric order
    ranking: [{position, nomination, startup, count,
               raw: {mean, median, stdev|null, min, max},
               normalised: {mean}            mean z-score (not 0-100)
               criteria: {"<criterion id>": mean on its own scale},
               tie: null | {with: [ids still tied with it when needs_chair, otherwise the ids that
                                   had the same mean], settled_by: "median"|"top_criterion"|"chair",
                            needs_chair: bool, tied_on_mean: [ids with the same mean]}}]
    below_quorum: [the same without position and with tie null], highest raw mean first
    other_method: the method not used;  other_method_positions: {"<nomination id>": position}
    normalisation: {not_normalised: [{juror, reason: "fewer_than_3"|"no_spread", scorecards}]}
    agreement: {kendall_w, per_criterion: {"<criterion id>": w|null}, jurors, nominations, note}
        Kendall's W with the correction for ties, over the ranked nominations and the jurors who
        scored every one of them (incomplete assignments: jurors who did not are left out, and the
        note says how many); null when fewer than 2 such jurors or 2 ranked nominations.
    stability: {leave_one_out: [{juror, winner, tied}], first_place_always, first_place}
        The first place (by the edition's method, with quorum re-applied) when each juror is left
        out in turn. Equal means are ordered as in the full ranking and flagged `tied`.
    leniency: [{juror, mean_deviation, scorecards}]: the mean of (their value - the other jurors'
        mean on the same nomination), over their scorecards on nominations with 2 or more.
    what_if: null | {first, second, juror, nomination, direction ("lower"|"raise"), steps,
        changes: [{criterion, from, to}], note}: the fewest criterion score steps in one juror's one
        scorecard that put the raw mean of second place above first place's. Computed for the raw
        method; null under the normalised method (a changed score moves all of that juror's
        z-scores) and when first place is tied.
    distributions: {"<nomination id>": [10 counts]}: scorecard values in buckets of 10 points
        (0-10, ..., 90-100; 100 falls in the last, a value outside 0-100 in the nearest).
    chain: {head, length}
Jurors appear only by their code (JuryMember.code).
"""

# ruff: noqa: S608 -- the SQL below interpolates only our own table names; values are parameters.
from __future__ import annotations

import hashlib
import json
import math
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.db import connection, transaction

from awards.models import Criterion, Edition, TallyMethod, TieBreak
from jury.chain import GENESIS, canonical_json
from jury.models import JuryMember, Score, Scorecard, ScoreEvent
from nominations.models import Nomination

FORMAT = "fsa-tally/1"
INPUT_FORMAT = "fsa-tally-input/1"
COMPETING = (Nomination.Status.ELIGIBLE, Nomination.Status.FINALIST, Nomination.Status.WINNER)
NORMALISE_MIN_SCORECARDS = 3
Z_SCALE_EXP = 60  # z-scores truncated to 10**(Z_SCALE_EXP/2) = 10**30
BUCKETS = 10
STREAM_BATCH = 10000
TALLY_WORK_MEM = "64MB"  # per session, while the tally runs (PostgreSQL)

# A setting read between the phases of the tally, only so that a test can kill the worker half-way.
TEST_PAUSE_SETTING = "VERDICT_TALLY_TEST_PAUSE_SECONDS"


# --------------------------------------------------------------------------------------------------
# Number formatting (exact)


def fixed(value: Fraction, places: int = 6) -> str:
    """An exact fraction as a decimal string, rounded half to even."""
    scaled = round(value * 10**places)  # Fraction.__round__ rounds half to even
    sign = "-" if scaled < 0 else ""
    digits = str(abs(scaled)).rjust(places + 1, "0")
    return f"{sign}{digits[:-places]}.{digits[-places:]}"


def fixed_ratio(numerator: int, denominator: int, places: int = 6) -> str:
    """numerator / denominator (denominator > 0) as `fixed` writes it, with integers only."""
    whole, rest = divmod(numerator * 10**places, denominator)
    twice = 2 * rest
    if twice > denominator or (twice == denominator and whole % 2):
        whole += 1
    sign = "-" if whole < 0 else ""
    digits = str(abs(whole)).rjust(places + 1, "0")
    return f"{sign}{digits[:-places]}.{digits[-places:]}"


def fixed_sqrt_ratio(numerator: int, denominator: int, places: int = 6) -> str:
    """sqrt(numerator / denominator) (>= 0) as a decimal string, rounded half up, exactly (integers only)."""
    scaled = numerator * 10 ** (2 * places)
    floor = math.isqrt(scaled // denominator)
    if (2 * floor + 1) ** 2 * denominator <= 4 * scaled:
        floor += 1
    digits = str(floor).rjust(places + 1, "0")
    return f"{digits[:-places]}.{digits[-places:]}"


def z_truncated(a: int, t: int) -> int:
    """a / sqrt(t) * 10**30 truncated towards zero, exactly."""
    root = math.isqrt(a * a * 10**Z_SCALE_EXP // t)
    return -root if a < 0 else root


# --------------------------------------------------------------------------------------------------
# The rubric


@dataclass(frozen=True)
class Rubric:
    criteria: list[dict]  # id, name_sv, name_en, weight (str), scale_min, scale_max, w100, coef
    denominator: int  # D
    top_criterion: int | None

    @classmethod
    def of(cls, edition: Edition) -> Rubric:
        rows = list(
            Criterion.objects.filter(edition=edition)
            .order_by("position", "id")
            .values("id", "name_sv", "name_en", "weight", "scale_min", "scale_max")
        )
        if not rows:
            return cls(criteria=[], denominator=1, top_criterion=None)
        lcm = math.lcm(*(r["scale_max"] - r["scale_min"] for r in rows))
        for r in rows:
            weight = Decimal(r["weight"]).quantize(Decimal("0.01"))
            r["weight"] = str(weight)
            r["w100"] = int(weight * 100)
            r["coef"] = r["w100"] * lcm // (r["scale_max"] - r["scale_min"])
        g = math.gcd(*(r["coef"] for r in rows)) or 1
        for r in rows:
            r["coef"] //= g
        denominator = sum(r["coef"] * (r["scale_max"] - r["scale_min"]) for r in rows)
        top_weight = max(r["w100"] for r in rows)
        top = next(r["id"] for r in rows if r["w100"] == top_weight)
        return cls(criteria=rows, denominator=denominator, top_criterion=top)

    def public(self) -> list[dict]:
        keys = ("id", "name_sv", "name_en", "weight", "scale_min", "scale_max")
        return [{k: r[k] for k in keys} for r in self.criteria]

    def value_sql(self) -> tuple[str, list[int]]:
        """SQL for one score's contribution to N, with its parameters (integers only)."""
        if not self.criteria:
            return "0", []
        parts, params = [], []
        for r in self.criteria:
            parts.append("WHEN %s THEN %s * (s.value - %s)")
            params += [r["id"], r["coef"], r["scale_min"]]
        return f"CASE s.criterion_id {' '.join(parts)} ELSE 0 END", params


# --------------------------------------------------------------------------------------------------
# SQL helpers


def _tables() -> dict[str, str]:
    return {
        "score": Score._meta.db_table,
        "scorecard": Scorecard._meta.db_table,
        "nomination": Nomination._meta.db_table,
        "event": ScoreEvent._meta.db_table,
    }


def _scores_text_sql() -> str:
    if connection.vendor == "postgresql":
        return "string_agg(s.criterion_id::text || ':' || s.value::text, ',' ORDER BY s.criterion_id)"
    return "group_concat(s.criterion_id || ':' || s.value, ',')"


def _sorted_scores_text(text: str | None) -> str:
    """The scores of a scorecard as "criterion:value,..." in criterion order (SQLite's group_concat
    has no ORDER BY)."""
    if not text:
        return ""
    if connection.vendor == "postgresql":
        return text
    pairs = sorted((int(c), int(v)) for c, v in (p.split(":") for p in text.split(",")))
    return ",".join(f"{c}:{v}" for c, v in pairs)


def _square_sum_sql(column: str, bound: int) -> str:
    """SQL for the exact sum of squares of an integer column whose values are at most `bound` in size,
    as 3 comma-separated aggregates that `_square_sum` puts together (SQLite's integers are 64-bit: the
    column is split at 2**20). PostgreSQL sums 64-bit integers exactly; a square that might not fit in
    one is taken as NUMERIC."""
    if connection.vendor == "postgresql":
        if bound * bound < 2**62:
            return f"SUM({column} * {column}), 0, 0"
        return f"SUM(CAST({column} AS NUMERIC) * {column}), 0, 0"
    hi, lo = f"({column} >> 20)", f"({column} & 1048575)"
    return f"SUM({hi} * {hi}), SUM({hi} * {lo}), SUM({lo} * {lo})"


def _square_sum(a, b, c) -> int:
    if connection.vendor == "postgresql":
        return int(a)
    return (int(a or 0) << 40) + (int(b or 0) << 21) + int(c or 0)


def _pause_for_tests(phase: str) -> None:
    """Only for the fault tests: sleep between the phases when the setting (or the environment variable
    of that name, for a worker process the test starts) asks for it, and say where we are."""
    import os

    from django.conf import settings

    seconds = float(getattr(settings, TEST_PAUSE_SETTING, 0) or os.environ.get(TEST_PAUSE_SETTING) or 0)
    if seconds:
        import logging
        import time

        logging.getLogger(__name__).warning("tally paused at %s in pid %s", phase, os.getpid())
        time.sleep(seconds)


def chain_head(edition: Edition) -> tuple[str, int]:
    last = ScoreEvent.objects.filter(edition=edition).order_by("-seq").values_list("hash", flat=True).first()
    return (last or GENESIS), ScoreEvent.objects.filter(edition=edition).count()


def juror_codes(edition: Edition) -> dict[int, str]:
    codes = dict(JuryMember.objects.filter(edition=edition).exclude(code="").values_list("user_id", "code"))
    return codes


def code_for(codes: dict[int, str], user_id: int) -> str:
    # Every submitted scorecard's juror is seated and has a code (unseating is refused once they have
    # submitted); the fallback only keeps a damaged database from stopping the tally.
    return codes.get(user_id) or f"U-{user_id}"


# --------------------------------------------------------------------------------------------------
# The canonical input, streamed into its digest


class _InputWriter:
    """Writes the canonical JSON of the tally input piece by piece into a SHA-256, so the digest is the
    same as `hashlib.sha256(canonical_json(input))` without holding every score. The scorecards are
    [scorecard id, nomination id, juror code, "criterion:value,..."] ordered by nomination then id."""

    MARK = "\u0000scorecards\u0000"

    def __init__(self, head: dict, keep: bool = False):
        document = canonical_json({**head, "scorecards": self.MARK}).decode()
        marker = json.dumps(self.MARK)
        self.prefix, self.suffix = document.split(marker)
        self.hasher = hashlib.sha256(self.prefix.encode() + b"[")
        self.first = True
        self.kept: list | None = [] if keep else None

    def add_rows(self, rows, codes_json: dict[int, str], codes: dict[int, str]) -> None:
        """A batch of (scorecard, nomination, juror id, "criterion:value,...", ...) rows, in order (columns
        after the fourth are not read). The scores text holds digits, signs, colons and commas only, so
        its JSON is itself between quotes."""
        pieces = []
        for sc_id, nom, juror_id, scores, *_rest in rows:
            code = codes_json.get(juror_id)
            if code is None:
                code = codes_json[juror_id] = json.dumps(code_for(codes, juror_id), ensure_ascii=False)
            pieces.append(f'[{sc_id},{nom},{code},"{scores or ""}"]')
        if not pieces:
            return
        joined = ",".join(pieces)
        self.hasher.update((joined if self.first else "," + joined).encode())
        self.first = False
        if self.kept is not None:
            self.kept.extend([sc_id, nom, code_for(codes, j), scores or ""] for sc_id, nom, j, scores, *_ in rows)

    def digest(self) -> str:
        self.hasher.update(b"]" + self.suffix.encode())
        return self.hasher.hexdigest()


def input_head(edition: Edition, rubric: Rubric, head: str, length: int) -> dict:
    nominations = list(
        Nomination.objects.filter(edition=edition, status__in=COMPETING)
        .order_by("id")
        .values_list("id", "startup_name")
    )
    return {
        "format": INPUT_FORMAT,
        "edition": edition.pk,
        "method": edition.tally_method,
        "tie_break": edition.tie_break,
        "quorum": edition.quorum,
        "criteria": [
            {k: r[k] for k in ("id", "weight", "scale_min", "scale_max")} for r in rubric.public()
        ],  # names are presentation only
        "nominations": [[pk, name] for pk, name in nominations],
        "chain_head": head,
        "chain_length": length,
    }


# --------------------------------------------------------------------------------------------------
# Ranking with the tie chain


KEY_SCALE = 10**40  # exact sort keys for fractions whose denominators are below 10**20


def _exact_keys(values: dict[int, Fraction]) -> dict:
    """Integer sort keys in the fractions' exact order: floor(f * 10**40) is exact for denominators
    below 10**20 (two such fractions that differ do so by more than 10**-40), and integers compare
    much faster than fractions. The fractions themselves otherwise."""
    if any(f.denominator >= 10**20 for f in values.values()):
        return values
    return {n: f.numerator * KEY_SCALE // f.denominator for n, f in values.items()}


def rank(
    entries: dict[int, dict], primary: dict[int, Fraction], steps: list[str], ties: bool = True
) -> list[tuple[int, int, dict | None]]:
    """[(nomination, position, tie)] best first. `entries[n]` carries "_median" and "_top" (Fractions).
    With `ties` false, every tie is None (only the positions are wanted)."""
    keys = {"median": "_median", "top_criterion": "_top"}
    value = _exact_keys(primary)
    order = sorted(entries, key=lambda n: (-value[n], n))
    out: list[tuple[int, int, dict | None]] = []
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and value[order[j + 1]] == value[order[i]]:
            j += 1
        group = order[i : j + 1]
        if len(group) == 1:
            out.append((group[0], len(out) + 1, None))
        else:
            tied_on_mean = sorted(group)
            for settled, members, by in _settle(group, steps, entries, keys):
                position = len(out) + 1
                for offset, n in enumerate(members):
                    tie = None
                    if ties:
                        tie = {
                            "tied_on_mean": [m for m in tied_on_mean if m != n],
                            "with": [m for m in (members if not settled else tied_on_mean) if m != n],
                            "settled_by": by,
                            "needs_chair": not settled,
                        }
                    out.append((n, position if not settled else position + offset, tie))
        i = j + 1
    return out


def _settle(group: list[int], steps: list[str], entries, keys) -> list[tuple[bool, list[int], str]]:
    """Split a tied group by the chain: [(settled, members best first, step)]."""
    if not steps or steps[0] == "chair" or steps[0] not in keys:
        return [(False, sorted(group), "chair")]
    key = keys[steps[0]]
    ordered = sorted(group, key=lambda n: (-entries[n][key], n))
    out = []
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and entries[ordered[j + 1]][key] == entries[ordered[i]][key]:
            j += 1
        sub = ordered[i : j + 1]
        if len(sub) == 1:
            out.append((True, sub, steps[0]))
        else:
            out.extend(_settle(sub, steps[1:], entries, keys))
        i = j + 1
    return out


# --------------------------------------------------------------------------------------------------
# The tally


@dataclass
class TallyOutput:
    result: dict
    input_digest: str
    chain_head: str
    chain_length: int
    input_document: dict | None = None  # only when asked for (the bundle)
    problems: list[dict] | None = None  # the integrity check, when asked for
    existing: object = None  # what `stop_if` returned for this input's digest, if anything
    integrity_beside: bool = False  # the integrity check ran on a second connection, beside the tally


@dataclass(slots=True)
class _Nom:
    startup: str
    count: int = 0
    total: int = 0  # sum of N
    squares: int = 0
    low: int = 0
    high: int = 0
    median2: int = 0  # twice the median, in N
    z: int = 0  # sum of truncated z-scores (x 10**30)
    jurors: int = 0  # bitmask of juror indexes
    buckets: list[int] = field(default_factory=lambda: [0] * BUCKETS)
    criteria: dict[int, tuple[int, int]] = field(default_factory=dict)  # id -> (sum, count)


def compute_tally(edition: Edition) -> dict:
    """The result document of the edition's tally (see the module docstring)."""
    return run_tally(edition).result


def run_tally(edition: Edition, *, keep_input: bool = False, integrity: bool = False, stop_if=None) -> TallyOutput:
    """The tally. With `integrity`, the chain check too (jury.verdict.integrity). `stop_if` is
    called with the input digest as soon as it is known; if it returns something, the tally stops there
    and the output carries it as `existing` (the stored run of the same input)."""
    return _Tally(edition, keep_input=keep_input).run(integrity=integrity, stop_if=stop_if)


def tally_input_document(edition: Edition) -> tuple[dict, str]:
    """The canonical input of the edition's tally and its SHA-256 (for the results bundle)."""
    output = _Tally(edition, keep_input=True).run(digest_only=True)
    return output.input_document, output.input_digest


def tally_input_digest(edition: Edition) -> str:
    """The SHA-256 of the tally's canonical input, without computing the tally."""
    return _Tally(edition).run(digest_only=True).input_digest


def _insert_rows(cursor, table: str, rows: list[tuple], width: int) -> None:
    """Many rows into a temporary table, several hundred to a statement."""
    marks = "(" + ", ".join(["%s"] * width) + ")"
    for start in range(0, len(rows), 500):
        chunk = rows[start : start + 500]
        cursor.execute(
            f"INSERT INTO {table} VALUES {', '.join([marks] * len(chunk))}", [v for row in chunk for v in row]
        )


class _Tally:
    def __init__(self, edition: Edition, keep_input: bool = False):
        self.edition = edition
        self.keep_input = keep_input
        self.rubric = Rubric.of(edition)
        self.table = f"tally_sc_{uuid.uuid4().hex[:12]}"
        self.temporary = [self.table]
        self.t = _tables()

    # -- the scorecard table: one row per counted scorecard, with N, the scores as text and one column
    #    per criterion (c0, c1, ... in rubric order); the only pass over the scores.

    def _criterion_columns(self) -> list[str]:
        return [f"c{i}" for i in range(len(self.rubric.criteria))]

    def _create_scorecard_table(self, cursor) -> None:
        t = self.t
        status_marks = ", ".join(["%s"] * len(COMPETING))
        criteria = self.rubric.criteria
        ids = [r["id"] for r in criteria]
        # The pass groups the scores per scorecard into one column per criterion and a count; N and the
        # count of scores outside the rubric come from those columns afterwards, per scorecard rather
        # than per score. A missing score counts as the scale minimum; a score outside the rubric adds
        # nothing to N. (A scorecard has at most one score per criterion: a unique constraint.)
        pivot = "".join(f", MAX(CASE WHEN s.criterion_id = %s THEN s.value END) AS c{i}" for i in range(len(ids)))
        terms = [
            f"{int(r['coef'])} * (COALESCE(a.c{i}, {int(r['scale_min'])}) - {int(r['scale_min'])})"
            for i, r in enumerate(criteria)
        ]
        n_sql = f"CAST({' + '.join(terms) or '0'} AS BIGINT)"
        present = " + ".join(f"CASE WHEN a.c{i} IS NULL THEN 0 ELSE 1 END" for i in range(len(ids))) or "0"
        columns = "".join(f", a.c{i}" for i in range(len(ids)))
        # PostgreSQL: the scores' text is put together from the criterion columns when read (`scores_sql`),
        # which spares an ordered string_agg per scorecard; `others` counts scores on criteria outside the
        # rubric (only a change made in the database can put them there), read from the scores then.
        text_sql, text_column = (
            ("", "") if connection.vendor == "postgresql" else (f", {_scores_text_sql()} AS scores", ", a.scores")
        )
        _per_scorecard_plan(cursor, True)
        cursor.execute(
            f"CREATE TEMPORARY TABLE {self.table} AS "
            f"SELECT a.id, a.nomination, a.juror_id, {n_sql} AS n, a.cnt - ({present}) AS others{columns}{text_column} "
            f"FROM (SELECT sc.id AS id, sc.nomination_id AS nomination, sc.juror_id AS juror_id{pivot}, "
            f"COUNT(s.id) AS cnt{text_sql} "
            f"FROM {t['scorecard']} sc JOIN {t['nomination']} nm ON nm.id = sc.nomination_id "
            f"LEFT JOIN {t['score']} s ON s.scorecard_id = sc.id "
            f"WHERE nm.edition_id = %s AND nm.status IN ({status_marks}) AND sc.status = %s "
            f"GROUP BY sc.id, sc.nomination_id, sc.juror_id) a",
            [*ids, self.edition.pk, *COMPETING, Scorecard.Status.SUBMITTED],
        )
        _per_scorecard_plan(cursor, False)
        if connection.vendor == "postgresql":
            # Temporary tables get no statistics otherwise (and the planner then nests loops over them).
            cursor.execute(f"ANALYZE {self.table} (id, nomination, juror_id, n)")

    def _n_bound(self) -> int:
        """A bound on |N| for any scorecard, including scores outside their scale (a change made in the
        database can put them there; the values are 16-bit)."""
        return sum(int(r["coef"]) * (2**15 + abs(int(r["scale_min"]))) for r in self.rubric.criteria) or 1

    def scores_sql(self, alias: str) -> str:
        """SQL for the "criterion:value,..." text of a row of the scorecard table (criterion id order)."""
        if connection.vendor != "postgresql":
            return f"{alias}.scores"
        by_id = sorted((r["id"], i) for i, r in enumerate(self.rubric.criteria))
        pieces = ", ".join(f"'{cid}:' || {alias}.c{i}" for cid, i in by_id)
        from_columns = f"concat_ws(',', {pieces})" if pieces else "''"
        return (
            f"CASE WHEN {alias}.others = 0 THEN {from_columns} ELSE (SELECT {_scores_text_sql()} FROM "
            f"{self.t['score']} s WHERE s.scorecard_id = {alias}.id) END"
        )

    def run(self, digest_only: bool = False, integrity: bool = False, stop_if=None) -> TallyOutput:
        # On PostgreSQL, when this is the outermost transaction, the integrity check runs beside the tally
        # on a connection of its own that reads the same snapshot (the two use both cores); otherwise it
        # runs after the tally, in this transaction.
        beside = integrity and not digest_only and connection.vendor == "postgresql" and not connection.in_atomic_block
        # One transaction: the server-side cursors then stream (outside one, PostgreSQL would hold
        # their whole result), work_mem applies to it alone, and a failure drops the temporary tables.
        with transaction.atomic(), connection.cursor() as cursor:
            check = None
            if beside:
                from .integrity import IntegrityCheckBeside

                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                cursor.execute("SELECT pg_export_snapshot()")
                check = IntegrityCheckBeside(self.edition, cursor.fetchone()[0])
            _session_settings(cursor)
            done = False
            try:
                head, length = chain_head(self.edition)
                codes = juror_codes(self.edition)
                head_doc = input_head(self.edition, self.rubric, head, length)
                startups = dict(head_doc["nominations"])
                writer = _InputWriter(head_doc, keep=self.keep_input)
                self._create_scorecard_table(cursor)
                _pause_for_tests("scorecards")
                if digest_only:
                    self._write_input(writer, codes)
                    digest = writer.digest()
                    document = {**head_doc, "scorecards": writer.kept} if self.keep_input else None
                    done = True
                    return TallyOutput({}, digest, head, length, document)
                result = self._compute(cursor, codes, startups, writer, stop_if)
                digest = self._digest
                document = {**head_doc, "scorecards": writer.kept} if self.keep_input else None
                if result is None:
                    done = True
                    return TallyOutput({}, digest, head, length, document, existing=self._existing)
                problems = None
                if check is not None:
                    problems, check = check.problems(), None
                elif integrity:
                    from .integrity import integrity_problems

                    problems = integrity_problems(self.edition)
                done = True
            finally:
                if check is not None:  # the tally stopped early or failed: the check is not wanted
                    check.abandon()
                if done or connection.vendor != "postgresql":  # after an error, the rollback drops them
                    for table in self.temporary:
                        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        result["chain"] = {"head": head, "length": length}
        return TallyOutput(result, digest, head, length, document, problems=problems, integrity_beside=beside)

    def _scorecard_batches(self, extra: str = ""):
        """The scorecard table's rows as (scorecard, nomination, juror id, "criterion:value,..."), then the
        `extra` columns, in the input's order (nomination, then scorecard), a batch at a time through a
        server-side cursor; on SQLite the scores text is put in criterion order here."""
        pg = connection.vendor == "postgresql"
        cursor = connection.chunked_cursor()
        try:
            cursor.execute(
                f"SELECT t.id, t.nomination, t.juror_id, {self.scores_sql('t')}{extra} FROM {self.table} t "
                "ORDER BY t.nomination, t.id"
            )
            while rows := cursor.fetchmany(STREAM_BATCH):
                yield rows if pg else [(a, b, c, _sorted_scores_text(d), *rest) for a, b, c, d, *rest in rows]
        finally:
            cursor.close()

    def _write_input(self, writer: _InputWriter, codes: dict[int, str]) -> None:
        codes_json: dict[int, str] = {}
        for rows in self._scorecard_batches():
            writer.add_rows(rows, codes_json, codes)

    # -- the report

    def _compute(self, cursor, codes: dict[int, str], startups: dict[int, str], writer: _InputWriter, stop_if):
        """The report. The one pass over the scorecards also writes the input's digest; when `stop_if`
        finds a stored run of that input, None (the run is in self._existing)."""
        edition = self.edition
        rubric = self.rubric
        d = rubric.denominator
        quorum = edition.quorum
        method = edition.tally_method
        table = self.table
        columns = self._criterion_columns()

        # Per juror and distinct N, the count: each juror's count, sum and sum of squares of N (for the
        # normalisation), their z-scores and their midranks all come from these rows.
        cursor.execute(f"SELECT juror_id, n, COUNT(*) FROM {table} GROUP BY juror_id, n")
        juror_values = [(j, int(n), int(count)) for j, n, count in cursor.fetchall()]
        moments: dict[int, list[int]] = {}
        for j, n, count in juror_values:
            acc = moments.setdefault(j, [0, 0, 0])
            acc[0] += count
            acc[1] += n * count
            acc[2] += n * n * count
        jurors: dict[int, dict] = {
            j: {"code": code_for(codes, j), "n": k, "s": total, "t": k * q - total * total}
            for j, (k, total, q) in moments.items()
        }
        order = sorted(jurors, key=lambda j: jurors[j]["code"])
        index = {j: i for i, j in enumerate(order)}
        for j, i in index.items():
            jurors[j]["index"] = i
        not_normalised = []
        for j in order:
            info = jurors[j]
            if info["n"] < NORMALISE_MIN_SCORECARDS:
                info["t"] = 0
                not_normalised.append({"juror": info["code"], "reason": "fewer_than_3", "scorecards": info["n"]})
            elif info["t"] == 0:
                not_normalised.append({"juror": info["code"], "reason": "no_spread", "scorecards": info["n"]})

        # Per nomination: count, sum, squares, min, max of N; the distribution in buckets of 10 points,
        # floor(10 * N / D), those outside 0-100 in the nearest; the sum and count of each criterion.
        # (The medians come from the ordered pass below.)
        criteria_sql = "".join(f", SUM({c}), COUNT({c})" for c in columns)
        last = BUCKETS - 1
        bucket = (
            f"(CASE WHEN n >= 0 THEN (n * {BUCKETS}) / {int(d)} ELSE -(({int(d)} - 1 - n * {BUCKETS}) / {int(d)}) END)"
        )
        buckets_sql = "".join(
            f", SUM(CASE WHEN {bucket} {'<=' if i == 0 else '>=' if i == last else '='} {i} THEN 1 ELSE 0 END)"
            for i in range(BUCKETS)
        )
        cursor.execute(
            f"SELECT nomination, COUNT(*), SUM(n), {_square_sum_sql('n', self._n_bound())}, MIN(n), MAX(n)"
            f"{buckets_sql}{criteria_sql} FROM {table} GROUP BY nomination"
        )
        noms: dict[int, _Nom] = {}
        for nom, k, total, qa, qb, qc, low, high, *rest in cursor.fetchall():
            entry = noms[nom] = _Nom(startups.get(nom, ""), int(k), int(total), _square_sum(qa, qb, qc))
            entry.low, entry.high = int(low), int(high)
            entry.buckets = [int(count) for count in rest[:BUCKETS]]
            per_criterion = rest[BUCKETS:]
            for i, r in enumerate(rubric.criteria):
                if per_criterion[2 * i + 1]:
                    entry.criteria[r["id"]] = (int(per_criterion[2 * i]), int(per_criterion[2 * i + 1]))
        _pause_for_tests("criteria")

        # z-scores: one per distinct (juror, N); summed per nomination in the pass below.
        zmap: dict[tuple[int, int], int] = {}
        for j, n, _count in juror_values:
            info = jurors[j]
            if info["t"] and (z := z_truncated(info["n"] * n - info["s"], info["t"])):
                zmap[(j, n)] = z

        # Kendall's W over all jurors and nominations, when every nomination is ranked and every juror
        # scored each one (then the ranks are the midranks of each juror's values, known from the
        # counts above, and their sums come out of the pass below); otherwise in SQL (_agreement).
        midranks: dict[tuple[int, int], int] | None = None
        if all(e.count >= quorum for e in noms.values()) and all(info["n"] == len(noms) for info in jurors.values()):
            midranks, below = {}, {}
            for j, n, count in sorted(juror_values, key=lambda r: (r[0], r[1])):
                done_below = below.get(j, 0)
                midranks[(j, n)] = 2 * done_below + count + 1
                below[j] = done_below + count
            self._kendall_ties = sum(count**3 - count for _j, _n, count in juror_values)
        rank_sums: dict[int, int] = {}

        # One pass over the scorecards, a nomination at a time: the input's digest, the nomination's sum
        # of z-scores, who scored what (bitmasks), the rank sums, each juror's leniency (per nomination
        # size k, the sum of k * N - the nomination's sum) and each juror's best nomination among those
        # they scored with their own scorecard left out.
        scored_left_out: dict[int, tuple] = {}  # juror -> best (num, den, nomination)
        lenient: dict[int, dict[int, int]] = {j: {} for j in jurors}  # juror -> {k-1: sum(k*N - S)}
        lenient_counts: dict[int, int] = dict.fromkeys(jurors, 0)
        raw = method == TallyMethod.RAW
        bits = {j: 1 << i for j, i in index.items()}

        def nomination_done(group: list) -> None:
            nom_id = group[0][1]
            entry = noms[nom_id]
            if zmap:
                entry.z = sum(zmap.get((j, n), 0) for _id, _nom, j, _scores, n in group)
            k, total, z_total = entry.count, entry.total, entry.z
            values = sorted(row[4] for row in group)
            entry.median2 = 2 * values[k // 2] if k % 2 else values[k // 2 - 1] + values[k // 2]
            counted = k - 1 >= quorum and k > 1
            mask, ranks = 0, 0
            for _id, _nom, j, _scores, n in group:
                mask |= bits[j]
                if midranks is not None:
                    ranks += midranks[(j, n)]
                if k > 1:
                    by_size = lenient[j]
                    by_size[k - 1] = by_size.get(k - 1, 0) + k * n - total
                    lenient_counts[j] += 1
                if counted:
                    num = (total - n) if raw else (z_total - zmap.get((j, n), 0))
                    best = scored_left_out.get(j)
                    if (
                        best is None
                        or num * best[1] > best[0] * (k - 1)
                        or (num * best[1] == best[0] * (k - 1) and nom_id < best[2])
                    ):
                        scored_left_out[j] = (num, k - 1, nom_id)
            entry.jurors = mask
            if midranks is not None:
                rank_sums[nom_id] = ranks

        codes_json: dict[int, str] = {}
        group: list = []
        for rows in self._scorecard_batches(", t.n"):
            writer.add_rows(rows, codes_json, codes)
            for row in rows:
                if group and row[1] != group[0][1]:
                    nomination_done(group)
                    group = []
                group.append(row)
        if group:
            nomination_done(group)
        self._digest = writer.digest()
        if stop_if is not None and (found := stop_if(self._digest)) is not None:
            self._existing = found
            return None
        self._rank_sums = list(rank_sums.values()) if midranks is not None else None
        _pause_for_tests("stream")

        # Entries and the ranking.
        entries: dict[int, dict] = {}
        raw_primary: dict[int, Fraction] = {}
        norm_primary: dict[int, Fraction] = {}
        top = rubric.top_criterion
        z_unit = 10 ** (Z_SCALE_EXP // 2)
        for nom_id, e in noms.items():
            if e.count == 0:
                continue
            k = e.count
            top_sum, top_count = e.criteria.get(top, (0, 0)) if top else (0, 0)
            stdev = None
            if k > 1:
                stdev = fixed_sqrt_ratio((k * e.squares - e.total * e.total) * 10000, k * (k - 1) * d * d)
            entries[nom_id] = {
                "nomination": nom_id,
                "startup": e.startup,
                "count": k,
                "raw": {
                    "mean": fixed_ratio(100 * e.total, k * d),
                    "median": fixed_ratio(100 * e.median2, 2 * d),
                    "stdev": stdev,
                    "min": fixed_ratio(100 * e.low, d),
                    "max": fixed_ratio(100 * e.high, d),
                },
                "normalised": {"mean": fixed_ratio(e.z, k * z_unit)},
                "criteria": {str(cid): fixed_ratio(s, c) for cid, (s, c) in sorted(e.criteria.items()) if c},
                "tie": None,
                "_median": Fraction(e.median2, 2),
                "_top": Fraction(top_sum, top_count) if top_count else Fraction(-1),
            }
            raw_primary[nom_id] = Fraction(e.total, k)
            norm_primary[nom_id] = Fraction(e.z, k)

        ranked_ids = {n for n, e in entries.items() if e["count"] >= quorum}
        steps = TieBreak.steps(edition.tie_break)
        primaries = {TallyMethod.RAW: raw_primary, TallyMethod.NORMALISED: norm_primary}
        other = TallyMethod.NORMALISED if method == TallyMethod.RAW else TallyMethod.RAW
        ranked_entries = {n: entries[n] for n in ranked_ids}
        main = rank(ranked_entries, {n: primaries[method][n] for n in ranked_ids}, steps)
        beside = rank(ranked_entries, {n: primaries[other][n] for n in ranked_ids}, steps, ties=False)
        ranking = []
        for nom_id, position, tie in main:
            entry = {k: v for k, v in entries[nom_id].items() if not k.startswith("_")}
            entry["position"] = position
            entry["tie"] = tie
            ranking.append(entry)
        below = sorted((n for n in entries if n not in ranked_ids), key=lambda n: (-raw_primary[n], n))
        below_quorum = [{k: v for k, v in entries[n].items() if not k.startswith("_")} for n in below]

        result = {
            "format": FORMAT,
            "edition": edition.pk,
            "method": method,
            "tie_break": edition.tie_break,
            "quorum": quorum,
            "criteria": rubric.public(),
            "ranking": ranking,
            "below_quorum": below_quorum,
            "other_method": other,
            "other_method_positions": {str(n): position for n, position, _tie in beside},
            "normalisation": {"not_normalised": not_normalised},
            "distributions": {str(n): noms[n].buckets for n in sorted(entries)},
        }
        _pause_for_tests("ranking")
        result["agreement"] = self._agreement(cursor, ranked_ids, jurors, noms)
        result["leniency"] = self._leniency(jurors, order, lenient, lenient_counts)
        result["stability"] = self._stability(
            main, primaries[method], entries, ranked_ids, jurors, order, index, noms, scored_left_out
        )
        result["what_if"] = self._what_if(cursor, main, jurors) if method == TallyMethod.RAW else None
        return result

    # -- agreement

    def _agreement(self, cursor, ranked_ids: set[int], jurors: dict[int, dict], noms: dict) -> dict:
        n = len(ranked_ids)
        out = {"kendall_w": None, "per_criterion": {str(r["id"]): None for r in self.rubric.criteria}}
        columns = self._criterion_columns()
        # The jurors who scored every ranked nomination.
        common = -1
        for nom_id in ranked_ids:
            common &= noms[nom_id].jurors
        complete = [j for j, info in jurors.items() if common >> info["index"] & 1]
        m = len(complete)
        left_out = len(jurors) - m
        out["jurors"], out["nominations"] = m, n
        if m < 2 or n < 2:
            out["note"] = "too_few"  # fewer than 2 complete jurors or ranked nominations
            return out
        out["note"] = "complete_jurors_only" if left_out else "all_jurors"
        out["jurors_left_out"] = left_out

        # v: the scorecards of the complete jurors on the ranked nominations (the whole table when
        # every juror is complete and every nomination ranked).
        v = self.table
        if m != len(jurors) or n != len(noms):
            v = f"{self.table}_v"
            self.temporary.append(v)
            cursor.execute(
                f"CREATE TEMPORARY TABLE {v} AS SELECT * FROM {self.table} WHERE 1 = 0",
            )
            ids = sorted(ranked_ids)
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                juror_marks = ", ".join(["%s"] * m)
                cursor.execute(
                    f"INSERT INTO {v} SELECT * FROM {self.table} WHERE nomination IN ({', '.join(['%s'] * len(chunk))}) "
                    f"AND juror_id IN ({juror_marks})",
                    [*chunk, *complete],
                )
            if connection.vendor == "postgresql":
                cursor.execute(f"ANALYZE {v} (nomination, juror_id, n)")

        # Overall: ranks of N per juror (average ranks for ties, doubled to stay integers).
        if self._rank_sums is not None and v == self.table:
            out["kendall_w"] = _kendall(self._rank_sums, m, n, self._kendall_ties)
        else:
            out["kendall_w"] = self._kendall_sql(cursor, v, m, n)
        if not columns:
            return out
        self._per_criterion(cursor, v, m, n, columns, out)
        return out

    def _kendall_sql(self, cursor, v: str, m: int, n: int) -> str | None:
        cursor.execute(
            f"SELECT nomination, SUM(2 * rnk + ties - 1) FROM (SELECT nomination, "
            f"RANK() OVER (PARTITION BY juror_id ORDER BY n) AS rnk, "
            f"COUNT(*) OVER (PARTITION BY juror_id, n) AS ties FROM {v}) rk GROUP BY nomination"
        )
        sums2 = [int(r[1]) for r in cursor.fetchall()]
        cursor.execute(f"SELECT COUNT(*) FROM {v} GROUP BY juror_id, n")
        ties = sum(int(t) ** 3 - int(t) for (t,) in cursor.fetchall())
        return _kendall(sums2, m, n, ties)

    def _per_criterion(self, cursor, v: str, m: int, n: int, columns: list[str], out: dict) -> None:
        # Per criterion: the counts per (juror, criterion, value) give each juror's midranks; a table with
        # a row per juror and a column per (criterion, value) holds them, and one join puts each
        # scorecard's midranks (a CASE per criterion) into the per-nomination rank sums.
        if connection.vendor == "postgresql":  # one pass
            flags = ", ".join(f"GROUPING({c})" for c in columns)
            sets = ", ".join(f"(juror_id, {c})" for c in columns)
            cursor.execute(
                f"SELECT juror_id, COUNT(*), {', '.join(columns)}, {flags} FROM {v} GROUP BY GROUPING SETS ({sets})"
            )
            width = len(columns)
            rows = []
            for j, count, *rest in cursor.fetchall():
                i = rest[width:].index(0)  # the criterion this row counts (GROUPING() is 0 for it)
                if rest[i] is not None:
                    rows.append((j, i, rest[i], count))
        else:
            cursor.execute(
                " UNION ALL ".join(
                    f"SELECT juror_id, {i}, {c}, COUNT(*) FROM {v} WHERE {c} IS NOT NULL GROUP BY juror_id, {c}"
                    for i, c in enumerate(columns)
                )
            )
            rows = cursor.fetchall()
        counts: dict[tuple[int, int], list[tuple[int, int]]] = {}
        for j, i, value, count in rows:
            counts.setdefault((j, int(i)), []).append((int(value), int(count)))
        midranks: dict[tuple[int, int, int], int] = {}
        ties_c: dict[int, int] = {}
        values: dict[int, set[int]] = {}
        for (j, i), pairs in counts.items():
            below = 0
            for value, count in sorted(pairs):
                midranks[(j, i, value)] = 2 * below + count + 1
                ties_c[i] = ties_c.get(i, 0) + count**3 - count
                values.setdefault(i, set()).add(value)
                below += count
        slots = [(i, value) for i in sorted(values) for value in sorted(values[i])]
        mr = f"{self.table}_mr"
        self.temporary.append(mr)
        names = [f"r{i}_{k}" for k, (i, _value) in enumerate(slots)]
        cursor.execute(f"CREATE TEMPORARY TABLE {mr} (juror_id bigint{''.join(f', {name} bigint' for name in names)})")
        jurors = sorted({j for j, _i in counts})
        _insert_rows(
            cursor, mr, [(j, *(midranks.get((j, i, value)) for i, value in slots)) for j in jurors], 1 + len(slots)
        )
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {mr}")
        sums_sql = []
        for i, c in enumerate(columns):
            whens = " ".join(
                f"WHEN {int(value)} THEN m.{name}" for name, (ci, value) in zip(names, slots, strict=True) if ci == i
            )
            sums_sql.append(f"SUM(CASE v.{c} {whens} END)" if whens else "NULL")
        cursor.execute(
            f"SELECT v.nomination, {', '.join(sums_sql)} FROM {v} v JOIN {mr} m ON m.juror_id = v.juror_id GROUP BY v.nomination"
        )
        per: dict[int, list[int]] = {}
        for _nom, *sums in cursor.fetchall():
            for i, s2 in enumerate(sums):
                if s2 is not None:
                    per.setdefault(i, []).append(int(s2))
        for i, r in enumerate(self.rubric.criteria):
            sums = per.get(i, [])
            if len(sums) == n:
                out["per_criterion"][str(r["id"])] = _kendall(sums, m, n, ties_c.get(i, 0))

    # -- leniency

    def _leniency(self, jurors, order, lenient, lenient_counts) -> list[dict]:
        d = self.rubric.denominator
        out = []
        for j in order:
            counted = lenient_counts.get(j, 0)
            total = sum((Fraction(s, k1) for k1, s in lenient[j].items()), Fraction(0))
            mean = fixed(total * 100 / (counted * d)) if counted else None
            out.append({"juror": jurors[j]["code"], "mean_deviation": mean, "scorecards": counted})
        return out

    # -- stability

    def _stability(self, main, primary, entries, ranked_ids, jurors, order, index, noms, scored_left_out) -> dict:
        position_of = {n: p for p, (n, _pos, _tie) in enumerate(main)}
        first = main[0][0] if main else None
        by_primary = [n for n, _pos, _tie in main]  # ranked, best first (ties in ranking order)
        rows = []
        for j in order:
            bit = 1 << index[j]
            unchanged = next((n for n in by_primary if not noms[n].jurors & bit), None)
            candidates = []
            if unchanged is not None:
                candidates.append((primary[unchanged], unchanged))
            best = scored_left_out.get(j)
            if best is not None:
                candidates.append((Fraction(best[0], best[1]), best[2]))
            if not candidates:
                rows.append({"juror": jurors[j]["code"], "winner": None, "tied": False})
                continue
            runner_up = next((n for n in by_primary if n != unchanged and not noms[n].jurors & bit), None)
            if runner_up is not None and primary[runner_up] == primary[unchanged]:
                candidates.append((primary[runner_up], runner_up))
            top_value = max(v for v, _n in candidates)
            winners = {n for v, n in candidates if v == top_value}
            winner = min(winners, key=lambda n: position_of.get(n, len(position_of)))
            tied = len(winners) > 1
            rows.append({"juror": jurors[j]["code"], "winner": winner, "tied": tied})
        return {
            "first_place": first,
            "leave_one_out": rows,
            "first_place_always": all(r["winner"] == first for r in rows) if rows else True,
        }

    # -- what would change the winner

    def _what_if(self, cursor, main, jurors) -> dict | None:
        if len(main) < 2:
            return None
        (a, _pa, tie_a), (b, _pb, _tie_b) = main[0], main[1]
        if tie_a and tie_a["needs_chair"]:
            return None
        rubric = {r["id"]: r for r in self.rubric.criteria}
        columns = self._criterion_columns()
        cursor.execute(
            f"SELECT juror_id, nomination{''.join(', ' + c for c in columns)} FROM {self.table} "
            "WHERE nomination IN (%s, %s)",
            [a, b],
        )
        cards: dict[tuple[int, int], dict[int, int]] = {}
        for j, nom, *values in cursor.fetchall():
            cards[(j, nom)] = {r["id"]: v for r, v in zip(self.rubric.criteria, values, strict=True) if v is not None}
        cursor.execute(
            f"SELECT nomination, COUNT(*), SUM(n) FROM {self.table} WHERE nomination IN (%s, %s) GROUP BY nomination",
            [a, b],
        )
        stats = {nom: (int(k), int(s)) for nom, k, s in cursor.fetchall()}
        (ka, sa), (kb, sb) = stats[a], stats[b]
        best = None
        for (j, nom), scores in cards.items():
            if nom == a:  # lower A: need (sa - delta) * kb < sb * ka
                need = Fraction(sa * kb - sb * ka, kb)
                direction = "lower"
                room = [(rubric[c]["coef"], c, v, v - rubric[c]["scale_min"]) for c, v in scores.items()]
            else:  # raise B: need (sb + delta) * ka > sa * kb
                need = Fraction(sa * kb - sb * ka, ka)
                direction = "raise"
                room = [(rubric[c]["coef"], c, v, rubric[c]["scale_max"] - v) for c, v in scores.items()]
            delta, steps, changes = 0, 0, {}
            for coef, c, _v, available in sorted(room, key=lambda r: (-r[0], r[1])):
                while available and delta <= need:
                    delta += coef
                    steps += 1
                    available -= 1
                    changes[c] = changes.get(c, 0) + 1
                if delta > need:
                    break
            if delta <= need:
                continue
            key = (steps, jurors[j]["code"], direction)
            if best is None or key < best[0]:
                sign = -1 if direction == "lower" else 1
                best = (
                    key,
                    {
                        "first": a,
                        "second": b,
                        "juror": jurors[j]["code"],
                        "nomination": nom,
                        "direction": direction,
                        "steps": steps,
                        "changes": [
                            {"criterion": c, "from": scores[c], "to": scores[c] + sign * changes[c]}
                            for c in sorted(changes)
                        ],
                    },
                )
        if best is None:
            return {"first": a, "second": b, "juror": None, "steps": None, "note": "no_single_scorecard"}
        return best[1]


def _kendall(sums2: list[int], m: int, n: int, ties: int) -> str | None:
    """Kendall's W with the tie correction from doubled rank sums."""
    total = sum(sums2)
    spread = Fraction(sum(s * s for s in sums2), 4) - Fraction(total * total, 4 * n)
    denominator = m * m * (n**3 - n) - m * ties
    if denominator <= 0:
        return None
    return fixed(12 * spread / denominator)


def ranking_only(edition: Edition) -> list[tuple[int, int, dict | None]]:
    """The raw-method ranking alone (the benchmark's "ranking" figure; the tally computes the same
    ranking with the report), from one query: N per scorecard, then per nomination the count, the sum,
    the middle value(s) for the median and the top criterion's sum and count."""
    rubric = Rubric.of(edition)
    value_sql, params = rubric.value_sql()
    t = _tables()
    marks = ", ".join(["%s"] * len(COMPETING))
    top = rubric.top_criterion
    with transaction.atomic(), connection.cursor() as cursor:
        _session_settings(cursor)
        _per_scorecard_plan(cursor, True)
        cursor.execute(
            "SELECT nomination, COUNT(*), SUM(n), SUM(CASE WHEN rn = (k + 1) / 2 OR rn = (k + 2) / 2 THEN n ELSE 0 END), "
            "SUM(tv), SUM(tc) FROM (SELECT nomination, n, tv, tc, ROW_NUMBER() OVER (PARTITION BY nomination "
            "ORDER BY n) AS rn, COUNT(*) OVER (PARTITION BY nomination) AS k FROM ("
            f"SELECT sc.nomination_id AS nomination, COALESCE(SUM({value_sql}), 0) AS n, "
            "SUM(CASE WHEN s.criterion_id = %s THEN s.value END) AS tv, "
            "COUNT(CASE WHEN s.criterion_id = %s THEN 1 END) AS tc "
            f"FROM {t['scorecard']} sc JOIN {t['nomination']} nm ON nm.id = sc.nomination_id "
            f"LEFT JOIN {t['score']} s ON s.scorecard_id = sc.id "
            f"WHERE nm.edition_id = %s AND nm.status IN ({marks}) AND sc.status = %s "
            "GROUP BY sc.id, sc.nomination_id) c) m GROUP BY nomination",
            [*params, top, top, edition.pk, *COMPETING, Scorecard.Status.SUBMITTED],
        )
        rows = cursor.fetchall()
    primary, entries = {}, {}
    for n, k, total, middle, top_sum, top_count in rows:
        k = int(k)
        if k < edition.quorum:
            continue
        primary[n] = Fraction(int(total), k)
        entries[n] = {
            "_median": Fraction(int(middle) * (2 if k % 2 else 1), 2),
            "_top": Fraction(int(top_sum), int(top_count)) if top_count else Fraction(-1),
        }
    return rank(entries, primary, TieBreak.steps(edition.tie_break))


def _session_settings(cursor) -> None:
    """Inside the tally's transaction on PostgreSQL: a larger work_mem (its sorts and hashes stay in
    memory) and no JIT (compiling the expressions costs more than it saves on these queries)."""
    if connection.vendor == "postgresql":
        cursor.execute("SELECT set_config('work_mem', %s, true), set_config('jit', 'off', true)", [TALLY_WORK_MEM])


def _per_scorecard_plan(cursor, on: bool) -> None:
    """Around the GROUP BY scorecard over the scores on PostgreSQL: without hash joins and hash
    aggregates, the planner merges the scorecards with the scores through their indexes, already in
    scorecard order, and groups them as they come (about twice as fast as hashing 500,000 groups)."""
    if connection.vendor == "postgresql":
        value = "off" if on else "on"
        cursor.execute(
            "SELECT set_config('enable_hashagg', %s, true), set_config('enable_hashjoin', %s, true)", [value, value]
        )
