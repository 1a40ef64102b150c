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
