import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command

from accounts.models import User
from accounts.rules import is_organiser
from awards.models import Award, Edition, Phase
from nominations.models import Nomination

pytestmark = pytest.mark.django_db


def counts():
    return {
        "awards": Award.objects.count(),
        "editions": Edition.objects.count(),
        "nominations": Nomination.objects.count(),
        "users": User.objects.count(),
        "emails": EmailAddress.objects.count(),
    }


def test_seed_demo_twice_creates_no_duplicates(capsys):
    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")

    assert counts() == first == {"awards": 1, "editions": 2, "nominations": 13, "users": 15, "emails": 4}
    out = capsys.readouterr().out
    assert "organiser@demo.flemingsbergscience.se" in out and "demo-organiser-pass" in out


def test_seed_demo_creates_the_2023_winner_and_an_open_edition():
    call_command("seed_demo", "--quiet-logins")

    winner = Nomination.objects.get(status=Nomination.Status.WINNER)
    assert (winner.startup_name, winner.edition.year) == ("Scientify Research", 2023)
    assert winner.edition.phase == Phase.ANNOUNCED
    assert Edition.objects.exclude(year=2023).get().phase == Phase.NOMINATING


def test_seed_demo_fills_the_open_edition_with_a_dozen_nominations():
    call_command("seed_demo", "--quiet-logins")

    current = Edition.objects.exclude(year=2023).get()
    nominations = Nomination.objects.filter(edition=current)
    assert nominations.count() == 12
    assert set(nominations.values_list("status", flat=True)) == {"draft", "submitted", "eligible", "ineligible"}
    for nomination in nominations:
        nomination.full_clean()  # valid organisation numbers, URLs and limits
        assert nomination.pitch_deck.open("rb").read(5) == b"%PDF-"
    startup = User.objects.get(email="startup@demo.flemingsbergscience.se")
    assert nominations.filter(submitted_by=startup).count() == 1


def test_seed_demo_accounts_are_verified_and_can_log_in(client):
    call_command("seed_demo", "--quiet-logins")

    assert EmailAddress.objects.filter(verified=True).count() == 4
    assert is_organiser(User.objects.get(email="organiser@demo.flemingsbergscience.se"))
    assert not is_organiser(User.objects.get(email="startup@demo.flemingsbergscience.se"))
    response = client.post(
        "/accounts/login/", {"login": "startup@demo.flemingsbergscience.se", "password": "demo-startup-pass"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
