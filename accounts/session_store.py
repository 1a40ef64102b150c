"""Django's database sessions, read together with the logged-in user in one SQL statement.

Every logged-in request reads its session, then its user, then asks a few questions about that user (two-
factor authentication set up? on a jury?). The session row (accounts.models.Session) carries the user's id,
so one statement answers all of it: the session's data, the user's row and each registered fact
(`read_with_session()`). Same rules as Django's store: a session is found only by its key and only until its
expiry date. Writing, rotating, expiring and deleting sessions is Django's own code (SESSION_ENGINE =
"accounts.session_store"); the only addition is the user id written beside the data.

The user read with the session reaches `request.user` only through Django's own `auth.get_user()` (backend,
active flag and session hash checks all Django's): accounts.authentication.AuthenticationMiddleware lets
UserManager.get(pk=...) take it instead of reading the row again, and only for the id the session names.
"""

from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.core.exceptions import ValidationError
from django.db import connections, router
from django.utils import timezone

from core.db import model_columns, model_from_values, prepared_cursor

# Facts about the logged-in user read with the session, by name: each a function of the database connection
# giving an SQL boolean expression over the user's id `u.id` (the apps that own the tables register theirs).
_FACTS: dict[str, Callable] = {}
_SQL: dict[tuple[str, tuple[str, ...]], str] = {}  # (database alias, fact names) -> the statement


def read_with_session(name: str, sql: Callable) -> None:
    """Read this fact about the logged-in user with every session: `sql(connection)` is an SQL boolean
    expression over the user's id `u.id`. Pages find it in `user.facts_read_with_session[name]`, true as of
    the start of the request."""
    _FACTS[name] = sql
    _SQL.clear()


def user_fact(user, name: str) -> bool | None:
    """The fact about this user read with the session, or None if it was not (another user object, or none
    read with a session)."""
    facts = getattr(user, "facts_read_with_session", None)
    return facts.get(name) if facts is not None else None


# The session whose user UserManager.get(pk=...) may take instead of reading the row (set by the middleware
# for the duration of Django's auth.get_user() only).
authenticating_session: ContextVar["SessionStore | None"] = ContextVar("authenticating_session", default=None)


@contextmanager
def authenticating_with(session):
    token = authenticating_session.set(session if isinstance(session, SessionStore) else None)
    try:
        yield
    finally:
        authenticating_session.reset(token)


class SessionStore(DatabaseSessionStore):
    @classmethod
    def get_model_class(cls):
        from .models import Session

        return Session

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        session.user_id = _user_pk(data.get(SESSION_KEY))
        return session

    def _statement(self, connection) -> str:
        from .models import User

        names = tuple(_FACTS)
        key = (connection.alias, names)
        sql = _SQL.get(key)
        if sql is None:
            quote = connection.ops.quote_name
            session_table = quote(self.model._meta.db_table)
            user_table = quote(User._meta.db_table)
            facts = "".join(f", {_FACTS[name](connection)}" for name in names)
            sql = _SQL[key] = (
                f"SELECT s.session_data, {model_columns(User, 'u', connection)}{facts} "  # noqa: S608  # nosec B608 - our tables, columns and facts; values as %s
                f"FROM {session_table} s LEFT OUTER JOIN {user_table} u ON u.{quote(User._meta.pk.column)} = s.user_id "
                "WHERE s.session_key = %s AND s.expire_date > %s"
            )
        return sql

    def _session_data_from_db(self) -> str | None:
        """The stored data of this key's unexpired session, or None (and the key forgotten, as Django does);
        the user it names, with the facts, kept for UserManager.get(pk=...)."""
        from .models import User

        self._user_read = None
        if self.session_key is None:
            return None  # nothing to look for
        using = router.db_for_read(self.model)
        connection = connections[using]
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with prepared_cursor(connection) as cursor:
            cursor.execute(self._statement(connection), [self.session_key, now])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        user_end = 1 + len(User._meta.concrete_fields)
        user = model_from_values(User, row[1:user_end], connection)
        if user is not None:
            user.facts_read_with_session = {
                name: bool(value) for name, value in zip(_FACTS, row[user_end:], strict=True)
            }
            self._user_read = user
        return row[0]

    def load(self) -> dict:
        data = self._session_data_from_db()
        return self.decode(data) if data is not None else {}

    def take_user(self, pk):
        """The user read with this session if it is the one with this primary key, once; else None."""
        user = getattr(self, "_user_read", None)
        if user is None or user.pk != _user_pk(pk):
            return None
        self._user_read = None
        return user


def _user_pk(value):
    from .models import User

    if value is None:
        return None
    try:
        return User._meta.pk.to_python(value)
    except ValidationError:
        return None
