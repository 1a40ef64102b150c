import pytest
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("seed_demo", "--quiet-logins")


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("sv", ["Flemingsberg Science Award STARTUP", "Om priset", "Vinnare 2023", "Scientify Research", "Logga in"]),
        (
            "en",
            ["Flemingsberg Science Award STARTUP", "About the award", "Winner 2023", "Scientify Research", "Log in"],
        ),
    ],
)
def test_landing_page_presents_the_award_in_both_languages(client, demo, language, expected):
    client.cookies["django_language"] = language

    response = client.get(reverse("public:home"))

    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}">' in html
    for text in expected:
        assert text in html


def test_landing_page_shows_the_open_edition(client, demo):
    client.cookies["django_language"] = "en"

    html = client.get(reverse("public:home")).content.decode()

    assert "Open for nominations" in html
    assert "Nominations close" in html


def test_past_winners_lists_2023_scientify_research(client, demo):
    client.cookies["django_language"] = "sv"

    response = client.get(reverse("public:past_winners"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "2023</span>:" in html
    assert "Scientify Research" in html
    assert "forskningsfinansiering från hela världen" in html


def test_landing_page_works_before_any_award_exists(client):
    assert client.get(reverse("public:home")).status_code == 200
    assert client.get(reverse("public:past_winners")).status_code == 404


def test_language_switcher_changes_the_language(client, demo):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/winners/"})

    assert response.status_code == 302
    assert response["Location"] == "/winners/"
    assert '<html lang="en">' in client.get("/winners/").content.decode()


def test_navigation_changes_with_the_role(client, demo):
    from accounts.models import User

    client.cookies["django_language"] = "en"
    anonymous = client.get("/").content.decode()
    client.force_login(User.objects.get(email="startup@demo.flemingsbergscience.se"))
    startup = client.get("/").content.decode()
    client.force_login(User.objects.get(email="organiser@demo.flemingsbergscience.se"))
    organiser = client.get("/").content.decode()

    assert "Sign up" in anonymous and "Log out" not in anonymous
    assert "Log out" in startup and "Organiser area" not in startup
    assert "Organiser area" in organiser
