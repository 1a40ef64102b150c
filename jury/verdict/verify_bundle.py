#!/usr/bin/env python3
"""Check a results bundle of the Flemingsberg Science Award on your own computer.

    python verify_bundle.py bundle.json

Standard library only; this file does not use the application's code. It checks:

1. the scorecard chain: events numbered 1, 2, 3...; each event's prev_hash is the hash before it (64
   zeros for the first); each hash is SHA-256(prev_hash + "\\n" + the payload as canonical JSON: keys
   sorted, no spaces, UTF-8); each payload agrees with its event (seq, kind, scorecard, edition);
2. the chain head and length named in the input and the tally are the chain's;
3. the scores in the input are exactly what the chain's latest event of each scorecard recorded, and
   every scorecard the chain says is submitted (on a competing nomination) is in the input;
4. the SHA-256 of the input and of the result are the digests the tally stored;
5. the ranking, recomputed here from the raw scores by the published rules (both methods, the
   tie-break chain, the quorum), equals the tally's: positions, means, medians, spreads, per-criterion
   means, ties, nominations below quorum, the other method's positions, the score distributions and
   the jurors left un-normalised.

It prints PASS, or every difference it found, and exits with 0 or 1.

The rules, as implemented below (exact fractions throughout):
* A scorecard's value x = sum(w_c * (v_c - min_c) / (max_c - min_c)) / sum(w_c) (a missing score
  counts as min_c); shown as 100 * x. A nomination's raw mean, median, sample standard deviation,
  min and max are over its scorecards' x; per-criterion means on the criterion's own scale.
* Normalised: for each juror over all their scorecards, mean m and population standard deviation s
  of x; z = (x - m) / s truncated towards zero at 30 decimals; a juror with fewer than 3 scorecards or
  s = 0 contributes z = 0. A nomination's normalised mean is the mean of its z.
* Nominations with fewer scorecards than the quorum are not ranked. The rest are ordered by the
  edition's method, highest first; equal means go through the tie-break steps: "median" (raw),
  "top_criterion" (mean on the first criterion with the highest weight), "chair" (left tied).
* Decimal strings have 6 places: rounded half to even, standard deviations rounded half up.
"""

import hashlib
import json
import math
import sys
from decimal import Decimal
from fractions import Fraction

GENESIS = "0" * 64
Z_DIGITS = 30


def canonical(value) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def six(value: Fraction) -> str:
    """Round half to even at 6 places."""
    scaled = value * 1_000_000
    whole, rest = divmod(scaled.numerator, scaled.denominator)
    twice = 2 * rest
    if twice > scaled.denominator or (twice == scaled.denominator and whole % 2 == 1):
        whole += 1
    negative = whole < 0
    text = str(abs(whole)).zfill(7)
    return ("-" if negative else "") + text[:-6] + "." + text[-6:]


def six_sqrt(value: Fraction) -> str:
    """sqrt(value), rounded half up at 6 places."""
    scaled = value * 10**12
    r = math.isqrt(scaled.numerator // scaled.denominator)
    # round half up: r + 1 if sqrt(scaled) >= r + 1/2
    if (2 * r + 1) ** 2 <= 4 * scaled:
        r += 1
    text = str(r).zfill(7)
    return text[:-6] + "." + text[-6:]


class Report:
    def __init__(self):
        self.differences: list[str] = []

    def differ(self, message: str) -> None:
        self.differences.append(message)


# ------------------------------------------------------------------------------------------------


def check_chain(bundle: dict, report: Report) -> dict[int, dict]:
    """Verify every link; returns the latest payload of each scorecard."""
    edition = bundle["input"]["edition"]
    previous = GENESIS
    latest: dict[int, dict] = {}
    for position, event in enumerate(bundle.get("chain") or [], start=1):
        seq = event.get("seq")
        payload = event.get("payload")
        if seq != position:
            report.differ(f"chain: event #{position} is numbered {seq} (missing, inserted or reordered events)")
        if event.get("prev_hash") != previous:
            report.differ(f"chain: event {seq} does not link to the hash of the event before it")
        if sha256(str(event.get("prev_hash")).encode() + b"\n" + canonical(payload)) != event.get("hash"):
            report.differ(f"chain: event {seq} has been altered (its hash does not match its content)")
        if not isinstance(payload, dict):
            report.differ(f"chain: event {seq} has no payload")
            previous = event.get("hash")
            continue
        for key, expected in (("seq", seq), ("kind", event.get("kind")), ("scorecard", event.get("scorecard"))):
            if payload.get(key) != expected:
                report.differ(f"chain: event {seq}: payload {key} {payload.get(key)!r} but event says {expected!r}")
        if payload.get("edition") != edition:
            report.differ(f"chain: event {seq} belongs to edition {payload.get('edition')}, not {edition}")
        latest[payload.get("scorecard")] = payload
        previous = event.get("hash")
    return latest


def scores_text(scores: dict) -> str:
    return ",".join(f"{c}:{v}" for c, v in sorted((int(c), int(v)) for c, v in scores.items()))


def check_scores(bundle: dict, latest: dict[int, dict], report: Report) -> None:
    data = bundle["input"]
    chain = bundle.get("chain") or []
    head = chain[-1]["hash"] if chain else GENESIS
    if data.get("chain_head") != head or data.get("chain_length") != len(chain):
        report.differ(
            f"chain head: the input names {data.get('chain_head')} ({data.get('chain_length')} events), "
            f"the chain ends at {head} ({len(chain)} events)"
        )
    tally = bundle.get("tally") or {}
    if tally.get("chain_head") != data.get("chain_head") or tally.get("chain_length") != data.get("chain_length"):
        report.differ(
            f"chain head: the tally was computed at {tally.get('chain_head')} ({tally.get('chain_length')} events), "
            f"the input is at {data.get('chain_head')}"
        )
    competing = {n for n, _name in data["nominations"]}
    listed = set()
    for scorecard, nomination, juror, text in data["scorecards"]:
        listed.add(scorecard)
        event = latest.get(scorecard)
        if event is None:
            report.differ(f"scorecard {scorecard}: counted in the tally but the chain has no event for it")
            continue
        if event.get("kind") != "submitted":
            report.differ(f"scorecard {scorecard}: counted, but its latest chain event {event.get('seq')} reopened it")
            continue
        recorded = scores_text(event.get("scores") or {})
        if recorded != text:
            report.differ(
                f"scorecard {scorecard}: scores {text or '-'} but chain event {event.get('seq')} recorded {recorded or '-'}"
            )
        if event.get("nomination") != nomination or event.get("juror") != juror:
            report.differ(f"scorecard {scorecard}: nomination or juror differ from chain event {event.get('seq')}")
    for scorecard, event in latest.items():
        if event.get("kind") == "submitted" and event.get("nomination") in competing and scorecard not in listed:
            report.differ(f"scorecard {scorecard}: submitted in chain event {event.get('seq')} but not in the tally")


def check_digests(bundle: dict, report: Report) -> None:
    tally = bundle.get("tally") or {}
    computed = sha256(canonical(bundle["input"]))
    if computed != tally.get("input_digest"):
        report.differ(f"input digest: the input hashes to {computed}, the tally stored {tally.get('input_digest')}")
    if bundle.get("input_digest") not in (None, computed):
        report.differ(f"input digest: the bundle names {bundle.get('input_digest')}, the input hashes to {computed}")
    result_hash = sha256(canonical(tally.get("result")))
    if result_hash != tally.get("result_digest"):
        report.differ(
            f"result digest: the result hashes to {result_hash}, the tally stored {tally.get('result_digest')}"
        )


# ------------------------------------------------------------------------------------------------
# The ranking, recomputed


def recompute(data: dict) -> dict:
    criteria = data["criteria"]
    weight = {c["id"]: Fraction(Decimal(c["weight"])) for c in criteria}
    low = {c["id"]: c["scale_min"] for c in criteria}
    span = {c["id"]: c["scale_max"] - c["scale_min"] for c in criteria}
    total_weight = sum(weight.values()) or Fraction(1)
    top_weight = max(weight.values(), default=None)
    top = next((c["id"] for c in criteria if weight[c["id"]] == top_weight), None)

    per_nomination: dict[int, list] = {}
    per_juror: dict[str, list] = {}
    crit_sum: dict[int, dict[int, list[int]]] = {}
    for _scorecard, nomination, juror, text in data["scorecards"]:
        values = {}
        for pair in text.split(",") if text else []:
            c, v = pair.split(":")
            values[int(c)] = int(v)
        x = sum((weight[c] * Fraction(values[c] - low[c], span[c]) for c in weight if c in values), Fraction(0))
        x /= total_weight
        per_nomination.setdefault(nomination, []).append((juror, x))
        per_juror.setdefault(juror, []).append(x)
        sums = crit_sum.setdefault(nomination, {})
        for c, v in values.items():
            if c in weight:
                sums.setdefault(c, []).append(v)

    # The jurors' z-scores.
    juror_stats = {}
    not_normalised = []
    for juror in sorted(per_juror):
        xs = per_juror[juror]
        m = sum(xs, Fraction(0)) / len(xs)
        var = sum(((x - m) ** 2 for x in xs), Fraction(0)) / len(xs)
        if len(xs) < 3:
            not_normalised.append({"juror": juror, "reason": "fewer_than_3", "scorecards": len(xs)})
            var = None
        elif var == 0:
            not_normalised.append({"juror": juror, "reason": "no_spread", "scorecards": len(xs)})
            var = None
        juror_stats[juror] = (m, var)

    def z(juror: str, x: Fraction) -> int:
        m, var = juror_stats[juror]
        if var is None:
            return 0
        a = x - m
        q = a * a * 10 ** (2 * Z_DIGITS) / var
        r = math.isqrt(q.numerator // q.denominator)
        return -r if a < 0 else r

    entries, raw_key, norm_key, distributions = {}, {}, {}, {}
    for nomination, rows in per_nomination.items():
        xs = sorted(x for _j, x in rows)
        k = len(xs)
        mean = sum(xs, Fraction(0)) / k
        median = xs[k // 2] if k % 2 else (xs[k // 2 - 1] + xs[k // 2]) / 2
        stdev = None
        if k > 1:
            stdev = six_sqrt(sum(((x - mean) ** 2 for x in xs), Fraction(0)) / (k - 1) * 10000)
        zsum = sum(z(j, x) for j, x in rows)
        by_criterion = {c: Fraction(sum(vs), len(vs)) for c, vs in crit_sum.get(nomination, {}).items() if vs}
        entries[nomination] = {
            "nomination": nomination,
            "count": k,
            "raw": {
                "mean": six(100 * mean),
                "median": six(100 * median),
                "stdev": stdev,
                "min": six(100 * xs[0]),
                "max": six(100 * xs[-1]),
            },
            "normalised": {"mean": six(Fraction(zsum, k * 10**Z_DIGITS))},
            "criteria": {str(c): six(v) for c, v in sorted(by_criterion.items())},
            "_median": median,
            "_top": by_criterion.get(top, Fraction(-1)),
        }
        raw_key[nomination] = mean
        norm_key[nomination] = Fraction(zsum, k)
        counts = [0] * 10
        for x in xs:
            counts[max(0, min(9, math.floor(10 * x)))] += 1
        distributions[str(nomination)] = counts

    ranked = [n for n in entries if entries[n]["count"] >= data["quorum"]]
    steps = data["tie_break"].split(",")

    def order(key: dict) -> list[tuple[int, int, dict | None]]:
        placed: list[tuple[int, int, dict | None]] = []
        for group in groups(sorted(ranked, key=lambda n: (-key[n], n)), key):
            if len(group) == 1:
                placed.append((group[0], len(placed) + 1, None))
                continue
            for settled, members, by in settle(group, steps):
                start = len(placed) + 1
                for i, n in enumerate(members):
                    placed.append(
                        (
                            n,
                            start + i if settled else start,
                            {
                                "tied_on_mean": sorted(m for m in group if m != n),
                                "with": sorted(m for m in (group if settled else members) if m != n),
                                "settled_by": by,
                                "needs_chair": not settled,
                            },
                        )
                    )
        return placed

    def groups(ordered: list[int], key: dict) -> list[list[int]]:
        out: list[list[int]] = []
        for n in ordered:
            if out and key[out[-1][0]] == key[n]:
                out[-1].append(n)
            else:
                out.append([n])
        return out

    def settle(group: list[int], remaining: list[str]) -> list[tuple[bool, list[int], str]]:
        step = remaining[0] if remaining else "chair"
        if step not in ("median", "top_criterion"):
            return [(False, sorted(group), "chair")]
        field = "_median" if step == "median" else "_top"
        key = {n: entries[n][field] for n in group}
        out = []
        for sub in groups(sorted(group, key=lambda n: (-key[n], n)), key):
            if len(sub) == 1:
                out.append((True, sub, step))
            else:
                out.extend(settle(sub, remaining[1:]))
        return out

    keys = {"raw": raw_key, "normalised": norm_key}
    method = data["method"]
    other = "normalised" if method == "raw" else "raw"
    ranking = []
    for n, position, tie in order(keys[method]):
        ranking.append({**public(entries[n]), "position": position, "tie": tie})
    below = [
        {**public(entries[n]), "tie": None}
        for n in sorted((n for n in entries if n not in ranked), key=lambda n: (-raw_key[n], n))
    ]
    return {
        "method": method,
        "quorum": data["quorum"],
        "tie_break": data["tie_break"],
        "ranking": ranking,
        "below_quorum": below,
        "other_method": other,
        "other_method_positions": {str(n): p for n, p, _t in order(keys[other])},
        "normalisation": {"not_normalised": not_normalised},
        "distributions": {k: distributions[k] for k in sorted(distributions, key=int)},
    }


def public(entry: dict) -> dict:
    return {k: v for k, v in entry.items() if not k.startswith("_")}


def compare_result(expected: dict, stored: dict, report: Report) -> None:
    for key in ("method", "quorum", "tie_break", "other_method", "other_method_positions", "normalisation"):
        if expected[key] != stored.get(key):
            report.differ(f"result {key}: recomputed {expected[key]!r}, the tally says {stored.get(key)!r}")
    for key in ("ranking", "below_quorum"):
        mine, theirs = expected[key], stored.get(key) or []
        if [e["nomination"] for e in mine] != [e.get("nomination") for e in theirs]:
            report.differ(
                f"{key}: recomputed order {[e['nomination'] for e in mine]}, "
                f"the tally says {[e.get('nomination') for e in theirs]}"
            )
        for a, b in zip(mine, theirs, strict=False):
            for field, value in a.items():
                if b.get(field) != value:
                    report.differ(
                        f"{key}: nomination {a['nomination']}: {field} recomputed {value!r}, "
                        f"the tally says {b.get(field)!r}"
                    )
    stored_distributions = stored.get("distributions") or {}
    for nomination, counts in expected["distributions"].items():
        if stored_distributions.get(nomination) != counts:
            report.differ(f"distribution of nomination {nomination}: recomputed {counts}, the tally says "
                          f"{stored_distributions.get(nomination)}")  # fmt: skip
    if set(stored_distributions) != set(expected["distributions"]):
        report.differ("distributions: the tally lists other nominations than those scored")


def verify(bundle: dict) -> list[str]:
    report = Report()
    try:
        latest = check_chain(bundle, report)
        check_scores(bundle, latest, report)
        check_digests(bundle, report)
        compare_result(recompute(bundle["input"]), (bundle.get("tally") or {}).get("result") or {}, report)
    except (KeyError, TypeError, ValueError, AttributeError, ZeroDivisionError) as error:
        report.differ(f"the bundle is malformed: {type(error).__name__}: {error}")
    return report.differences


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python verify_bundle.py bundle.json", file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as handle:
        bundle = json.load(handle)
    differences = verify(bundle)
    if differences:
        print("FAIL")
        for line in differences:
            print(" -", line)
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
