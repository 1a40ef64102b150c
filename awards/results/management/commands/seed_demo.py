"""Demo data for the embedded default: the award, the 2023 edition and its winner, an open current
edition, the previous edition in jury scoring (rubric, jury, conflicts of interest, a released plan and
scorecards in every state), and verified accounts for each role. Safe to run again: it updates, never
duplicates."""

from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from awards.models import Award, Criterion, Edition
from awards.selectors import AWARD_SLUG
from awards.services import criteria_save, criterion_levels_save
from jury.models import Assignment, ConflictDeclaration, JuryMember, JuryPlan, JuryRole
from jury.selectors import conflict_reasons
from jury.services.assignments import assignments_generate, jury_plan_release
from jury.services.conflicts import ConflictAnswer, conflict_record, conflicts_declare
from jury.services.scoring import scorecard_save
from nominations.models import Nomination
from nominations.validators import luhn_check_digit

from ...demo import jury as demo_jury
from ...demo.startups import INELIGIBLE_REASON, LONG_TEXTS, SCORING_STARTUPS, STARTUPS

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

# Who may be nominated and what the winner gets: the same in the demo's open and scoring editions.
EDITION_RULES = {
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

    def handle(self, *args, **options):
        with transaction.atomic():
            award, editions, extra_jurors = self._seed()
        # Printed after the commit: the receipts for the demo scorecards go out (to the console, in the
        # embedded default) when it commits, and the logins should stay at the bottom, easy to find.
        past, scoring, current = editions
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {award.name}, editions {past.year} (announced), {scoring.year} (jury scoring) "
                f"and {current.year} (open for nominations)."
            )
        )
        if not options["quiet_logins"]:
            self.stdout.write("Demo logins (e-mail / password):")
            for role, email, _name, password, _staff, _org in DEMO_ACCOUNTS:
                self.stdout.write(f"  {role:<10} {email:<42} {password}")
            for email, _name in extra_jurors:
                self.stdout.write(f"  {'juror':<10} {email:<42} {demo_jury.EXTRA_JUROR_PASSWORD}")
            self.stdout.write(
                f"Organisers and jurors need two-factor authentication. The demo organiser, the chair and every "
                f"demo juror use the TOTP secret "
                f"{demo_jury.DEMO_TOTP_SECRET}: add it to an authenticator app (or run "
                f"`oathtool --totp -b {demo_jury.DEMO_TOTP_SECRET}`) for the code asked after the password."
            )

    def _seed(self):
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
        now = timezone.now()
        self._nominations(
            current, STARTUPS, organiser=accounts["organiser"], first_owner=accounts["startup"],
            submitted_before=now, screened_at=now, phone_series="010",
        )  # fmt: skip

        jury = [(accounts["jury chair"], JuryRole.CHAIR), (accounts["juror"], JuryRole.JUROR)]
        for email, name in demo_jury.EXTRA_JURORS:
            user = self._account(email, name, demo_jury.EXTRA_JUROR_PASSWORD, staff=False, group=None)
            jury.append((user, JuryRole.JUROR))
        # Organisers and jurors need two-factor authentication before any privileged page.
        for user in (accounts["organiser"], *(user for user, _role in jury)):
            self._totp(user)
        scoring = self._edition_in_scoring(award, year=current.year - 1, organiser=accounts["organiser"], jury=jury)
        return award, (past, scoring, current), demo_jury.EXTRA_JURORS

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
            **EDITION_RULES,
        }
        # The newest edition still to be announced: the one in jury scoring is a year older.
        existing = Edition.objects.filter(award=award, announce_at__gt=timezone.now()).order_by("-year").first()
        if existing is not None:
            for field, value in defaults.items():
                setattr(existing, field, value)
            existing.save()
            return existing
        edition, _ = Edition.objects.update_or_create(award=award, year=defaults["announce_at"].year, defaults=defaults)
        return edition

    def _edition_in_scoring(self, award: Award, *, year: int, organiser, jury) -> Edition:
        """The previous edition, its jury scoring now: scoring opened ten days ago and closes in eleven."""
        today = timezone.localdate(timezone=STOCKHOLM)
        timeline = {
            "nominations_open_at": _stockholm(today - timedelta(days=90), time(9, 0)),
            "nominations_close_at": _stockholm(today - timedelta(days=40), time(23, 59)),
            "scoring_open_at": _stockholm(today - timedelta(days=10), time(9, 0)),
            "scoring_close_at": _stockholm(today + timedelta(days=11), time(23, 59)),
            "announce_at": _stockholm(today + timedelta(days=25), time(18, 0)),
        }
        texts = {
            "intro_sv": "Juryn bedömer nu de nominerade bolagen. Vinnaren tillkännages efter juryns överläggning.",
            "intro_en": "The jury is now scoring the nominated startups. The winner is announced after the jury "
            "has deliberated.",
            **EDITION_RULES,
        }
        edition = Edition.objects.filter(award=award, year=year).first()
        played = edition is not None and JuryPlan.objects.filter(edition=edition, released_at__isnull=False).exists()
        dates = dict(timeline)
        if not played:
            # The services refuse to draw assignments once scoring has opened, and to take scores before it:
            # the jury's story is played from the eve of scoring, and scoring opens (the dates move) half-way.
            dates["scoring_open_at"] = timezone.now() + timedelta(days=1)
        edition, _ = Edition.objects.update_or_create(award=award, year=year, defaults={**dates, **texts})
        close = timeline["nominations_close_at"]
        self._nominations(
            edition, SCORING_STARTUPS, organiser=organiser, submitted_before=close,
            screened_at=close + timedelta(days=3), phone_series="020",
        )  # fmt: skip
        # Seated directly: the invitation flow would e-mail the demo jurors a link to accept.
        for user, role in jury:
            JuryMember.objects.update_or_create(edition=edition, user=user, defaults={"role": role})
        if not played:
            self._play_jury(edition, organiser=organiser, jurors=[user for user, _role in jury], timeline=timeline)
        return edition

    def _play_jury(self, edition: Edition, *, organiser, jurors, timeline: dict) -> None:
        """Through the services, as the organiser and the jurors would on the site, so the audit log and
        the scorecard chain record it: the rubric, the conflicts, the plan, the answers, the scores."""
        by_email = {user.email: user for user in jurors}
        criteria = self._rubric(edition, organiser=organiser)

        email, startup, kind, note = demo_jury.ORGANISER_CONFLICT
        juror, nomination = by_email[email], Nomination.objects.get(edition=edition, startup_name=startup)
        conflict_record(
            actor=organiser, juror=juror, nomination=nomination, has_conflict=True, kind=kind, note=note,
            suggestion=conflict_reasons(user=juror, nomination=nomination),
        )  # fmt: skip

        def draw():
            assignments_generate(
                actor=organiser, edition=edition, mode=JuryPlan.Mode.K_PER_NOMINATION,
                jurors_per_nomination=demo_jury.JURORS_PER_NOMINATION, seed=demo_jury.ASSIGNMENT_SEED,
            )  # fmt: skip

        def assigned(juror) -> list[Assignment]:
            return list(
                Assignment.objects.filter(edition=edition, juror=juror)
                .select_related("nomination__edition")
                .order_by("position")
            )

        draw()
        jury_plan_release(actor=organiser, edition=edition)
        for email, (kind, note) in demo_jury.JUROR_CONFLICTS.items():
            juror = by_email[email]
            # The first nomination given to them that nobody is conflicted with yet: with five jurors and
            # three per nomination, a nomination can lose at most two to conflicts, whatever the draw.
            taken = set(
                ConflictDeclaration.objects.filter(nomination__edition=edition, has_conflict=True).values_list(
                    "nomination_id", flat=True
                )
            )
            first = next(a for a in assigned(juror) if a.nomination_id not in taken)
            conflicts_declare(
                actor=juror,
                answers=[ConflictAnswer(nomination_id=first.nomination_id, has_conflict=True, kind=kind, note=note)],
            )
        draw()  # again, as an organiser would: the conflicted jurors are left out, each nomination keeps three

        for juror in jurors:
            submitted, drafts, unanswered = demo_jury.PROGRESS[juror.email]
            mine = assigned(juror)
            answered = max(min(len(mine), submitted + drafts), len(mine) - unanswered)
            answers = [ConflictAnswer(nomination_id=a.nomination_id, has_conflict=False) for a in mine[:answered]]
            if answers:
                conflicts_declare(actor=juror, answers=answers)

        edition.scoring_open_at = timeline["scoring_open_at"]
        edition.save(update_fields=["scoring_open_at"])
        for juror in jurors:
            submitted, drafts, _unanswered = demo_jury.PROGRESS[juror.email]
            for index, assignment in enumerate(assigned(juror)[: submitted + drafts]):
                submit = index < submitted
                nomination = assignment.nomination
                scorecard_save(
                    actor=juror,
                    nomination=nomination,
                    values=_demo_scores(juror.email, nomination.startup_name, criteria, complete=submit),
                    comment=_demo_comment(juror.email, nomination.startup_name) if submit else demo_jury.DRAFT_COMMENT,
                    submit=submit,
                )
        # Released on the eve of scoring as far as the jury can tell; the audit log keeps the true time.
        JuryPlan.objects.filter(edition=edition).update(released_at=timeline["scoring_open_at"] - timedelta(days=3))

    def _rubric(self, edition: Edition, *, organiser) -> list[Criterion]:
        existing = {criterion.position: criterion for criterion in Criterion.objects.filter(edition=edition)}
        changes = []
        for position, (name_sv, name_en, weight, guidance_sv, guidance_en, _levels) in enumerate(demo_jury.RUBRIC):
            data = {
                "position": position, "name_sv": name_sv, "name_en": name_en, "weight": Decimal(weight),
                "guidance_sv": guidance_sv, "guidance_en": guidance_en, "scale_min": 1, "scale_max": 5,
            }  # fmt: skip
            changes.append((existing.get(position), data))
        criteria_save(actor=organiser, edition=edition, changes=changes)
        criteria = list(Criterion.objects.filter(edition=edition).order_by("position"))
        for criterion, row in zip(criteria, demo_jury.RUBRIC, strict=True):
            levels = [
                {"value": value, "descriptor_sv": sv, "descriptor_en": en}
                for value, (sv, en) in enumerate(row[5], start=1)
            ]
            criterion_levels_save(actor=organiser, criterion=criterion, levels=levels)
        return criteria

    def _nominations(
        self, edition: Edition, rows, *, organiser, submitted_before, screened_at, phone_series: str,
        first_owner=None,
    ) -> None:  # fmt: skip
        """The edition's nominations, one per row; `first_owner` (the demo startup account) owns the first."""
        User = get_user_model()
        for index, row in enumerate(rows):
            name, base, sector, stage, founded, team, city, status, pitch, tie = row[:10]
            team_text = row[10] if len(row) > 10 and row[10] else LONG_TEXTS["team"]
            org_number = f"{base[:6]}-{base[6:]}{luhn_check_digit(base)}"
            if index == 0 and first_owner is not None:
                owner = first_owner
            else:
                slug = name.split()[0].lower()
                owner, created = User.objects.get_or_create(
                    email=f"founder@{slug}.demo", defaults={"name": f"{name} founder"}
                )
                if created:
                    owner.set_unusable_password()
                    owner.save(update_fields=["password"])
            submitted = status != Nomination.Status.DRAFT
            screened = status in (Nomination.Status.ELIGIBLE, Nomination.Status.INELIGIBLE)
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
                    "contact_phone": f"+46 8 555 {phone_series} {index:02d}",
                    "pitch": pitch,
                    **LONG_TEXTS,
                    "team": team_text,
                    "consent_at": submitted_before - timedelta(days=len(rows) - index) if submitted else None,
                    "submitted_at": submitted_before - timedelta(days=len(rows) - index) if submitted else None,
                    "ineligible_reason": INELIGIBLE_REASON if status == Nomination.Status.INELIGIBLE else "",
                    "screened_by": organiser if screened else None,
                    "screened_at": screened_at if screened else None,
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

    def _totp(self, user) -> None:
        """The demo TOTP device, as allauth's setup page would make it; reset to the demo secret each run,
        as the password is."""
        from allauth.mfa.models import Authenticator
        from allauth.mfa.totp.internal.auth import TOTP
        from allauth.mfa.utils import encrypt

        authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        if authenticator is None:
            TOTP.activate(user, demo_jury.DEMO_TOTP_SECRET)
        else:
            authenticator.data = {**authenticator.data, "secret": encrypt(demo_jury.DEMO_TOTP_SECRET)}
            authenticator.save(update_fields=["data"])


def _demo_scores(email: str, startup: str, criteria: list[Criterion], *, complete: bool) -> dict[str, int]:
    """The startup's merit on each criterion, shifted by the juror's leniency and a small deterministic
    wobble, kept inside the scale. A draft has the first three criteria only."""
    merit, leniency = demo_jury.MERIT[startup], demo_jury.LENIENCY[email]
    values = {}
    for index, criterion in enumerate(criteria if complete else criteria[:3]):
        wobble = (sum(map(ord, email + startup)) + index) % 3 - 1
        value = merit[index] + leniency + wobble
        values[str(criterion.pk)] = max(criterion.scale_min, min(criterion.scale_max, value))
    return values


def _demo_comment(email: str, startup: str) -> str:
    return demo_jury.COMMENTS[sum(map(ord, email + startup)) % len(demo_jury.COMMENTS)]
