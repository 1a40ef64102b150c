"""allauth's rate limits on login, sign-up and password reset; the admin signs in through the same login."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from core.models import OutboundEmail
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # tests/factories.py
TOO_MANY = "Too many failed login attempts"


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"


def fail_login(client, email: str, ip: str, url: str | None = None):
    return client.post(url or reverse("account_login"), {"login": email, "password": "wrong"}, REMOTE_ADDR=ip)


def test_sixth_failed_login_for_one_account_is_refused_from_any_address(client):
    user = UserFactory()
    for n in range(5):
        assert TOO_MANY not in fail_login(client, user.email, f"198.51.100.{n}").content.decode()

    response = client.post(
        reverse("account_login"), {"login": user.email, "password": PASSWORD}, REMOTE_ADDR="203.0.113.9"
    )

    assert TOO_MANY in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_account_can_log_in_again_after_five_minutes(client):
    user = UserFactory()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(5):
            fail_login(client, user.email, "198.51.100.1")
        clock.shift(timedelta(minutes=5, seconds=1))
        response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_failures_on_one_account_do_not_lock_out_another(client):
    victim, other = UserFactory(), UserFactory()
    for _ in range(5):
        fail_login(client, victim.email, "198.51.100.1")

    response = client.post(reverse("account_login"), {"login": other.email, "password": PASSWORD})

    assert response.status_code == 302


def test_admin_login_is_the_rate_limited_login(client):
    staff = UserFactory(is_staff=True, is_superuser=True)

    response = client.get(reverse("admin:login"), {"next": reverse("admin:index")})
    assert response.status_code == 302
    login_url = response["Location"]
    assert login_url.startswith(reverse("account_login"))

    for _ in range(5):
        fail_login(client, staff.email, "198.51.100.1", url=login_url)
    response = client.post(login_url, {"login": staff.email, "password": PASSWORD})

    assert TOO_MANY in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_posting_credentials_to_the_admin_login_itself_logs_nobody_in(client):
    staff = UserFactory(is_staff=True, is_superuser=True)

    response = client.post(reverse("admin:login"), {"username": staff.email, "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


def test_sign_up_is_limited_per_address(client):
    def sign_up(n: int):
        data = {"email": f"new{n}@startup.example", "password1": "a-long-pass-9x", "password2": "a-long-pass-9x"}
        return client.post(reverse("account_signup"), data, REMOTE_ADDR="198.51.100.7")

    responses = [sign_up(n) for n in range(20)]
    assert all(r.status_code == 302 for r in responses)

    assert sign_up(20).status_code == 429
    assert sign_up(21).status_code == 429
    assert client.post(reverse("account_signup"), {}, REMOTE_ADDR="198.51.100.8").status_code == 200


def test_password_reset_is_limited_per_account(client):
    user = UserFactory()
    for n in range(5):
        response = client.post(reverse("account_reset_password"), {"email": user.email}, REMOTE_ADDR=f"198.51.100.{n}")
        assert response.status_code == 302
    sent = OutboundEmail.objects.count()

    response = client.post(reverse("account_reset_password"), {"email": user.email}, REMOTE_ADDR="203.0.113.9")

    assert response.status_code == 429
    assert OutboundEmail.objects.count() == sent == 5
