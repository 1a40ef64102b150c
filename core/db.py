"""Small reads that run on nearly every request, in plain SQL: for a one-row check the ORM spends about
three times as long building and compiling the query as the database takes to answer it."""

from contextlib import contextmanager

from django.conf import settings
from django.db import connections, router

# psycopg prepares a statement after this many executions (Django turns that off: None); a large number keeps
# Django's own queries unprepared, while prepared_cursor() asks for every one of its statements.
_ONLY_WHEN_ASKED = 2**31 - 1


def _preparing_cursor_class():
    from django.db.backends.postgresql.base import ServerBindingCursor

    class PreparingCursor(ServerBindingCursor):
        """psycopg's server-side binding cursor, each statement prepared (once per connection, by psycopg)."""

        def execute(self, query, params=None, *, prepare=None, binary=None):
            return super().execute(query, params, prepare=True, binary=binary)

    return PreparingCursor


_preparing_cursor = None


@contextmanager
def prepared_cursor(connection):
    """A cursor for our plain-SQL reads that run on (nearly) every request, with %s for every value: on
    PostgreSQL each statement is a prepared statement of the connection, so it is parsed and planned once per
    connection rather than on every request (planning cost the database more than running these reads). It is
    wrapped as connection.cursor() is, so query logging, execute_wrapper() and query counts see it. Elsewhere,
    or with settings.DATABASE_PREPARED_READS off (a pooler that drops prepared statements), the usual cursor."""
    global _preparing_cursor
    if connection.vendor != "postgresql" or not settings.DATABASE_PREPARED_READS:
        with connection.cursor() as cursor:
            yield cursor
        return
    if _preparing_cursor is None:
        _preparing_cursor = _preparing_cursor_class()
    connection.close_if_health_check_failed()  # as connection.cursor() does
    connection.ensure_connection()
    connection.validate_thread_sharing()
    raw = connection.connection
    if raw.prepare_threshold is None:
        raw.prepare_threshold = _ONLY_WHEN_ASKED
    with connection.wrap_database_errors:
        cursor = _preparing_cursor(raw)
    wrapped = connection.make_debug_cursor(cursor) if connection.queries_logged else connection.make_cursor(cursor)
    with wrapped:
        yield wrapped


_statements: dict[tuple, str] = {}  # (the function that writes it, database alias) -> the statement


def prepared_read(model, write_sql, params: list, *, many: bool = False, using: str | None = None):
    """Run one of our plain-SQL reads on `model`'s database (the router's, or `using`) through
    prepared_cursor(). `write_sql(connection)` writes the statement; it is written once per database and kept.
    Returns the connection (for models_from_row()) and the first row (None if none) or, with `many`, every row."""
    connection = connections[using or router.db_for_read(model)]
    key = (write_sql, connection.alias)
    sql = _statements.get(key)
    if sql is None:
        sql = _statements[key] = write_sql(connection)
    with prepared_cursor(connection) as cursor:
        cursor.execute(sql, params)
        return connection, cursor.fetchall() if many else cursor.fetchone()


def row_exists(model, where: str, params: list) -> bool:
    """Whether `model`'s table has a row matching `where` (SQL we write, with %s for every value)."""
    connection = connections[router.db_for_read(model)]
    table = connection.ops.quote_name(model._meta.db_table)
    with prepared_cursor(connection) as cursor:
        cursor.execute(f"SELECT 1 FROM {table} WHERE {where} LIMIT 1", params)  # noqa: S608  # nosec B608 - our SQL; values as %s
        return cursor.fetchone() is not None


def model_columns(model, alias: str, connection) -> str:
    """`alias`.column for each of `model`'s concrete fields, in their order: the select list that
    model_from_values() reads back."""
    quote = connection.ops.quote_name
    return ", ".join(f"{alias}.{quote(field.column)}" for field in model._meta.concrete_fields)


_readers: dict[tuple[str, type], tuple[list, list[str], int]] = {}


def _reader(model, connection) -> tuple[list, list[str], int]:
    """Per field, the converters the ORM's compiler applies to a selected column (the backend's, then the
    field's); the fields' attribute names; the primary key's position."""
    key = (connection.alias, model)
    if key not in _readers:
        fields = model._meta.concrete_fields
        converters = []
        for field in fields:
            column = field.get_col(model._meta.db_table)
            converters.append((column, connection.ops.get_db_converters(column) + column.get_db_converters(connection)))
        pk_index = next(i for i, field in enumerate(fields) if field.primary_key)
        _readers[key] = (converters, [field.attname for field in fields], pk_index)
    return _readers[key]


def model_from_values(model, values, connection):
    """The instance the ORM would build from these values of model_columns()' select list; None for a
    LEFT JOIN's empty row (its primary key is NULL)."""
    converters, attnames, pk_index = _reader(model, connection)
    if values[pk_index] is None:
        return None
    converted = []
    for value, (column, field_converters) in zip(values, converters, strict=True):
        if value is not None:
            for converter in field_converters:
                value = converter(value, column, connection)
        converted.append(value)
    return model.from_db(connection.alias, attnames, converted)


def models_from_row(row, models: list, connection) -> list:
    """One instance (or None) per model from a row whose select list is each model's model_columns() in turn."""
    instances, start = [], 0
    for model in models:
        width = len(model._meta.concrete_fields)
        instances.append(model_from_values(model, row[start : start + width], connection))
        start += width
    return instances
