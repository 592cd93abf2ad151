"""Set-at-a-time inserts that bypass per-object ORM work: `COPY … FROM STDIN` on PostgreSQL,
`executemany` on SQLite. Callers hand over rows already in database form (encrypted blobs as
bytes, blind indexes as text, dates as `date`); columns they leave out get the model's default,
and `auto_now`/`auto_now_add` fields get the time of the call.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Any

from django.core.management.color import no_style
from django.db import connections, models
from django.utils import timezone

BATCH = 10_000


def _filled_columns(model: type[models.Model], fields: Sequence[str], constants: dict[str, Any],
                    connection) -> tuple[list[str], tuple[Any, ...]]:
    """Database columns of `fields`, plus every other concrete column with its fixed value."""
    meta = model._meta
    given = [meta.get_field(name) for name in fields]
    columns = [f.column for f in given]
    extra_values: list[Any] = []
    now = timezone.now()
    named = {f.attname for f in given}
    for field in meta.concrete_fields:
        if field.attname in named or (field.primary_key and isinstance(field, models.AutoField)):
            continue
        if field.attname in constants:
            value = constants[field.attname]
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now
        elif field.has_default():
            value = field.get_default()
        elif field.null:
            value = None
        else:
            raise ValueError(f"{meta.label}.{field.name} has no default; give it a value")
        columns.append(field.column)
        extra_values.append(field.get_db_prep_save(value, connection))
    return columns, tuple(extra_values)


def _chunks(rows: Iterable[Sequence[Any]], size: int) -> Iterator[list[Sequence[Any]]]:
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield chunk


def rows_insert(*, model: type[models.Model], fields: Sequence[str],
                rows: Iterable[Sequence[Any]], constants: dict[str, Any] | None = None,
                using: str = "default") -> int:
    """Insert `rows` (tuples in the order of `fields`, attnames such as `household_id`) into
    `model`'s table, with `constants` (attname -> Python value) the same on every row; returns
    the number inserted. Runs inside the caller's transaction."""
    connection = connections[using]
    unknown = set(constants or {}) - {f.attname for f in model._meta.concrete_fields}
    if unknown:
        raise ValueError(f"{model._meta.label} has no fields {sorted(unknown)}")
    columns, extra = _filled_columns(model, fields, constants or {}, connection)
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    column_sql = ", ".join(qn(c) for c in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({column_sql}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row((*row, *extra))
                    count += 1
        else:
            # Table and column names come from the model, quoted; values are parameters.
            placeholders = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {table} ({column_sql}) VALUES ({placeholders})"  # noqa: S608
            for chunk in _chunks(rows, BATCH):
                cursor.executemany(sql, [(*row, *extra) for row in chunk])
                count += len(chunk)
        if model._meta.pk.attname in fields:
            # Explicit ids leave PostgreSQL's sequence behind; move it past them.
            for statement in connection.ops.sequence_reset_sql(no_style(), [model]):
                cursor.execute(statement)
    return count
