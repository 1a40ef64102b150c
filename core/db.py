"""Small reads that run on nearly every request, in plain SQL: for a one-row check the ORM spends about
three times as long building and compiling the query as the database takes to answer it."""

from django.db import connections, router


def row_exists(model, where: str, params: list) -> bool:
    """Whether `model`'s table has a row matching `where` (SQL we write, with %s for every value)."""
    connection = connections[router.db_for_read(model)]
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {table} WHERE {where} LIMIT 1", params)  # noqa: S608  # nosec B608 - our SQL; values as %s
        return cursor.fetchone() is not None
