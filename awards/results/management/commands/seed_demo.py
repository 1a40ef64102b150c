"""Demo data for the embedded default: the award, the 2023 edition and its winner, an open current
edition, and one verified account per role. Safe to run again: it updates, never duplicates."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from awards.models import Award, Edition
from awards.selectors import AWARD_SLUG
from nominations.models import Nomination
from nominations.validators import luhn_check_digit

from ...demo.startups import INELIGIBLE_REASON, LONG_TEXTS, STARTUPS

STOCKHOLM = ZoneInfo("Europe/Stockholm")

DEMO_ACCOUNTS = [
    # (role, e-mail, name, password, staff, organiser)
    ("organiser", "organiser@demo.flemingsbergscience.se", "Olivia Organiser", "demo-organiser-pass", True, True),
    ("jury chair", "chair@demo.flemingsbergscience.se", "Charlotte Chair", "demo-chair-pass", False, False),
    ("juror", "juror@demo.flemingsbergscience.se", "Johan Juror", "demo-juror-pass", False, False),
    ("startup", "startup@demo.flemingsbergscience.se", "Sara Startup", "demo-startup-pass", False, False),
]

AWARD_TEXTS = {
    "name": "Flemingsberg Science Award STARTUP",
    "tagline_sv": "Priset till startupbolaget som visar vad campus i Flemingsberg kan åstadkomma.",
    "tagline_en": "The award for the startup that shows what the Flemingsberg campus can achieve.",
    "description_sv": (
        "Stiftelsen Flemingsberg Science delar ut Flemingsberg Science Award STARTUP till ett ungt bolag "
        "med rötter i Flemingsberg i södra Stockholm, ett campus starkt inom life science.\n\n"
        "Stiftelsens strategi siktar på att Flemingsberg ska vara förstahandsvalet för etableringar i södra "
        "Stockholm, erbjuda en internationellt konkurrenskraftig innovationsmiljö och en testbädd för "
        "samhällsutmaningar."
    ),
    "description_en": (
        "The Flemingsberg Science foundation presents the Flemingsberg Science Award STARTUP to a young "
        "company rooted in Flemingsberg in southern Stockholm, a campus strong in life science.\n\n"
        "The foundation's strategy aims for Flemingsberg to be the first choice for companies establishing "
        "themselves in southern Stockholm, an internationally competitive innovation environment and a test "
        "bed for the challenges of society."
    ),
}


def demo_pitch_deck(title: str) -> bytes:
    """A one-page PDF standing in for the startup's deck."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=842, height=595)
    writer.add_metadata({"/Title": title})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _stockholm(day, at=time(12, 0)) -> datetime:
    return datetime.combine(day, at, tzinfo=STOCKHOLM)


class Command(BaseCommand):
    help = "Create or refresh the demo award, editions and accounts (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the demo logins.")

    @transaction.atomic
    def handle(self, *args, **options):
        award, _ = Award.objects.update_or_create(slug=AWARD_SLUG, defaults=AWARD_TEXTS)
        past = self._edition_2023(award)
        Nomination.objects.update_or_create(
            edition=past,
            startup_name="Scientify Research",
            defaults={
                "status": Nomination.Status.WINNER,
                "website": "https://www.scientifyresearch.com",
                "pitch": "Webbtjänsten samlar forskningsfinansiering från hela världen i en öppen databas.",
            },
        )
        current = self._edition_current(award)
        organisers, _ = Group.objects.get_or_create(name=settings.ORGANISERS_GROUP)
        accounts = {}
        for role, email, name, password, staff, organiser in DEMO_ACCOUNTS:
            accounts[role] = self._account(email, name, password, staff=staff, group=organisers if organiser else None)
        self._nominations(current, startup_user=accounts["startup"], organiser=accounts["organiser"])

        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready: {award.name}, editions {past.year} and {current.year}.")
        )
        if not options["quiet_logins"]:
            self.stdout.write("Demo logins (e-mail / password):")
            for role, email, _name, password, _staff, _org in DEMO_ACCOUNTS:
                self.stdout.write(f"  {role:<10} {email:<42} {password}")

    def _edition_2023(self, award: Award) -> Edition:
        # The 2023 award was presented in December 2022 (the foundation's newsletter of 21 December 2022).
        edition, _ = Edition.objects.update_or_create(
            award=award,
            year=2023,
            defaults={
                "nominations_open_at": _stockholm(datetime(2022, 9, 1).date(), time(9, 0)),
                "nominations_close_at": _stockholm(datetime(2022, 10, 16).date(), time(23, 59)),
                "scoring_open_at": _stockholm(datetime(2022, 10, 24).date(), time(9, 0)),
                "scoring_close_at": _stockholm(datetime(2022, 11, 20).date(), time(23, 59)),
                "announce_at": _stockholm(datetime(2022, 12, 8).date(), time(18, 0)),
                "intro_sv": "Flemingsbergs Science Award STARTUP 2023 gick till Scientify Research.",
                "intro_en": "The Flemingsberg Science Award STARTUP 2023 went to Scientify Research.",
            },
        )
        return edition

    def _edition_current(self, award: Award) -> Edition:
        # Open now, whatever the date: nominations opened two weeks ago and close in six weeks.
        today = timezone.localdate(timezone=STOCKHOLM)
        opens = today - timedelta(days=14)
        closes = today + timedelta(days=42)
        defaults = {
            "nominations_open_at": _stockholm(opens, time(9, 0)),
            "nominations_close_at": _stockholm(closes, time(23, 59)),
            "scoring_open_at": _stockholm(closes + timedelta(days=7), time(9, 0)),
            "scoring_close_at": _stockholm(closes + timedelta(days=35), time(23, 59)),
            "announce_at": _stockholm(closes + timedelta(days=49), time(18, 0)),
            "intro_sv": "Nomineringen är öppen. Startupbolag med koppling till Flemingsberg är välkomna att söka.",
            "intro_en": "Nominations are open. Startups with ties to Flemingsberg are welcome to apply.",
            "eligibility_sv": (
                "Bolaget är registrerat i Sverige, högst fem år gammalt och har en tydlig koppling till "
                "Flemingsberg: forskning, lokaler eller samarbete på campus."
            ),
            "eligibility_en": (
                "The company is registered in Sweden, at most five years old and has a clear tie to "
                "Flemingsberg: research, premises or collaboration on campus."
            ),
            "prize_sv": "Vinnaren får prissumma, ett år i coworkingmiljön A Working Lab och synlighet i stiftelsens kanaler.",
            "prize_en": "The winner receives prize money, a year at the A Working Lab coworking space and visibility in the foundation's channels.",
        }
        existing = Edition.objects.filter(award=award, announce_at__gt=timezone.now()).order_by("year").first()
        if existing is not None:
            for field, value in defaults.items():
                setattr(existing, field, value)
            existing.save()
            return existing
        edition, _ = Edition.objects.update_or_create(award=award, year=defaults["announce_at"].year, defaults=defaults)
        return edition

    def _nominations(self, edition: Edition, *, startup_user, organiser) -> None:
        """A dozen nominations in the open edition; the demo startup account owns the first one."""
        User = get_user_model()
        now = timezone.now()
        for index, row in enumerate(STARTUPS):
            name, base, sector, stage, founded, team, city, status, pitch, tie = row
            org_number = f"{base[:6]}-{base[6:]}{luhn_check_digit(base)}"
            if index == 0:
                owner = startup_user
            else:
                slug = name.split()[0].lower()
                owner, created = User.objects.get_or_create(
                    email=f"founder@{slug}.demo", defaults={"name": f"{name} founder"}
                )
                if created:
                    owner.set_unusable_password()
                    owner.save(update_fields=["password"])
            submitted = status != Nomination.Status.DRAFT
            nomination, _ = Nomination.objects.update_or_create(
                edition=edition,
                org_number=org_number,
                defaults={
                    "submitted_by": owner,
                    "startup_name": name,
                    "status": status,
                    "website": f"https://www.{name.split()[0].lower()}.example",
                    "founded_year": founded,
                    "sector": sector,
                    "stage": stage,
                    "team_size": team,
                    "city": city,
                    "flemingsberg_tie": tie,
                    "contact_name": owner.name,
                    "contact_phone": f"+46 8 555 010 {index:02d}",
                    "pitch": pitch,
                    **LONG_TEXTS,
                    "consent_at": now if submitted else None,
                    "submitted_at": now - timedelta(days=12 - index) if submitted else None,
                    "ineligible_reason": INELIGIBLE_REASON if status == Nomination.Status.INELIGIBLE else "",
                    "screened_by": organiser if status in ("eligible", "ineligible") else None,
                    "screened_at": now if status in ("eligible", "ineligible") else None,
                },
            )
            if not nomination.pitch_deck:
                nomination.pitch_deck_name = f"{name} pitch deck.pdf"
                nomination.pitch_deck.save("deck.pdf", ContentFile(demo_pitch_deck(name)), save=False)
                nomination.save(update_fields=["pitch_deck", "pitch_deck_name"])

    def _account(self, email: str, name: str, password: str, *, staff: bool, group: Group | None):
        User = get_user_model()
        user, _ = User.objects.update_or_create(
            email=email, defaults={"name": name, "is_staff": staff, "is_active": True}
        )
        user.set_password(password)
        user.save(update_fields=["password"])
        if group is not None:
            user.groups.add(group)
        EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        return user
