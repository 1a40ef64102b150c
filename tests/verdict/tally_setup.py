"""An edition whose scoring has closed, with a rubric, jurors (by code), nominations and submitted
scorecards whose chain events are written as the scoring service writes them. Everything goes in
with bulk_create, so property-based tests can build hundreds of editions."""

from dataclasses import dataclass, field
from datetime import UTC, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.models import User
from awards.models import Criterion, Edition
from jury.chain import GENESIS, event_hash
from jury.models import JuryMember, Score, Scorecard, ScoreEvent
from nominations.models import Nomination
from tests.factories import AwardFactory

_counter = {"n": 0}


def _next() -> int:
    _counter["n"] += 1
    return _counter["n"]


@dataclass
class Scored:
    edition: Edition
    criteria: list[Criterion]
    nominations: list[Nomination]
    jurors: dict[str, User]
    scorecards: dict[tuple[str, int], Scorecard] = field(default_factory=dict)

    def nom(self, index: int) -> int:
        return self.nominations[index].pk


def closed_edition(*, quorum: int = 1, method: str = "raw", tie_break: str = "median,top_criterion,chair") -> Edition:
    now = timezone.now()
    n = _next()
    return Edition.objects.create(
        award=AwardFactory(),
        year=3000 + n % 5000 + (n // 5000) * 0,
        nominations_open_at=now - timedelta(days=60),
        nominations_close_at=now - timedelta(days=40),
        scoring_open_at=now - timedelta(days=30),
        scoring_close_at=now - timedelta(days=1),
        announce_at=now + timedelta(days=10),
        quorum=quorum,
        tally_method=method,
        tie_break=tie_break,
    )


def scored_edition(
    *,
    rubric: list[tuple[str, int, int]],
    nominations: int,
    scores: dict[str, dict[int, list[int]]],
    quorum: int = 1,
    method: str = "raw",
    tie_break: str = "median,top_criterion,chair",
    edition: Edition | None = None,
) -> Scored:
    """`rubric`: (weight, scale_min, scale_max) per criterion. `scores`: juror code → {nomination index:
    one value per criterion}; each becomes a submitted scorecard with its chain event."""
    edition = edition or closed_edition(quorum=quorum, method=method, tie_break=tie_break)
    criteria = Criterion.objects.bulk_create(
        [
            Criterion(
                edition=edition,
                position=i,
                name_sv=f"K{i}",
                name_en=f"C{i}",
                weight=Decimal(w),
                scale_min=lo,
                scale_max=hi,
            )
            for i, (w, lo, hi) in enumerate(rubric)
        ]
    )
    password = make_password(None)
    n = _next()
    people = User.objects.bulk_create(
        [User(email=f"tally{n}-{i}@example.org", password=password) for i in range(nominations + len(scores))]
    )
    submitted_at = edition.scoring_close_at - timedelta(days=2)
    noms = Nomination.objects.bulk_create(
        [
            Nomination(
                edition=edition,
                submitted_by=people[i],
                startup_name=f"Startup {i} AB",
                status=Nomination.Status.ELIGIBLE,
                submitted_at=submitted_at,
            )
            for i in range(nominations)
        ]
    )
    jurors = {code: people[nominations + i] for i, code in enumerate(scores)}
    JuryMember.objects.bulk_create([JuryMember(edition=edition, user=u, code=code) for code, u in jurors.items()])
    cards = Scorecard.objects.bulk_create(
        [
            Scorecard(juror=jurors[code], nomination=noms[i], status="submitted", submitted_at=submitted_at)
            for code, by_nom in scores.items()
            for i in by_nom
        ]
    )
    scored = Scored(edition=edition, criteria=criteria, nominations=noms, jurors=jurors)
    rows, events = [], []
    prev, seq = GENESIS, 0
    it = iter(cards)
    for code, by_nom in scores.items():
        for i, values in by_nom.items():
            card = next(it)
            scored.scorecards[(code, i)] = card
            for criterion, value in zip(criteria, values, strict=True):
                rows.append(Score(scorecard=card, criterion=criterion, value=value))
            seq += 1
            payload = {
                "v": 1,
                "edition": edition.pk,
                "seq": seq,
                "kind": "submitted",
                "scorecard": card.pk,
                "nomination": noms[i].pk,
                "juror": code,
                "scores": {str(c.pk): v for c, v in sorted(zip(criteria, values, strict=True), key=lambda p: p[0].pk)},
                "at": submitted_at.astimezone(UTC).isoformat(timespec="microseconds"),
            }
            digest = event_hash(prev, payload)
            events.append(
                ScoreEvent(
                    edition=edition,
                    seq=seq,
                    kind="submitted",
                    scorecard=card,
                    payload=payload,
                    prev_hash=prev,
                    hash=digest,
                )
            )
            prev = digest
    Score.objects.bulk_create(rows, batch_size=2000)
    ScoreEvent.objects.bulk_create(events, batch_size=2000)
    return scored
