"""Django's database sessions, read with one SQL statement instead of through the ORM.

Every logged-in request reads its session: the ORM spent about three times as long building and compiling
that query as the database took to answer it. Same table, same rows, same rules: a session is found only
by its key and only until its expiry date. Writing, rotating, expiring and deleting sessions is Django's
own code (SESSION_ENGINE = "accounts.session_store")."""

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connections, router
from django.utils import timezone

from core.db import prepared_cursor


class SessionStore(DatabaseSessionStore):
    def _session_data_from_db(self) -> str | None:
        """The stored data of this key's unexpired session, or None (and the key forgotten, as Django does)."""
        using = router.db_for_read(self.model)
        connection = connections[using]
        table = connection.ops.quote_name(self.model._meta.db_table)
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with prepared_cursor(connection) as cursor:
            cursor.execute(
                f"SELECT session_data FROM {table} WHERE session_key = %s AND expire_date > %s",  # noqa: S608  # nosec B608 - the table's name only
                [self.session_key, now],
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return row[0]

    def load(self) -> dict:
        data = self._session_data_from_db()
        return self.decode(data) if data is not None else {}
