import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse

from accounts.models import User
from accounts.rules import has_mfa, is_organiser
from awards.models import Award, Criterion, CriterionLevel, Edition, Phase
from awards.results.demo.jury import DEMO_TOTP_SECRET
from awards.selectors import edition_current
from core.models import AuditEvent
from jury.models import Assignment, ConflictDeclaration, JuryMember, JuryPlan, Score, Scorecard
from nominations.models import Nomination

pytestmark = pytest.mark.django_db

JUROR = "juror@demo.flemingsbergscience.se"
CHAIR = "chair@demo.flemingsbergscience.se"
ORGANISER = "organiser@demo.flemingsbergscience.se"


def counts():
    return {
        "awards": Award.objects.count(),
        "editions": Edition.objects.count(),
        "nominations": Nomination.objects.count(),
        "users": User.objects.count(),
        "emails": EmailAddress.objects.count(),
        "authenticators": Authenticator.objects.count(),
        "criteria": Criterion.objects.count(),
        "levels": CriterionLevel.objects.count(),
        "jury members": JuryMember.objects.count(),
        "plans": JuryPlan.objects.count(),
        "assignments": Assignment.objects.count(),
        "conflicts": ConflictDeclaration.objects.count(),
        "scorecards": Scorecard.objects.count(),
        "scores": Score.objects.count(),
    }


def scoring_edition() -> Edition:
    return next(e for e in Edition.objects.all() if e.phase == Phase.SCORING)


def open_edition() -> Edition:
    return next(e for e in Edition.objects.all() if e.phase == Phase.NOMINATING)


def test_seed_demo_twice_creates_no_duplicates(capsys):
    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")

    assert counts() == first
    assert {key: first[key] for key in ("awards", "editions", "nominations", "users", "emails")} == {
        "awards": 1,
        "editions": 3,
        "nominations": 22,
        "users": 7 + 20,  # demo accounts, and the founders of the other startups
        "emails": 7,
    }
    assert (first["authenticators"], first["jury members"], first["plans"], first["assignments"]) == (
        6,
        5,
        1,
        24,
    )  # TOTP: the organiser and the five jury members
    assert (first["criteria"], first["levels"]) == (5, 25)
    out = capsys.readouterr().out
    assert "organiser@demo.flemingsbergscience.se" in out and "demo-organiser-pass" in out
    assert "amira@demo.flemingsbergscience.se" in out and DEMO_TOTP_SECRET in out


def test_seed_demo_creates_the_2023_winner_and_an_open_edition():
    call_command("seed_demo", "--quiet-logins")

    winner = Nomination.objects.get(status=Nomination.Status.WINNER)
    assert (winner.startup_name, winner.edition.year) == ("Scientify Research", 2023)
    assert winner.edition.phase == Phase.ANNOUNCED
    assert sorted(e.phase for e in Edition.objects.all()) == sorted([Phase.ANNOUNCED, Phase.SCORING, Phase.NOMINATING])


def test_seed_demo_fills_the_open_edition_with_a_dozen_nominations():
    call_command("seed_demo", "--quiet-logins")

    nominations = Nomination.objects.filter(edition=open_edition())
    assert nominations.count() == 12
    assert set(nominations.values_list("status", flat=True)) == {"draft", "submitted", "eligible", "ineligible"}
    for nomination in nominations:
        nomination.full_clean()  # valid organisation numbers, URLs and limits
        assert nomination.pitch_deck.open("rb").read(5) == b"%PDF-"
    startup = User.objects.get(email="startup@demo.flemingsbergscience.se")
    assert nominations.filter(submitted_by=startup).count() == 1


def test_seed_demo_public_pages_show_the_open_edition_not_the_one_in_scoring():
    call_command("seed_demo", "--quiet-logins")

    current = edition_current(award=Award.objects.get())

    assert current == open_edition()
    assert scoring_edition().year == current.year - 1


def test_seed_demo_accounts_are_verified_and_can_log_in(client):
    call_command("seed_demo", "--quiet-logins")

    assert EmailAddress.objects.filter(verified=True).count() == 7
    assert is_organiser(User.objects.get(email=ORGANISER))
    assert not is_organiser(User.objects.get(email="startup@demo.flemingsbergscience.se"))
    response = client.post(
        "/accounts/login/", {"login": "startup@demo.flemingsbergscience.se", "password": "demo-startup-pass"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_seed_demo_scoring_edition_has_a_rubric_in_both_languages():
    call_command("seed_demo", "--quiet-logins")

    criteria = list(Criterion.objects.filter(edition=scoring_edition()).order_by("position"))

    assert [c.name_en for c in criteria] == [
        "Innovation and scientific strength",
        "Value for society's challenges",
        "Tie to Flemingsberg",
        "Market and business model",
        "Team and ability to deliver",
    ]
    assert [str(c.weight) for c in criteria] == ["3.00", "2.50", "2.00", "1.50", "1.00"]
    for criterion in criteria:
        assert criterion.name_sv and criterion.guidance_sv and criterion.guidance_en
        levels = list(criterion.levels.order_by("value"))
        assert [level.value for level in levels] == [1, 2, 3, 4, 5]
        assert all(level.descriptor_sv and level.descriptor_en for level in levels)


def test_seed_demo_scoring_edition_has_a_jury_and_a_released_plan():
    call_command("seed_demo", "--quiet-logins")
    edition = scoring_edition()

    members = {m.user.email: m.role for m in JuryMember.objects.filter(edition=edition).select_related("user")}
    plan = JuryPlan.objects.get(edition=edition)
    per_nomination = dict(
        Assignment.objects.filter(edition=edition)
        .values_list("nomination__startup_name")
        .annotate(n=Count("id"))
        .values_list("nomination__startup_name", "n")
    )
    eligible = Nomination.objects.filter(edition=edition, status=Nomination.Status.ELIGIBLE)

    assert members[CHAIR] == "chair" and members[JUROR] == "juror"
    assert sorted(members.values()) == ["chair", "juror", "juror", "juror", "juror"]
    assert (plan.mode, plan.jurors_per_nomination) == (JuryPlan.Mode.K_PER_NOMINATION, 3)
    assert plan.released_at is not None and plan.released_at < edition.scoring_open_at
    assert eligible.count() == 8
    assert per_nomination == {name: 3 for name in eligible.values_list("startup_name", flat=True)}
    assert Nomination.objects.filter(edition=edition, status=Nomination.Status.INELIGIBLE).count() == 1
    assert AuditEvent.objects.filter(action="jury.assignments_generated").exists()
    for user in User.objects.filter(jury_seats__edition=edition):
        assert has_mfa(user)


def test_seed_demo_conflicts_are_declared_recorded_and_kept_out_of_the_plan():
    call_command("seed_demo", "--quiet-logins")
    edition = scoring_edition()

    conflicts = ConflictDeclaration.objects.filter(nomination__edition=edition, has_conflict=True)
    sources = sorted(conflicts.values_list("source", flat=True))
    recorded = conflicts.get(source=ConflictDeclaration.Source.ORGANISER)

    assert sources == ["juror", "juror", "organiser"]
    assert all(c.kind and c.note for c in conflicts)
    assert (recorded.juror.email, recorded.nomination.startup_name, recorded.kind) == (
        "maja@demo.flemingsbergscience.se",
        "Dentara AB",
        "adviser",
    )
    assert recorded.recorded_by.email == ORGANISER
    for conflict in conflicts:
        assert not Assignment.objects.filter(juror=conflict.juror, nomination=conflict.nomination).exists()


def test_seed_demo_scorecards_are_submitted_drafts_and_not_started():
    call_command("seed_demo", "--quiet-logins")
    edition = scoring_edition()

    cards = Scorecard.objects.filter(nomination__edition=edition)
    assignments = Assignment.objects.filter(edition=edition)
    submitted = cards.filter(status=Scorecard.Status.SUBMITTED)

    assert submitted.count() == 11
    assert cards.filter(status=Scorecard.Status.DRAFT).count() == 2
    assert assignments.count() - cards.count() == 11  # not started
    assert all(card.scores.count() == 5 for card in submitted)
    assert AuditEvent.objects.filter(action="scorecard.submitted").count() == 11
    juror_cards = cards.filter(juror__email=JUROR)
    assert sorted(juror_cards.values_list("status", flat=True)) == ["draft", "submitted", "submitted"]
    assert assignments.filter(juror__email=JUROR).count() > juror_cards.count()


def current_totp_code() -> str:
    return format_hotp_value(hotp_value(DEMO_TOTP_SECRET, int(time.time()) // 30))


def test_seed_demo_juror_logs_in_with_the_printed_totp_secret_and_opens_the_dashboard(client):
    call_command("seed_demo", "--quiet-logins")
    client.cookies["django_language"] = "en"

    login = client.post(reverse("account_login"), {"login": JUROR, "password": "demo-juror-pass"})
    second_factor = client.post(reverse("mfa_authenticate"), {"code": current_totp_code()})
    dashboard = client.get(reverse("jury:dashboard"))

    assert login["Location"] == reverse("mfa_authenticate")
    assert second_factor.status_code == 302
    assert dashboard.status_code == 200
    html = dashboard.content.decode()
    for assignment in Assignment.objects.filter(juror__email=JUROR).select_related("nomination"):
        assert assignment.nomination.startup_name in html


def test_seed_demo_juror_can_open_their_draft_scorecard(client):
    call_command("seed_demo", "--quiet-logins")
    juror = User.objects.get(email=JUROR)
    draft = Scorecard.objects.get(juror=juror, status=Scorecard.Status.DRAFT)
    client.force_login(juror)

    response = client.get(reverse("jury:score", args=[draft.nomination_id]))

    assert response.status_code == 200
    assert draft.nomination.startup_name in response.content.decode()
