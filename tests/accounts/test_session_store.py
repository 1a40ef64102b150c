"""Sessions are Django's database sessions with the user's id beside the data, read together with the user
and the facts pages ask about them in one statement; request.user must be what Django's own path gives."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Session, User
from accounts.rules import has_mfa
from accounts.session_store import SessionStore, authenticating_with, user_fact
from jury.rules import is_seated_juror
from jury.selectors import user_is_seated_juror
from tests.factories import JuryMemberFactory, UserFactory, activate_totp_for, edition_in_scoring

pytestmark = pytest.mark.django_db


def _fields(user) -> dict:
    return {field.attname: getattr(user, field.attname) for field in user._meta.concrete_fields}


def _stored_session(**data) -> SessionStore:
    stored = SessionStore()
    for key, value in data.items():
        stored[key] = value
    stored.create()
    return stored


def test_the_site_uses_the_database_store_on_its_own_model(settings):
    from importlib import import_module

    from django.contrib.sessions.backends.base import SessionBase

    store = import_module(settings.SESSION_ENGINE).SessionStore
    assert store is SessionStore
    assert issubclass(store, DjangoSessionStore) and issubclass(store, SessionBase)
    assert store.get_model_class() is Session
    assert Session.get_session_store_class() is SessionStore


def test_a_session_is_stored_with_the_user_its_data_names():
    user = UserFactory()
    logged_in = _stored_session(**{SESSION_KEY: str(user.pk), "language": "sv"})
    anonymous = _stored_session(language="en")
    nonsense = _stored_session(**{SESSION_KEY: "not a number"})

    assert Session.objects.get(session_key=logged_in.session_key).user_id == user.pk
    assert Session.objects.get(session_key=anonymous.session_key).user_id is None
    assert Session.objects.get(session_key=nonsense.session_key).user_id is None

    session = SessionStore(logged_in.session_key)
    assert session.load() == {SESSION_KEY: str(user.pk), "language": "sv"}
    assert session.session_key == logged_in.session_key


def test_the_user_id_follows_the_data_when_the_session_is_saved_again():
    first, second = UserFactory(), UserFactory()
    session = _stored_session(**{SESSION_KEY: str(first.pk)})
    session[SESSION_KEY] = str(second.pk)
    session.save()
    assert Session.objects.get(session_key=session.session_key).user_id == second.pk

    session.flush()  # logout: a new, empty session
    session.save()
    assert Session.objects.get(session_key=session.session_key).user_id is None


def test_an_expired_session_is_not_read_and_its_key_is_forgotten():
    stored = _stored_session(**{SESSION_KEY: str(UserFactory().pk)})
    Session.objects.filter(session_key=stored.session_key).update(expire_date=timezone.now() - timedelta(seconds=1))

    session = SessionStore(stored.session_key)

    assert session.load() == {}
    assert session.session_key is None
    assert SESSION_KEY not in session
    assert session.take_user(stored[SESSION_KEY]) is None


def test_an_unknown_key_reads_nothing():
    session = SessionStore("x" * 32)

    assert session.load() == {}
    assert session.session_key is None


def test_tampered_data_reads_as_an_empty_session():
    stored = _stored_session(**{SESSION_KEY: "42"})
    Session.objects.filter(session_key=stored.session_key).update(session_data="forged:data")

    assert SessionStore(stored.session_key).load() == {}


def test_the_session_the_user_and_the_facts_are_one_query(django_assert_num_queries):
    user = UserFactory(name="Åsa <Öberg>", language="en")
    activate_totp_for(user)
    JuryMemberFactory(user=user, edition=edition_in_scoring())
    stored = _stored_session(**{SESSION_KEY: str(user.pk)})
    expected = User.objects.filter(pk=user.pk).get()

    session = SessionStore(stored.session_key)
    with django_assert_num_queries(1):
        assert session[SESSION_KEY] == str(user.pk)
        with authenticating_with(session):
            read = User.objects.get(pk=str(user.pk))
        assert has_mfa(read) and is_seated_juror(read) and user_is_seated_juror(user=read)

    assert _fields(read) == _fields(expected)
    assert not read._state.adding and read._state.db == "default"
    assert read.facts_read_with_session == {"has_mfa": True, "is_seated_juror": True}


def test_the_facts_are_what_the_checks_read_from_the_database():
    plain, with_mfa, juror = UserFactory(), UserFactory(), UserFactory()
    activate_totp_for(with_mfa)
    JuryMemberFactory(user=juror, edition=edition_in_scoring())
    for user in (plain, with_mfa, juror):
        session = SessionStore(_stored_session(**{SESSION_KEY: str(user.pk)}).session_key)
        session.load()
        with authenticating_with(session):
            read = User.objects.get(pk=user.pk)
        fresh = User.objects.filter(pk=user.pk).get()  # no facts: the checks read the database
        assert user_fact(fresh, "has_mfa") is None
        assert has_mfa(read) == has_mfa(fresh)
        assert is_seated_juror(read) == is_seated_juror(fresh) == user_is_seated_juror(user=fresh)
    assert [has_mfa(u) for u in (plain, with_mfa, juror)] == [False, True, False]
    assert [is_seated_juror(u) for u in (plain, with_mfa, juror)] == [False, False, True]


def test_the_user_read_with_the_session_is_handed_over_once_and_only_for_its_id():
    user, other = UserFactory(), UserFactory()
    session = SessionStore(_stored_session(**{SESSION_KEY: str(user.pk)}).session_key)
    session.load()

    with CaptureQueriesContext(connection) as outside:
        User.objects.get(pk=user.pk)  # not while authenticating: read again
    assert len(outside) == 1

    with authenticating_with(session), CaptureQueriesContext(connection) as during:
        assert User.objects.get(pk=other.pk) == other  # another id: read from the database
        first = User.objects.get(pk=user.pk)  # the session's user: no query
        second = User.objects.get(pk=user.pk)  # once only: read again
    assert len(during) == 2
    assert first == second and first is not second


def test_a_session_row_naming_another_user_than_its_data_logs_in_the_datas_user(client):
    owner, intruder = UserFactory(), UserFactory()
    client.force_login(owner)
    key = client.cookies["sessionid"].value
    Session.objects.filter(session_key=key).update(user_id=intruder.pk)

    response = client.get("/accounts/privacy/")

    assert response.wsgi_request.user == owner


def test_a_session_whose_user_is_gone_logs_nobody_in(client):
    user = UserFactory()
    client.force_login(user)
    key = client.cookies["sessionid"].value
    User.objects.filter(pk=user.pk).delete()

    assert not Session.objects.filter(session_key=key).exists()  # deleting a user deletes its sessions
    response = client.get("/")
    assert not response.wsgi_request.user.is_authenticated


def test_a_logged_in_request_reads_the_session_and_user_once(client):
    user = UserFactory()
    activate_totp_for(user)
    JuryMemberFactory(user=user, edition=edition_in_scoring())
    client.force_login(user)

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")

    assert response.status_code == 200 and response.wsgi_request.user == user
    user_reads = [q["sql"] for q in queries if "accounts_user" in q["sql"]]
    assert len(user_reads) == 1 and "accounts_session" in user_reads[0]
    others = [q["sql"] for q in queries if "accounts_session" not in q["sql"]]
    assert not [sql for sql in others if "mfa_authenticator" in sql or "jury_jurymember" in sql]


def test_live_sessions_are_brought_over_from_djangos_table():
    from importlib import import_module

    from django.apps import apps

    copy_live_sessions = import_module("accounts.migrations.0003_session").copy_live_sessions
    user = UserFactory()
    live = DjangoSessionStore()
    live[SESSION_KEY] = str(user.pk)
    live.create()
    anonymous = DjangoSessionStore()
    anonymous["language"] = "sv"
    anonymous.create()
    expired = DjangoSessionStore()
    expired[SESSION_KEY] = str(user.pk)
    expired.set_expiry(-1)
    expired.create()

    copy_live_sessions(apps, SimpleNamespace(connection=connection))  # it uses the editor's connection only

    copied = {s.session_key: s.user_id for s in Session.objects.all()}
    assert copied == {live.session_key: user.pk, anonymous.session_key: None}
    assert SessionStore(live.session_key)[SESSION_KEY] == str(user.pk)
