"""Time the juror's dashboard and scoring page against a throwaway database holding one edition in scoring.

    DJANGO_SETTINGS_MODULE=config.settings.test .venv/bin/python bench/jury_pages.py --nominations 500 --jurors 50
    DJANGO_SETTINGS_MODULE=config.settings.test .venv/bin/python bench/jury_pages.py --nominations 20 --jurors 5 --repeat 5

The edition has a 5-criterion rubric, N eligible nominations and J jurors (TOTP set up, "no conflict"
declared for everything, a released plan assigning every nomination to every juror, about a fifth of the
scorecards submitted). Without DATABASE_URL the database is a SQLite file in a temporary directory; with
DATABASE_URL pointing at PostgreSQL, a database named test_<name>_<pid> is created beside it. Either is
removed at the end. Each page is requested once to warm up, then --repeat times through
django.test.Client; the script prints the median and 95th percentile in milliseconds and the number of
queries the page ran.
"""

import argparse
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from nominations_screening import FILLER, bench_nomination, print_measurements, throwaway_database

CRITERIA = ("Innovation", "Market", "Team", "Impact", "Flemingsberg")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nominations", type=int, default=500, help="eligible nominations (default 500)")
    parser.add_argument("--jurors", type=int, default=50, help="jurors, each assigned every nomination (default 50)")
    parser.add_argument("--repeat", type=int, default=50, help="timed requests per page (default 50)")
    return parser.parse_args()


def populate(count: int, juror_count: int):
    """One edition in its scoring phase with a rubric, nominations, a seated jury with TOTP, conflict
    answers, assignments and some submitted scorecards; rows in bulk except the TOTP authenticators."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from accounts.models import User
    from awards.models import Award, Criterion, CriterionLevel, Edition
    from jury.models import Assignment, ConflictDeclaration, JuryMember, JuryPlan, Score, Scorecard
    from nominations.models import Nomination

    now = timezone.now()
    award, _ = Award.objects.get_or_create(slug="startup", defaults={"name": "Flemingsberg Science Award STARTUP"})
    edition = Edition.objects.create(
        award=award,
        year=2040,
        nominations_open_at=now - timedelta(days=60),
        nominations_close_at=now - timedelta(days=20),
        scoring_open_at=now - timedelta(days=13),
        scoring_close_at=now + timedelta(days=8),
        announce_at=now + timedelta(days=22),
    )
    criteria = Criterion.objects.bulk_create(
        Criterion(
            edition=edition, position=p, name_sv=name, name_en=name, guidance_sv=FILLER[:300], guidance_en=FILLER[:300]
        )
        for p, name in enumerate(CRITERIA)
    )
    CriterionLevel.objects.bulk_create(
        CriterionLevel(criterion=c, value=v, descriptor_sv=f"Nivå {v}", descriptor_en=f"Level {v}")
        for c in criteria
        for v in range(c.scale_min, c.scale_max + 1)
    )

    no_password = make_password(None)
    applicants = User.objects.bulk_create(
        [User(email=f"founder{n}@startup{n}.example", name=f"Founder {n}", password=no_password) for n in range(count)],
        batch_size=500,
    )
    nominations = Nomination.objects.bulk_create(
        [
            bench_nomination(
                n,
                edition=edition,
                applicant=applicant,
                status="eligible",
                city="Huddinge",
                consent_at=now - timedelta(days=25),
                submitted_at=now - timedelta(days=25, minutes=n),
                screened_at=now - timedelta(days=18),
            )
            for n, applicant in enumerate(applicants)
        ],
        batch_size=500,
    )

    jurors = User.objects.bulk_create(
        [User(email=f"juror{j}@bench.example", name=f"Juror {j:03d}", password=no_password) for j in range(juror_count)]
    )
    JuryMember.objects.bulk_create(JuryMember(edition=edition, user=juror) for juror in jurors)
    for juror in jurors:
        TOTP.activate(juror, generate_totp_secret())
    JuryPlan.objects.create(edition=edition, mode=JuryPlan.Mode.ALL, released_at=now - timedelta(days=13))

    rng = random.Random(2040)
    assignments, declarations, scorecards = [], [], []
    for juror in jurors:
        order = list(range(count))
        rng.shuffle(order)
        for nomination, position in zip(nominations, order, strict=True):
            assignments.append(Assignment(edition=edition, juror=juror, nomination=nomination, position=position))
            declarations.append(ConflictDeclaration(juror=juror, nomination=nomination, has_conflict=False))
            if position % 5 == 0:  # the first fifth of the juror's own list is done
                submitted = now - timedelta(days=1, minutes=position)
                scorecards.append(
                    Scorecard(juror=juror, nomination=nomination, status="submitted", submitted_at=submitted)
                )
    Assignment.objects.bulk_create(assignments, batch_size=2000)
    ConflictDeclaration.objects.bulk_create(declarations, batch_size=2000)
    scorecards = Scorecard.objects.bulk_create(scorecards, batch_size=2000)
    Score.objects.bulk_create(
        (Score(scorecard=card, criterion=c, value=rng.randint(1, 5)) for card in scorecards for c in criteria),
        batch_size=2000,
    )
    juror = jurors[0]
    unscored = Assignment.objects.filter(juror=juror).exclude(nomination__scorecards__juror=juror).order_by("position")
    return juror, unscored.first().nomination


def main() -> None:
    args = parse_args()
    started = time.perf_counter()
    with throwaway_database("bench-jury-") as connection:
        from django.conf import settings
        from django.test import Client
        from django.urls import reverse

        juror, nomination = populate(args.nominations, args.jurors)
        print(
            f"{connection.vendor} database {connection.settings_dict['NAME']}: migrated and filled with "
            f"{args.nominations} nominations x {args.jurors} jurors in {time.perf_counter() - started:.1f} s"
        )
        client = Client()
        client.force_login(juror)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        dashboard_url = reverse("jury:dashboard")
        pages = [
            ("dashboard", dashboard_url, args.repeat),
            ("dashboard, to score", f"{dashboard_url}?show=to_score", args.repeat),
            # The list is paged (25 a page); a page number past the end gives its last page.
            ("dashboard, last page", f"{dashboard_url}?page-{nomination.edition_id}=999", args.repeat),
            ("scoring page", reverse("jury:score", args=[nomination.pk]), args.repeat),
        ]
        print_measurements(client, pages)


if __name__ == "__main__":
    main()
