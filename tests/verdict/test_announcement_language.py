"""The language outcome e-mails are written in for people with accounts: the one they last used the
site in, remembered at login and on a switch of language."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_logging_in_remembers_the_language(client):
    user = UserFactory(email="juror@jury.example")
    client.cookies["django_language"] = "en"

    client.post(reverse("account_login"), {"login": "juror@jury.example", "password": "correct-horse-battery"})

    user.refresh_from_db()
    assert user.language == "en"


def test_switching_language_remembers_it_on_the_user(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(reverse("set_language"), {"language": "sv", "next": "/"})

    user.refresh_from_db()
    assert response.status_code == 302
    assert user.language == "sv"


def test_an_unknown_language_is_not_stored(client):
    user = UserFactory()
    client.force_login(user)

    client.post(reverse("set_language"), {"language": "de", "next": "/"})

    user.refresh_from_db()
    assert user.language == ""
