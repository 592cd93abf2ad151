"""Set-at-a-time inserts that bypass per-object ORM work: `COPY … FROM STDIN` on PostgreSQL,
`executemany` on SQLite. Callers hand over rows already in database form (encrypted blobs as
bytes, blind indexes as text, dates as `date`); columns they leave out get the model's default,
and `auto_now`/`auto_now_add` fields get the time of the call.

`rows_insert` takes Python tuples; `tables_insert` takes Arrow tables and, on PostgreSQL, never
builds a Python object per row: each table is written as CSV by Arrow and streamed to `COPY`.
Pieces are prepared in a worker thread while the previous one is written, so the database
parses (or SQLite inserts, without the GIL) one piece while the next is encrypted.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain, islice
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from django.core.management.color import no_style
from django.db import connections, models
from django.utils import timezone

from bansos.core.ahead import ahead

BATCH = 10_000
_CSV = pacsv.WriteOptions(include_header=False, quoting_style="needed")


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


@dataclass(frozen=True)
class _Target:
    table: str  # quoted table name
    column_sql: str  # quoted column list
    width: int  # columns per row, given and filled
    extra: tuple[Any, ...]  # values of the filled columns, in database form


def _target(model: type[models.Model], fields: Sequence[str], constants: dict[str, Any] | None,
            connection) -> _Target:
    unknown = set(constants or {}) - {f.attname for f in model._meta.concrete_fields}
    if unknown:
        raise ValueError(f"{model._meta.label} has no fields {sorted(unknown)}")
    columns, extra = _filled_columns(model, fields, constants or {}, connection)
    qn = connection.ops.quote_name
    return _Target(table=qn(model._meta.db_table), column_sql=", ".join(qn(c) for c in columns),
                   width=len(columns), extra=extra)


def _insert_sql(target: _Target) -> str:
    # Table and column names come from the model, quoted; values are parameters.
    placeholders = ", ".join(["%s"] * target.width)
    return f"INSERT INTO {target.table} ({target.column_sql}) VALUES ({placeholders})"  # noqa: S608


def _sequence_catch_up(model: type[models.Model], fields: Sequence[str], cursor, connection
                       ) -> None:
    """Explicit ids leave PostgreSQL's sequence behind; move it past them."""
    if model._meta.pk.attname in fields:
        for statement in connection.ops.sequence_reset_sql(no_style(), [model]):
            cursor.execute(statement)


def rows_insert(*, model: type[models.Model], fields: Sequence[str],
                rows: Iterable[Sequence[Any]], constants: dict[str, Any] | None = None,
                using: str = "default") -> int:
    """Insert `rows` (tuples in the order of `fields`, attnames such as `household_id`) into
    `model`'s table, with `constants` (attname -> Python value) the same on every row; returns
    the number inserted. Runs inside the caller's transaction."""
    connection = connections[using]
    target = _target(model, fields, constants, connection)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"COPY {target.table} ({target.column_sql}) FROM STDIN"
            with cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row((*row, *target.extra))
                    count += 1
        else:
            sql = _insert_sql(target)
            for chunk in _chunks(rows, BATCH):
                cursor.executemany(sql, [(*row, *target.extra) for row in chunk])
                count += len(chunk)
        _sequence_catch_up(model, fields, cursor, connection)
    return count


def _bytea_text(values: pa.Array) -> pa.Array:
    """Binary values as PostgreSQL's hex text form (`\\x0a1b…`), nulls kept, without a Python
    object per value: the data buffer is hex-encoded in one call and the offsets doubled."""
    values = pa.concat_arrays([values.cast(pa.binary())])  # offset 0, own buffers
    n = len(values)
    _, offsets_buf, data_buf = values.buffers()
    offsets = np.frombuffer(offsets_buf, dtype=np.int32, count=n + 1)
    start, end = int(offsets[0]), int(offsets[-1])
    hexed = memoryview(data_buf)[start:end].hex().encode("ascii") if end > start else b""
    hex_offsets = ((offsets - start) * 2).astype(np.int32)
    text = pa.StringArray.from_buffers(n, pa.py_buffer(hex_offsets), pa.py_buffer(hexed))
    return pc.if_else(values.is_null(), pa.scalar(None, pa.string()),
                      pc.binary_join_element_wise("\\x", text, ""))


def _csv_table(table: pa.Table, constants: list[tuple[str, str | None]]) -> pa.Table:
    """`table` ready for Arrow's CSV writer: binary columns as hex text, then the constants
    (already in PostgreSQL text form) as columns. Strings are always quoted and nulls left
    empty, which `COPY … (FORMAT csv)` reads as '' and NULL."""
    columns = [_bytea_text(col.combine_chunks()) if pa.types.is_binary(col.type)
               or pa.types.is_large_binary(col.type) else col for col in table.columns]
    n = table.num_rows
    columns += [pa.nulls(n, pa.string()) if text is None else pa.repeat(pa.scalar(text), n)
                for _, text in constants]
    return pa.Table.from_arrays(columns, names=[*table.column_names, *(c for c, _ in constants)])


def _postgres_text(cursor, value: Any) -> str | None:
    """A constant in PostgreSQL's text form, as psycopg would send it."""
    if value is None:
        return None
    from psycopg.adapt import PyFormat, Transformer

    dumper = Transformer.from_context(cursor).get_dumper(value, PyFormat.TEXT)
    return bytes(dumper.dump(value)).decode(cursor.connection.info.encoding)


def _csv_bytes(piece: pa.Table, constants: list[tuple[str, str | None]]) -> tuple[int, Any]:
    out = pa.BufferOutputStream()
    pacsv.write_csv(_csv_table(piece, constants), out, _CSV)
    return piece.num_rows, memoryview(out.getvalue())


def _piece_rows(piece: pa.Table, extra: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    columns = [col.to_pylist() for col in piece.columns]
    if extra:
        columns += [[value] * piece.num_rows for value in extra]
    return list(zip(*columns, strict=True))


def tables_insert(*, model: type[models.Model], tables: Iterable[pa.Table],
                  constants: dict[str, Any] | None = None, using: str = "default") -> int:
    """Insert Arrow `tables` (columns named by attname, the same columns in every table, values
    in database form: encrypted blobs as binary, JSON as text) into `model`'s table, with
    `constants` as in `rows_insert`; returns the number inserted. Runs inside the caller's
    transaction. Tables are taken one at a time, so a generator keeps memory to a few pieces;
    they are produced (and encoded: CSV for `COPY`, tuples for SQLite) in a worker thread
    while the caller's thread writes the one before, so the generator must not use the
    database connection."""
    connection = connections[using]
    pieces = iter(tables)
    first = next(pieces, None)
    if first is None:
        return 0
    fields = first.column_names

    def checked() -> Iterator[pa.Table]:
        for piece in chain([first], pieces):
            if piece.column_names != fields:
                raise ValueError(f"columns changed between tables: {piece.column_names}")
            yield piece

    target = _target(model, fields, constants, connection)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor
            texts = [(f"_const{i}", _postgres_text(raw, v)) for i, v in enumerate(target.extra)]
            sql = f"COPY {target.table} ({target.column_sql}) FROM STDIN (FORMAT csv)"
            with raw.copy(sql) as copy:
                encoded = (_csv_bytes(piece, texts) for piece in checked())
                for n, data in ahead(encoded, name="bulk-insert"):
                    copy.write(data)
                    count += n
        else:
            sql = _insert_sql(target)
            for rows in ahead((_piece_rows(piece, target.extra) for piece in checked()),
                              name="bulk-insert"):
                cursor.executemany(sql, rows)
                count += len(rows)
        _sequence_catch_up(model, fields, cursor, connection)
    return count
