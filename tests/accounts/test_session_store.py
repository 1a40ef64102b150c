from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.session_store import SessionStore

pytestmark = pytest.mark.django_db


def test_the_site_uses_the_database_store(settings):
    from importlib import import_module

    from django.contrib.sessions.backends.base import SessionBase

    store = import_module(settings.SESSION_ENGINE).SessionStore
    assert store is SessionStore
    assert issubclass(store, DjangoSessionStore) and issubclass(store, SessionBase)


def test_a_session_django_stored_is_read_back():
    stored = DjangoSessionStore()
    stored["_auth_user_id"] = "42"
    stored["language"] = "sv"
    stored.create()

    session = SessionStore(stored.session_key)

    assert session.load() == {"_auth_user_id": "42", "language": "sv"}
    assert session.session_key == stored.session_key


def test_an_expired_session_is_not_read_and_its_key_is_forgotten():
    stored = SessionStore()
    stored["_auth_user_id"] = "42"
    stored.create()
    Session.objects.filter(session_key=stored.session_key).update(expire_date=timezone.now() - timedelta(seconds=1))

    session = SessionStore(stored.session_key)

    assert session.load() == {}
    assert session.session_key is None
    assert "_auth_user_id" not in session


def test_an_unknown_key_reads_nothing():
    session = SessionStore("x" * 32)

    assert session.load() == {}
    assert session.session_key is None


def test_tampered_data_reads_as_an_empty_session():
    stored = SessionStore()
    stored["_auth_user_id"] = "42"
    stored.create()
    Session.objects.filter(session_key=stored.session_key).update(session_data="forged:data")

    assert SessionStore(stored.session_key).load() == {}


def test_a_saved_session_is_read_with_one_query(django_assert_num_queries):
    stored = SessionStore()
    stored["_auth_user_id"] = "42"
    stored.create()

    with django_assert_num_queries(1):
        assert SessionStore(stored.session_key)["_auth_user_id"] == "42"
