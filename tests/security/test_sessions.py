"""Sessions: a new key at login, gone at logout, ended by deactivation, idle and absolute timeouts."""

from datetime import timedelta

import pytest
import time_machine
from allauth.usersessions.models import UserSession
from django.urls import reverse
from django.utils import timezone

from accounts.session_store import SessionStore
from accounts.sessions import user_sessions_end
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # tests/factories.py


def log_in(client, user) -> str:
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    assert client.session.get("_auth_user_id") == str(user.pk)
    return client.session.session_key


def is_logged_in(client) -> bool:
    return client.get(reverse("account_email")).status_code == 200


def test_the_session_key_changes_at_login(client):
    user = UserFactory()
    session = client.session
    session["before_login"] = 1
    session.save()
    anonymous_key = session.session_key

    logged_in_key = log_in(client, user)

    assert anonymous_key and logged_in_key and logged_in_key != anonymous_key
    assert not SessionStore().exists(anonymous_key) and SessionStore().exists(logged_in_key)


def test_logout_ends_the_session_in_the_store(client):
    key = log_in(client, UserFactory())
    assert SessionStore().exists(key)

    client.post(reverse("account_logout"))

    assert not SessionStore().exists(key)
    assert not is_logged_in(client)


def test_deactivating_a_user_ends_every_session_they_have(client, django_user_model):
    from django.test import Client

    user = UserFactory()
    first_key = log_in(client, user)
    other = Client()
    second_key = log_in(other, user)
    assert UserSession.objects.filter(user=user).count() == 2

    user.is_active = False
    user.save()

    assert not SessionStore().exists(first_key) and not SessionStore().exists(second_key)
    assert not is_logged_in(client) and not is_logged_in(other)
    assert not UserSession.objects.filter(user=user).exists()


def test_deactivation_behind_the_models_back_still_logs_out_at_the_next_request(client, django_user_model):
    user = UserFactory()
    client.force_login(user)
    assert is_logged_in(client)

    django_user_model.objects.filter(pk=user.pk).update(is_active=False)

    assert not is_logged_in(client)


def test_deactivation_ends_a_session_missing_from_allauths_list(client):
    user = UserFactory()
    key = log_in(client, user)
    UserSession.objects.filter(user=user).delete()  # the list lost it; the session row still names the user
    assert is_logged_in(client)

    user.is_active = False
    user.save()

    assert not SessionStore().exists(key)
    assert not is_logged_in(client)


def test_user_sessions_end_counts_what_it_ended(client):
    user = UserFactory()
    log_in(client, user)

    assert user_sessions_end(user=user) == 1
    assert not is_logged_in(client)


def test_idle_session_is_logged_out_after_the_idle_timeout(client, settings):
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        log_in(client, UserFactory())
        clock.shift(timedelta(minutes=29))
        assert is_logged_in(client)
        clock.shift(timedelta(minutes=29))  # 29 minutes after the last request: still fine
        assert is_logged_in(client)
        clock.shift(timedelta(minutes=31))
        assert not is_logged_in(client)


def test_expired_session_explains_itself(client, settings):
    client.cookies["django_language"] = "en"
    with time_machine.travel(timezone.now(), tick=False) as clock:
        log_in(client, UserFactory())
        clock.shift(timedelta(seconds=settings.SESSION_IDLE_TIMEOUT + 1))
        response = client.get(reverse("account_email"), follow=True)

    assert "You were logged out because your session expired." in response.content.decode()
    assert response.redirect_chain[0][0].startswith(reverse("account_login"))


def test_active_session_ends_at_the_absolute_timeout(client, settings):
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    settings.SESSION_ABSOLUTE_TIMEOUT = 12 * 60 * 60
    with time_machine.travel(timezone.now(), tick=False) as clock:
        log_in(client, UserFactory())
        for _ in range(12 * 4):  # a request every quarter of an hour for twelve hours: never idle
            clock.shift(timedelta(minutes=15))
            assert is_logged_in(client)
        clock.shift(timedelta(minutes=2))  # 12 h 2 min after the login, 2 minutes after the last request
        assert not is_logged_in(client)


def test_timeouts_are_configurable(client, settings):
    settings.SESSION_IDLE_TIMEOUT = 60
    with time_machine.travel(timezone.now(), tick=False) as clock:
        log_in(client, UserFactory())
        clock.shift(timedelta(seconds=61))
        assert not is_logged_in(client)


def _session_writes(client) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert is_logged_in(client)
    return [query["sql"] for query in queries if "accounts_session" in query["sql"] and "SELECT" not in query["sql"]]


def test_a_request_writes_the_session_at_most_once_a_minute_and_the_idle_clock_still_runs(client, settings):
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    with time_machine.travel(timezone.now(), tick=False) as clock:
        log_in(client, UserFactory())
        clock.shift(timedelta(seconds=59))
        assert _session_writes(client) == []  # the idle stamp is less than a minute old: nothing written
        clock.shift(timedelta(seconds=2))
        assert len(_session_writes(client)) == 1  # a minute old: refreshed
        assert _session_writes(client) == []
        # Idle time counts from the stamp, so a session is never kept more than a minute past the timeout.
        clock.shift(timedelta(minutes=30, seconds=1))
        assert not is_logged_in(client)


def test_a_password_changed_elsewhere_ends_the_other_sessions(client):
    user = UserFactory()
    key = log_in(client, user)
    assert is_logged_in(client)

    user.set_password("another-horse-battery-staple")
    user.save()  # e.g. a password reset on another device: the session's hash no longer matches

    assert not is_logged_in(client)
    assert not SessionStore().exists(key)  # Django's check flushed it


def test_a_session_is_never_handed_a_user_it_does_not_name(client):
    from django.contrib.auth import SESSION_KEY

    owner, other = UserFactory(), UserFactory()
    key = log_in(client, owner)
    session = SessionStore(key)
    session[SESSION_KEY] = str(other.pk)  # the data names another user (its hash is still the owner's)
    session.save()

    assert not is_logged_in(client)  # Django's hash check refuses it; nothing read with the session helped


def test_expired_sessions_are_deleted_daily_and_live_ones_kept(settings):
    from accounts.models import Session
    from accounts.services import sessions_clear_expired
    from accounts.tasks import clear_expired_sessions

    live = SessionStore()
    live["language"] = "sv"
    live.create()
    expired = SessionStore()
    expired["language"] = "en"
    expired.create()
    Session.objects.filter(session_key=expired.session_key).update(expire_date=timezone.now() - timedelta(seconds=1))

    assert clear_expired_sessions.apply().get() == 1
    assert sessions_clear_expired() == 0  # a second run finds nothing
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]
    entry = settings.CELERY_BEAT_SCHEDULE["clear-expired-sessions"]
    assert entry["task"] == "accounts.tasks.clear_expired_sessions"
    assert entry["schedule"] <= 24 * 60 * 60
