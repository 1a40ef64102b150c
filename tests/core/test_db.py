"""core.db.prepared_cursor: the plain-SQL reads of every page as prepared statements on PostgreSQL, planned once
per connection, seen by Django's query logging, and the usual cursor elsewhere or when switched off."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from core.db import prepared_cursor
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")

READ = 'SELECT email FROM "accounts_user" WHERE id = %s'


def _prepared_statements() -> list[tuple[str, int]]:
    """This connection's prepared statements that read accounts_user (alone or with the session): (text,
    executions)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement, generic_plans + custom_plans FROM pg_prepared_statements "
            "WHERE statement LIKE %s ORDER BY statement",
            ['%"accounts_user"%'],
        )
        return cursor.fetchall()


def _read(pk: int) -> str | None:
    with prepared_cursor(connection) as cursor:
        cursor.execute(READ, [pk])
        row = cursor.fetchone()
    return row[0] if row else None


def test_prepared_read_answers_as_the_usual_cursor_and_is_logged():
    first, second = UserFactory(email="first@example.org"), UserFactory(email="second@example.org")

    with CaptureQueriesContext(connection) as queries:
        answers = [_read(first.pk), _read(second.pk), _read(second.pk + 1000)]

    assert answers == ["first@example.org", "second@example.org", None]
    assert len(queries) == 3
    assert all(READ.replace("%s", "") in query["sql"].replace("%s", "") for query in queries)


@postgresql_only
def test_a_read_is_prepared_once_per_connection_and_reused():
    users = UserFactory.create_batch(3)

    for user in users:
        assert _read(user.pk) == user.email

    assert _prepared_statements() == [('SELECT email FROM "accounts_user" WHERE id = $1', 3)]


@postgresql_only
def test_django_own_queries_are_not_prepared():
    user = UserFactory()

    for _ in range(10):
        assert User.objects.filter(email=user.email).count() == 1

    assert _prepared_statements() == []


@postgresql_only
def test_a_rollback_drops_the_prepared_reads_and_they_are_prepared_again():
    user = UserFactory()
    assert _read(user.pk) == user.email

    with pytest.raises(RuntimeError), transaction.atomic():
        assert _read(user.pk) == user.email
        raise RuntimeError  # ROLLBACK TO SAVEPOINT: psycopg deallocates every prepared statement

    assert _prepared_statements() == []
    assert _read(user.pk) == user.email
    assert _prepared_statements() == [('SELECT email FROM "accounts_user" WHERE id = $1', 1)]


@postgresql_only
def test_switched_off_the_reads_are_not_prepared(settings):
    settings.DATABASE_PREPARED_READS = False
    user = UserFactory()

    for _ in range(3):
        assert _read(user.pk) == user.email

    assert _prepared_statements() == []


@postgresql_only
def test_a_logged_in_page_reads_its_session_and_user_through_prepared_statements(client):
    user = UserFactory()
    client.force_login(user)

    def session_reads() -> list[int]:
        return [executions for text, executions in _prepared_statements() if '"accounts_user" u ON' in text]

    assert client.get("/accounts/privacy/").status_code == 200
    (before,) = session_reads()
    assert client.get("/accounts/privacy/").status_code == 200

    # The session with its user and the facts about them: one statement, prepared once, run once a request.
    assert session_reads() == [before + 1]
    assert not [text for text, _ in _prepared_statements() if 'WHERE "accounts_user"."id" = $1' in text]
