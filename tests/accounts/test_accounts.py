import pytest
import redis
from django.core import mail
from django.db import IntegrityError
from django.urls import reverse

from accounts.models import User
from core.models import OutboundEmail
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_email_is_the_login_and_unique_whatever_its_case():
    User.objects.create_user("Sara@Startup.example", "pw-123456789")

    assert User.objects.get_by_natural_key("sara@startup.example").email == "sara@startup.example"
    with pytest.raises(IntegrityError):
        User.objects.create(email="SARA@startup.example")


def test_signup_requires_email_verification_before_login(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "new@startup.example", "password1": "a-long-pass-phrase-9", "password2": "a-long-pass-phrase-9"},
    )

    assert response["Location"] == reverse("account_email_verification_sent")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new@startup.example"]
    assert OutboundEmail.objects.get().status == OutboundEmail.Status.SENT
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "new@startup.example", "password": "a-long-pass-phrase-9"}
    )
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


def test_password_reset_mail_goes_through_the_outbox(client):
    UserFactory(email="forgot@startup.example")

    client.post(reverse("account_reset_password"), {"email": "forgot@startup.example"})

    assert OutboundEmail.objects.get().recipients == ["forgot@startup.example"]
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_sixth_failed_login_for_one_account_is_refused_even_with_the_right_password(client):
    client.cookies["django_language"] = "en"
    UserFactory(email="target@startup.example")
    for _ in range(5):
        response = client.post(reverse("account_login"), {"login": "target@startup.example", "password": "wrong-1"})
        assert response.status_code == 200

    response = client.post(
        reverse("account_login"), {"login": "target@startup.example", "password": "correct-horse-battery"}
    )

    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_admin_login_goes_through_allauth(client):
    response = client.get(reverse("admin:login"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_admin_is_refused_to_a_user_without_staff_status(client):
    client.force_login(UserFactory())

    assert client.get(reverse("admin:index")).status_code == 302
    assert client.get(reverse("admin:login")).status_code == 403


@pytest.mark.services
def test_rate_limit_counts_in_redis_as_in_production(client, settings, redis_server):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_server.url}
    }
    client.cookies["django_language"] = "en"
    UserFactory(email="target@startup.example")
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "target@startup.example", "password": "wrong-1"})

    response = client.post(
        reverse("account_login"), {"login": "target@startup.example", "password": "correct-horse-battery"}
    )

    assert "Too many failed login attempts" in response.content.decode()
    assert redis.Redis.from_url(redis_server.url).dbsize() > 0
