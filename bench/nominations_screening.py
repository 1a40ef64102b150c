"""Time the organiser's screening pages against a throwaway database holding one edition of N nominations.

    DJANGO_SETTINGS_MODULE=config.settings.test .venv/bin/python bench/nominations_screening.py --nominations 2000
    DJANGO_SETTINGS_MODULE=config.settings.test .venv/bin/python bench/nominations_screening.py --nominations 50 --repeat 5

Without DATABASE_URL the database is a SQLite file in a temporary directory; with DATABASE_URL pointing
at PostgreSQL, a database named test_<name>_<pid> is created beside it. Either is removed at the end.
Each page is requested once to warm up, then --repeat times through django.test.Client; the script
prints the median and 95th percentile in milliseconds and the number of queries the page ran.
"""

import argparse
import math
import os
import shutil
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

STATUS_MIX = (  # out of 20: what an edition looks like while it is being screened
    ["submitted"] * 12 + ["eligible"] * 3 + ["ineligible"] + ["draft"] * 3 + ["withdrawn"]
)
SECTORS = ("life_science", "medtech", "health_tech", "other")
STAGES = ("idea", "prototype", "clinical", "first_customers", "growth")
CITIES = ("Huddinge", "Stockholm", "Södertälje", "Solna", "Uppsala", "Botkyrka")
FILLER = (
    "A dry-electrode EEG headband and a cloud model that flags seizures at home, "
    "built with neurologists at Karolinska University Hospital in Huddinge. "
) * 8


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nominations", type=int, default=2000, help="nominations in the edition (default 2000)")
    parser.add_argument("--repeat", type=int, default=50, help="timed requests per page (default 50)")
    return parser.parse_args()


def org_number(n: int) -> str:
    from nominations.validators import luhn_valid

    digits = f"55{n:07d}"
    check = next(d for d in "0123456789" if luhn_valid(digits + d))
    return f"{digits[:6]}-{digits[6:]}{check}"


def bench_nomination(n: int, *, edition, applicant, status: str, city: str, **fields):
    """The n-th bench nomination: every text field filled to a realistic length; a deck unless a draft."""
    from nominations.models import Nomination

    submitted = status != "draft"
    return Nomination(
        edition=edition,
        submitted_by=applicant,
        status=status,
        startup_name=f"Startup {n:05d} AB",
        org_number=org_number(n),
        website=f"https://startup{n}.example",
        founded_year=2015 + n % 10,
        sector=SECTORS[n % len(SECTORS)],
        stage=STAGES[n % len(STAGES)],
        team_size=1 + n % 40,
        city=city,
        flemingsberg_tie=FILLER[:500],
        contact_name=f"Founder {n}",
        contact_phone=f"08-{n:06d}",
        pitch=FILLER[:150],
        problem=FILLER[:1400],
        solution=FILLER[:1400],
        innovation=FILLER[:1000],
        market=FILLER[:1000],
        team=FILLER[:800],
        impact=FILLER[:800],
        pitch_deck="decks/bench.pdf" if submitted else "",
        pitch_deck_name="deck.pdf" if submitted else "",
        **fields,
    )


def populate(count: int):
    """One edition closed for nominations (screening phase), its nominations, their applicants and
    a short audit history each; everything through bulk_create."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from accounts.models import User
    from awards.models import Award, Edition
    from core.models import AuditEvent
    from nominations.models import Nomination

    now = timezone.now()
    award, _ = Award.objects.get_or_create(slug="startup", defaults={"name": "Flemingsberg Science Award STARTUP"})
    edition = Edition.objects.create(
        award=award,
        year=2040,
        nominations_open_at=now - timedelta(days=40),
        nominations_close_at=now - timedelta(days=2),
        scoring_open_at=now + timedelta(days=10),
        scoring_close_at=now + timedelta(days=30),
        announce_at=now + timedelta(days=40),
    )
    organiser = User.objects.create_user("organiser@bench.example", is_staff=True)
    organiser.groups.add(Group.objects.get_or_create(name=settings.ORGANISERS_GROUP)[0])
    TOTP.activate(organiser, generate_totp_secret())  # organisers need two-factor authentication

    no_password = make_password(None)
    applicants = User.objects.bulk_create(
        [User(email=f"founder{n}@startup{n}.example", name=f"Founder {n}", password=no_password) for n in range(count)],
        batch_size=500,
    )
    nominations = []
    for n, applicant in enumerate(applicants):
        status = STATUS_MIX[n % len(STATUS_MIX)]
        submitted_at = now - timedelta(days=3, minutes=n)
        nominations.append(
            bench_nomination(
                n,
                edition=edition,
                applicant=applicant,
                status=status,
                city=CITIES[n % len(CITIES)],
                language="sv" if n % 3 else "en",
                consent_at=submitted_at if status != "draft" else None,
                submitted_at=submitted_at if status != "draft" else None,
                screened_at=now - timedelta(hours=n % 48) if status in {"eligible", "ineligible"} else None,
                screened_by=organiser if status in {"eligible", "ineligible"} else None,
                ineligible_reason="Founded outside Sweden." if status == "ineligible" else "",
            )
        )
    nominations = Nomination.objects.bulk_create(nominations, batch_size=500)

    content_type = ContentType.objects.get_for_model(Nomination)
    events = []
    for nomination in nominations:
        for action in ("nomination.created", "nomination.updated", "nomination.submitted"):
            events.append(
                AuditEvent(
                    actor=nomination.submitted_by,
                    actor_label=nomination.submitted_by.email,
                    action=action,
                    object_type=content_type,
                    object_id=str(nomination.pk),
                    object_label=nomination.startup_name,
                )
            )
    AuditEvent.objects.bulk_create(events, batch_size=1000)
    return edition, organiser, nominations[len(nominations) // 2]


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def measure(client, url: str, repeat: int) -> tuple[float, float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def fetch():
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        # Streaming responses (the CSV) do their work while being read.
        return b"".join(response.streaming_content) if response.streaming else response.content

    with CaptureQueriesContext(connection) as queries:
        size = len(fetch())
    query_count = len(queries)  # now: the next request empties the log it reads from
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        fetch()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), percentile(timings, 0.95), query_count, size


@contextmanager
def throwaway_database(prefix: str):
    """Set Django up on a scratch database (a temporary SQLite file, or a test_<name>_<pid> database beside
    DATABASE_URL's), migrate it, and remove it afterwards."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    scratch = Path(tempfile.mkdtemp(prefix=prefix))
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'main.sqlite3'}"
    os.environ.setdefault("MEDIA_ROOT", str(scratch / "media"))

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    if connection.vendor == "sqlite":
        connection.settings_dict["TEST"]["NAME"] = str(scratch / "bench.sqlite3")
    # Not setup_test_environment(): its template instrumentation would be measured too.
    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    original_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        yield connection
    finally:
        connection.creation.destroy_test_db(original_name, verbosity=0)
        shutil.rmtree(scratch, ignore_errors=True)


def print_measurements(client, pages: list[tuple[str, str, int]]) -> None:
    print(f"{'page':<22}{'runs':>6}{'median ms':>12}{'p95 ms':>10}{'queries':>9}{'KiB':>9}")
    for name, url, repeat in pages:
        median, p95, queries, size = measure(client, url, repeat)
        print(f"{name:<22}{repeat:>6}{median:>12.1f}{p95:>10.1f}{queries:>9}{size / 1024:>9.0f}")


def main() -> None:
    args = parse_args()
    started = time.perf_counter()
    with throwaway_database("bench-screening-") as connection:
        from django.conf import settings
        from django.test import Client
        from django.urls import reverse

        edition, organiser, sample = populate(args.nominations)
        print(
            f"{connection.vendor} database {connection.settings_dict['NAME']}: migrated and filled with "
            f"{args.nominations} nominations in {time.perf_counter() - started:.1f} s"
        )
        client = Client()
        client.force_login(organiser)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        list_url = reverse("nominations:organiser_list", args=[edition.pk])
        export_repeat = max(1, min(args.repeat, 10))
        listed = edition.nominations.exclude(status="draft").count()
        last_page = max(1, math.ceil(listed / 50))
        pages = [
            ("list, first page", list_url, args.repeat),
            ("list, search + sort", f"{list_url}?q=startup+01&sector=medtech&sort=-submitted", args.repeat),
            ("list, last page", f"{list_url}?page={last_page}", args.repeat),
            ("detail", reverse("nominations:organiser_detail", args=[sample.pk]), args.repeat),
            ("editions", reverse("nominations:organiser_editions"), args.repeat),
            ("export CSV", reverse("nominations:organiser_export", args=[edition.pk, "csv"]), export_repeat),
            ("export XLSX", reverse("nominations:organiser_export", args=[edition.pk, "xlsx"]), export_repeat),
        ]
        print_measurements(client, pages)


if __name__ == "__main__":
    main()
