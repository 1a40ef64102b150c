"""TallyRun rows made directly with a result document of the tally's shape, for tests of what the
deliberation and the pages do with a tally (the tally itself is tested on its own)."""

import hashlib
import json
from datetime import timedelta

from django.utils import timezone

from awards.models import Edition
from jury.verdict.models import TallyRun
from nominations.models import Nomination
from tests.factories import EditionFactory, SubmittedNominationFactory


def edition_after_scoring(**kwargs) -> Edition:
    """An edition whose scoring closed a day ago and whose announcement date is in 13 days."""
    now = timezone.now()
    kwargs.setdefault("nominations_open_at", now - timedelta(days=70))
    kwargs.setdefault("nominations_close_at", now - timedelta(days=40))
    kwargs.setdefault("scoring_open_at", now - timedelta(days=30))
    kwargs.setdefault("scoring_close_at", now - timedelta(days=1))
    kwargs.setdefault("announce_at", now + timedelta(days=13))
    return EditionFactory(**kwargs)


def eligible_nominations(edition: Edition, count: int, **fields) -> list[Nomination]:
    return [
        SubmittedNominationFactory(edition=edition, status=Nomination.Status.ELIGIBLE, **fields) for _ in range(count)
    ]


def entry(nomination: Nomination, position: int | None, mean: float, *, count: int = 3, tie=None) -> dict:
    made = {
        "nomination": nomination.pk,
        "startup": nomination.startup_name,
        "count": count,
        "raw": {"mean": mean, "median": mean, "stdev": 0.5, "min": mean - 1, "max": mean + 1},
        "normalised": {"mean": round((mean - 50) / 10, 3)},
        "criteria": {"1": mean / 20},
        "tie": tie or {"with": [], "settled_by": None, "needs_chair": False},
    }
    if position is not None:
        made["position"] = position
    return made


def make_tally_run(
    edition: Edition,
    ranked: list[Nomination],
    *,
    below_quorum: list[Nomination] = (),
    chair_tie: list[Nomination] = (),
    integrity_ok: bool = True,
    digest_salt: str = "",
) -> TallyRun:
    """A tally ranking `ranked` in that order (means 90, 80, 70...). `chair_tie` nominations (which
    must be the first ones of `ranked`) share first place, left to the chair."""
    tied_ids = [n.pk for n in chair_tie]
    ranking = []
    for index, nomination in enumerate(ranked):
        tie = None
        mean = 90.0 - 10 * index
        position = index + 1
        if nomination.pk in tied_ids:
            tie = {"with": [t for t in tied_ids if t != nomination.pk], "settled_by": "chair", "needs_chair": True}
            mean, position = 90.0, 1
        ranking.append(entry(nomination, position, mean, tie=tie))
    result = {
        "format": 1,
        "edition": edition.pk,
        "method": edition.tally_method,
        "tie_break": edition.tie_break,
        "quorum": edition.quorum,
        "criteria": [
            {"id": 1, "name_sv": "Innovation", "name_en": "Innovation", "weight": 2, "scale_min": 1, "scale_max": 5}
        ],
        "ranking": ranking,
        "below_quorum": [entry(n, None, 60.0, count=1) for n in below_quorum],
        "other_method_positions": {str(n.pk): i + 1 for i, n in enumerate(ranked)},
        "normalisation": {"not_normalised": [{"juror": "J-3", "reason": "fewer than 3 scorecards"}]},
        "agreement": {"kendall_w": 0.8125, "per_criterion": {"1": 0.75}, "note": ""},
        "stability": {
            "leave_one_out": [{"juror": "J-1", "winner": ranked[0].pk if ranked else None}],
            "first_place_always": True,
        },
        "leniency": [{"juror": "J-1", "mean_deviation": 1.25, "scorecards": 4}],
        "what_if": None,
        "distributions": {str(n.pk): [0, 0, 0, 0, 0, 1, 1, 2, 1, 0] for n in ranked},
        "chain": {"head": "a" * 64, "length": 12},
    }
    text = json.dumps(result, sort_keys=True) + digest_salt
    return TallyRun.objects.create(
        edition=edition,
        trigger=TallyRun.Trigger.SCHEDULE,
        method=edition.tally_method,
        chain_head="a" * 64,
        chain_length=12,
        input_digest=hashlib.sha256(("input" + text).encode()).hexdigest(),
        result_digest=hashlib.sha256(text.encode()).hexdigest(),
        result=result,
        integrity_ok=integrity_ok,
        problems=[] if integrity_ok else [{"scorecard": 1, "differs": "score"}],
    )
