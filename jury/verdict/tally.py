"""The tally of an edition: from its submitted scorecards to a ranking and a report. Reads only.

The work runs in the database: one pass groups the scores per scorecard into a temporary table
(`GROUP BY scorecard`), aggregates and window functions run over that table, and one ordered stream of
scorecard rows (nomination by nomination, never all at once) feeds what needs per-scorecard arithmetic.
No Score is ever loaded as a model object; memory grows with the number of nominations and jurors, not
with the number of scores.

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
        (0-10, ..., 90-100; 100 falls in the last).
    chain: {head, length}
Jurors appear only by their code (JuryMember.code).
"""

# ruff: noqa: S608 -- the SQL below interpolates only our own table names; values are parameters.
from __future__ import annotations

import hashlib
import json
import math
import uuid
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.db import connection

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
STREAM_BATCH = 2000

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


def fixed_sqrt(value: Fraction, places: int = 6) -> str:
    """sqrt(value) (value >= 0) as a decimal string, rounded half up, exactly."""
    scaled = value * 10 ** (2 * places)
    floor = math.isqrt(scaled.numerator // scaled.denominator)
    if Fraction((2 * floor + 1) ** 2, 4) <= scaled:
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


def _big_square_sum(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"SUM(CAST({column} AS NUMERIC) * {column})"
    return f"SUM({column} * {column})"


def _fetch_stream(sql: str, params: list):
    """Rows of a query in batches, through a server-side cursor on PostgreSQL (a client-side one would
    hold the whole result)."""
    cursor = connection.chunked_cursor()
    try:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(STREAM_BATCH):
            yield from rows
    finally:
        cursor.close()


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
    return codes.get(user_id) or f"U-{user_id}"  # the chain's own fallback (jury/services/scoring.py)


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

    def add(self, scorecard: int, nomination: int, juror: str, scores: str) -> None:
        item = [scorecard, nomination, juror, scores]
        piece = canonical_json(item)
        self.hasher.update(piece if self.first else b"," + piece)
        self.first = False
        if self.kept is not None:
            self.kept.append(item)

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


def rank(
    entries: dict[int, dict], primary: dict[int, Fraction], steps: list[str]
) -> list[tuple[int, int, dict | None]]:
    """[(nomination, position, tie)] best first. `entries[n]` carries "_median" and "_top" (Fractions)."""
    keys = {"median": "_median", "top_criterion": "_top"}
    order = sorted(entries, key=lambda n: (-primary[n], n))
    out: list[tuple[int, int, dict | None]] = []
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and primary[order[j + 1]] == primary[order[i]]:
            j += 1
        group = order[i : j + 1]
        if len(group) == 1:
            out.append((group[0], len(out) + 1, None))
        else:
            tied_on_mean = sorted(group)
            for settled, members, by in _settle(group, steps, entries, keys):
                position = len(out) + 1
                for offset, n in enumerate(members):
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


@dataclass
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


def run_tally(edition: Edition, *, keep_input: bool = False) -> TallyOutput:
    return _Tally(edition, keep_input=keep_input).run()


def tally_input_document(edition: Edition) -> tuple[dict, str]:
    """The canonical input of the edition's tally and its SHA-256 (for the results bundle)."""
    output = _Tally(edition, keep_input=True).run(digest_only=True)
    return output.input_document, output.input_digest


def tally_input_digest(edition: Edition) -> str:
    """The SHA-256 of the tally's canonical input, without computing the tally."""
    return _Tally(edition).run(digest_only=True).input_digest


class _Tally:
    def __init__(self, edition: Edition, keep_input: bool = False):
        self.edition = edition
        self.keep_input = keep_input
        self.rubric = Rubric.of(edition)
        self.table = f"tally_sc_{uuid.uuid4().hex[:12]}"
        self.t = _tables()

    # -- the scorecard table

    def _create_scorecard_table(self, cursor) -> None:
        value_sql, params = self.rubric.value_sql()
        t = self.t
        status_marks = ", ".join(["%s"] * len(COMPETING))
        cursor.execute(
            f"CREATE TEMPORARY TABLE {self.table} AS "
            f"SELECT sc.id AS id, sc.nomination_id AS nomination, sc.juror_id AS juror_id, "
            f"COALESCE(SUM({value_sql}), 0) AS n, {_scores_text_sql()} AS scores "
            f"FROM {t['scorecard']} sc JOIN {t['nomination']} nm ON nm.id = sc.nomination_id "
            f"LEFT JOIN {t['score']} s ON s.scorecard_id = sc.id "
            f"WHERE nm.edition_id = %s AND nm.status IN ({status_marks}) AND sc.status = %s "
            f"GROUP BY sc.id, sc.nomination_id, sc.juror_id",
            [*params, self.edition.pk, *COMPETING, Scorecard.Status.SUBMITTED],
        )
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {self.table}")  # temporary tables get no statistics otherwise

    def run(self, digest_only: bool = False) -> TallyOutput:
        head, length = chain_head(self.edition)
        codes = juror_codes(self.edition)
        head_doc = input_head(self.edition, self.rubric, head, length)
        startups = dict(head_doc["nominations"])
        writer = _InputWriter(head_doc, keep=self.keep_input)
        with connection.cursor() as cursor:
            self._create_scorecard_table(cursor)
            try:
                _pause_for_tests("scorecards")
                if digest_only:
                    for sc_id, nom, juror_id, _n, scores in _fetch_stream(
                        f"SELECT id, nomination, juror_id, n, scores FROM {self.table} ORDER BY nomination, id",
                        [],
                    ):
                        writer.add(sc_id, nom, code_for(codes, juror_id), _sorted_scores_text(scores))
                    document = {**head_doc, "scorecards": writer.kept} if self.keep_input else None
                    return TallyOutput({}, writer.digest(), head, length, document)
                result = self._compute(cursor, writer, codes, startups)
            finally:
                cursor.execute(f"DROP TABLE IF EXISTS {self.table}")
        result["chain"] = {"head": head, "length": length}
        document = None
        if self.keep_input:
            document = {**head_doc, "scorecards": writer.kept}
        return TallyOutput(result, self._digest, head, length, document)

    # -- the report

    def _compute(self, cursor, writer: _InputWriter, codes: dict[int, str], startups: dict[int, str]) -> dict:
        edition = self.edition
        rubric = self.rubric
        d = rubric.denominator
        quorum = edition.quorum

        # Per juror: count, sum and sum of squares of N, for the normalisation.
        cursor.execute(
            f"SELECT juror_id, COUNT(*), SUM(n), {_big_square_sum('n')} FROM {self.table} GROUP BY juror_id",
            [],
        )
        jurors: dict[int, dict] = {}
        for juror_id, n, s, q in cursor.fetchall():
            n, s, q = int(n), int(s), int(q)
            jurors[juror_id] = {"code": code_for(codes, juror_id), "n": n, "s": s, "t": n * q - s * s}
        order = sorted(jurors, key=lambda j: jurors[j]["code"])
        index = {j: i for i, j in enumerate(order)}
        not_normalised = []
        for j in order:
            info = jurors[j]
            if info["n"] < NORMALISE_MIN_SCORECARDS:
                info["t"] = 0
                not_normalised.append({"juror": info["code"], "reason": "fewer_than_3", "scorecards": info["n"]})
            elif info["t"] == 0:
                not_normalised.append({"juror": info["code"], "reason": "no_spread", "scorecards": info["n"]})

        # Per nomination and criterion: sums and counts of the values.
        noms: dict[int, _Nom] = {}
        cursor.execute(
            f"SELECT sc.nomination, s.criterion_id, SUM(s.value), COUNT(*) FROM {self.table} sc "
            f"JOIN {self.t['score']} s ON s.scorecard_id = sc.id GROUP BY sc.nomination, s.criterion_id",
            [],
        )
        criterion_ids = {r["id"] for r in rubric.criteria}
        for nom, cid, total, count in cursor.fetchall():
            if cid in criterion_ids:
                noms.setdefault(nom, _Nom(startups.get(nom, ""))).criteria[cid] = (int(total), int(count))
        _pause_for_tests("criteria")

        # The stream: scorecards nomination by nomination.
        lenient: dict[int, dict[int, int]] = {j: {} for j in jurors}  # juror -> {k-1: sum(k*N - S)}
        lenient_counts: dict[int, int] = {}
        scored_left_out: dict[int, tuple] = {}  # juror -> best (num, den, nomination) among those they scored
        method = edition.tally_method

        def close(nom_id: int, rows: list[tuple[int, int]]) -> None:
            entry = noms.setdefault(nom_id, _Nom(startups.get(nom_id, "")))
            values = sorted(n for _j, n in rows)
            k = len(values)
            entry.count, entry.total = k, sum(values)
            entry.squares = sum(v * v for v in values)
            entry.low, entry.high = values[0], values[-1]
            entry.median2 = values[k // 2] * 2 if k % 2 else values[k // 2 - 1] + values[k // 2]
            zs = {}
            for j, n in rows:
                info = jurors[j]
                z = z_truncated(info["n"] * n - info["s"], info["t"]) if info["t"] else 0
                zs[j] = z
                entry.z += z
                entry.jurors |= 1 << index[j]
                entry.buckets[min(BUCKETS - 1, n * BUCKETS // d)] += 1
                if k >= 2:
                    bucket = lenient[j]
                    bucket[k - 1] = bucket.get(k - 1, 0) + k * n - entry.total
                    lenient_counts[j] = lenient_counts.get(j, 0) + 1
            # Leave one out: this nomination's mean without each of its jurors.
            if k - 1 >= quorum and k > 1:
                for j, n in rows:
                    num = (entry.total - n) if method == TallyMethod.RAW else (entry.z - zs[j])
                    best = scored_left_out.get(j)
                    if (
                        best is None
                        or num * best[1] > best[0] * (k - 1)
                        or (num * best[1] == best[0] * (k - 1) and nom_id < best[2])
                    ):
                        scored_left_out[j] = (num, k - 1, nom_id)

        current, rows = None, []
        for sc_id, nom, juror_id, n, scores in _fetch_stream(
            f"SELECT id, nomination, juror_id, n, scores FROM {self.table} ORDER BY nomination, id",
            [],
        ):
            writer.add(sc_id, nom, code_for(codes, juror_id), _sorted_scores_text(scores))
            if nom != current:
                if rows:
                    close(current, rows)
                current, rows = nom, []
            rows.append((juror_id, int(n)))
        if rows:
            close(current, rows)
        self._digest = writer.digest()
        _pause_for_tests("stream")

        # Entries and the ranking.
        entries: dict[int, dict] = {}
        raw_primary: dict[int, Fraction] = {}
        norm_primary: dict[int, Fraction] = {}
        top = rubric.top_criterion
        for nom_id, e in noms.items():
            if e.count == 0:
                continue
            k = e.count
            var = Fraction(k * e.squares - e.total * e.total, k * (k - 1)) if k > 1 else None
            top_sum, top_count = e.criteria.get(top, (0, 0)) if top else (0, 0)
            entries[nom_id] = {
                "nomination": nom_id,
                "startup": e.startup,
                "count": k,
                "raw": {
                    "mean": fixed(Fraction(100 * e.total, k * d)),
                    "median": fixed(Fraction(100 * e.median2, 2 * d)),
                    "stdev": fixed_sqrt(var * 10000 / (d * d)) if var is not None else None,
                    "min": fixed(Fraction(100 * e.low, d)),
                    "max": fixed(Fraction(100 * e.high, d)),
                },
                "normalised": {"mean": fixed(Fraction(e.z, k * 10 ** (Z_SCALE_EXP // 2)))},
                "criteria": {str(cid): fixed(Fraction(s, c)) for cid, (s, c) in sorted(e.criteria.items()) if c},
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
        beside = rank(ranked_entries, {n: primaries[other][n] for n in ranked_ids}, steps)
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
        result["agreement"] = self._agreement(cursor, ranked_ids, jurors)
        result["leniency"] = self._leniency(jurors, order, lenient, lenient_counts)
        result["stability"] = self._stability(
            main, primaries[method], entries, ranked_ids, jurors, order, index, noms, scored_left_out
        )
        result["what_if"] = self._what_if(cursor, main, jurors) if method == TallyMethod.RAW else None
        return result

    # -- agreement

    def _agreement(self, cursor, ranked_ids: set[int], jurors: dict[int, dict]) -> dict:
        n = len(ranked_ids)
        out = {"kendall_w": None, "per_criterion": {str(r["id"]): None for r in self.rubric.criteria}}
        base = (
            f"WITH ranked AS (SELECT nomination FROM {self.table} GROUP BY nomination HAVING COUNT(*) >= %s), "
            f"cj AS (SELECT t.juror_id FROM {self.table} t JOIN ranked r ON r.nomination = t.nomination "
            f"GROUP BY t.juror_id HAVING COUNT(*) = %s), "
            f"v AS (SELECT t.id, t.nomination, t.juror_id, t.n FROM {self.table} t "
            f"JOIN ranked r ON r.nomination = t.nomination JOIN cj ON cj.juror_id = t.juror_id) "
        )
        params = [self.edition.quorum, n]
        cursor.execute(base + "SELECT COUNT(*) FROM cj", params)
        m = int(cursor.fetchone()[0])
        left_out = len(jurors) - m
        out["jurors"], out["nominations"] = m, n
        if m < 2 or n < 2:
            out["note"] = "too_few"  # fewer than 2 complete jurors or ranked nominations
            return out
        out["note"] = "complete_jurors_only" if left_out else "all_jurors"
        out["jurors_left_out"] = left_out

        # Overall: ranks of N per juror (average ranks for ties, doubled to stay integers).
        cursor.execute(
            base + ", rk AS (SELECT nomination, RANK() OVER (PARTITION BY juror_id ORDER BY n) AS rnk, "
            "COUNT(*) OVER (PARTITION BY juror_id, n) AS ties FROM v) "
            "SELECT nomination, SUM(2 * rnk + ties - 1) FROM rk GROUP BY nomination",
            params,
        )
        sums2 = [int(r[1]) for r in cursor.fetchall()]
        cursor.execute(base + "SELECT COUNT(*) FROM v GROUP BY juror_id, n", params)
        ties = sum(int(t) ** 3 - int(t) for (t,) in cursor.fetchall())
        out["kendall_w"] = _kendall(sums2, m, n, ties)

        # Per criterion: midranks from the counts per (juror, criterion, value), joined back.
        cursor.execute(
            base + f"SELECT v.juror_id, s.criterion_id, s.value, COUNT(*) FROM v "
            f"JOIN {self.t['score']} s ON s.scorecard_id = v.id GROUP BY v.juror_id, s.criterion_id, s.value",
            params,
        )
        counts: dict[tuple[int, int], list[tuple[int, int]]] = {}
        for j, c, value, count in cursor.fetchall():
            counts.setdefault((j, c), []).append((int(value), int(count)))
        midranks, ties_c = [], {}
        for (j, c), pairs in counts.items():
            below = 0
            for value, count in sorted(pairs):
                midranks.append((j, c, value, 2 * below + count + 1))
                ties_c[c] = ties_c.get(c, 0) + count**3 - count
                below += count
        mr = f"{self.table}_mr"
        cursor.execute(f"CREATE TEMPORARY TABLE {mr} (juror_id bigint, criterion bigint, value integer, mr2 bigint)")
        try:
            cursor.executemany(f"INSERT INTO {mr} VALUES (%s, %s, %s, %s)", midranks)
            if connection.vendor == "postgresql":
                cursor.execute(f"ANALYZE {mr}")
            cursor.execute(
                base + f"SELECT s.criterion_id, SUM(m.mr2) FROM v JOIN {self.t['score']} s ON s.scorecard_id = v.id "
                f"JOIN {mr} m ON m.juror_id = v.juror_id AND m.criterion = s.criterion_id AND m.value = s.value "
                "GROUP BY s.criterion_id, v.nomination",
                params,
            )
            per: dict[int, list[int]] = {}
            for c, s2 in cursor.fetchall():
                per.setdefault(c, []).append(int(s2))
        finally:
            cursor.execute(f"DROP TABLE IF EXISTS {mr}")
        for r in self.rubric.criteria:
            sums = per.get(r["id"], [])
            if len(sums) == n:
                out["per_criterion"][str(r["id"])] = _kendall(sums, m, n, ties_c.get(r["id"], 0))
        return out

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
        cursor.execute(
            f"SELECT t.juror_id, t.nomination, t.n, s.criterion_id, s.value FROM {self.table} t "
            f"JOIN {self.t['score']} s ON s.scorecard_id = t.id WHERE t.nomination IN (%s, %s)",
            [a, b],
        )
        cards: dict[tuple[int, int], dict[int, int]] = {}
        for j, nom, _n, cid, value in cursor.fetchall():
            if cid in rubric:
                cards.setdefault((j, nom), {})[cid] = value
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
    """The raw-method ranking alone, straight from one GROUP BY over the scores (the benchmark's
    "ranking" figure; the tally computes the same ranking with the report). Ties are settled by the
    edition's chain with a query for the tied nominations only."""
    rubric = Rubric.of(edition)
    value_sql, params = rubric.value_sql()
    t = _tables()
    marks = ", ".join(["%s"] * len(COMPETING))
    where = f"nm.edition_id = %s AND nm.status IN ({marks}) AND sc.status = %s"
    where_params = [edition.pk, *COMPETING, Scorecard.Status.SUBMITTED]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT sc.nomination_id, SUM({value_sql}) FROM {t['score']} s JOIN {t['scorecard']} sc ON sc.id = s.scorecard_id "
            f"JOIN {t['nomination']} nm ON nm.id = sc.nomination_id WHERE {where} GROUP BY sc.nomination_id",
            [*params, *where_params],
        )
        sums = {n: int(v) for n, v in cursor.fetchall()}
        cursor.execute(
            f"SELECT sc.nomination_id, COUNT(*) FROM {t['scorecard']} sc JOIN {t['nomination']} nm "
            f"ON nm.id = sc.nomination_id WHERE {where} GROUP BY sc.nomination_id",
            where_params,
        )
        counts = {n: int(c) for n, c in cursor.fetchall()}
    primary = {n: Fraction(sums.get(n, 0), c) for n, c in counts.items() if c >= edition.quorum}
    seen = Counter(primary.values())
    tied = {n for n, value in primary.items() if seen[value] > 1}
    entries = {n: {"_median": Fraction(0), "_top": Fraction(0)} for n in primary}
    tied_ids = sorted(tied)
    with connection.cursor() as cursor:
        for start in range(0, len(tied_ids), 500):
            chunk = tied_ids[start : start + 500]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT sc.nomination_id, SUM({value_sql}) FROM {t['score']} s JOIN {t['scorecard']} sc "
                f"ON sc.id = s.scorecard_id WHERE sc.status = %s AND sc.nomination_id IN ({marks}) GROUP BY sc.id, sc.nomination_id",
                [*params, Scorecard.Status.SUBMITTED, *chunk],
            )
            values: dict[int, list[int]] = {}
            for n, v in cursor.fetchall():
                values.setdefault(n, []).append(int(v))
            for n, vs in values.items():
                vs.sort()
                k = len(vs)
                entries[n]["_median"] = Fraction(vs[k // 2] * 2 if k % 2 else vs[k // 2 - 1] + vs[k // 2], 2)
            cursor.execute(
                f"SELECT sc.nomination_id, SUM(s.value), COUNT(*) FROM {t['score']} s JOIN {t['scorecard']} sc "
                f"ON sc.id = s.scorecard_id WHERE sc.status = %s AND s.criterion_id = %s AND sc.nomination_id IN ({marks}) "
                "GROUP BY sc.nomination_id",
                [Scorecard.Status.SUBMITTED, rubric.top_criterion, *chunk],
            )
            for n, total, count in cursor.fetchall():
                entries[n]["_top"] = Fraction(int(total), int(count))
    return rank(entries, primary, TieBreak.steps(edition.tie_break))
