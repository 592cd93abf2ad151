"""Set-at-a-time reads into Arrow: `COPY (query) TO STDOUT` parsed by Arrow's CSV reader on
PostgreSQL (no Python object per row), cursor batches on SQLite. For pipelines that need a
whole column set of millions of rows at once, such as linkage; pages use the ORM."""

from __future__ import annotations

import io

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from django.db import connections

FETCH = 50_000


def query_table(*, sql: str, schema: pa.Schema, using: str = "default") -> pa.Table:
    """The rows of `sql` (a SELECT without parameters, its columns in the order of `schema`)
    as an Arrow table of that schema. Binary columns come back as bytes; the query must not
    take user input (it is inlined into `COPY` on PostgreSQL)."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        return _postgres(connection, sql, schema)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        batches = []
        while rows := cursor.fetchmany(FETCH):
            columns = list(zip(*rows, strict=True))
            batches.append(pa.record_batch(
                [pa.array([_plain(v) for v in col], type=field.type) if pa.types.is_binary(field.type)
                 else pa.array(col, type=field.type) for col, field in zip(columns, schema, strict=True)],
                schema=schema))
    return pa.Table.from_batches(batches, schema=schema)


def _plain(value):
    return bytes(value) if isinstance(value, memoryview) else value


def _postgres(connection, sql: str, schema: pa.Schema) -> pa.Table:
    buffer = io.BytesIO()
    with connection.cursor() as cursor, cursor.cursor.copy(
            f"COPY ({sql}) TO STDOUT (FORMAT csv)") as copy:
        for chunk in copy:
            buffer.write(chunk)
    if buffer.tell() == 0:
        return schema.empty_table()
    buffer.seek(0)
    # Binary columns arrive in bytea's hex text form (`\x0a1b…`): read as text, decode after.
    read_types = {f.name: pa.string() if pa.types.is_binary(f.type) else f.type for f in schema}
    table = pacsv.read_csv(
        buffer,
        read_options=pacsv.ReadOptions(column_names=schema.names, block_size=1 << 24),
        convert_options=pacsv.ConvertOptions(column_types=read_types, strings_can_be_null=True,
                                             quoted_strings_can_be_null=False),
    )
    for i, field in enumerate(schema):
        if pa.types.is_binary(field.type):
            table = table.set_column(i, field, _unhex(table.column(i)))
    return table.cast(schema)


def _unhex(values: pa.ChunkedArray) -> pa.Array:
    texts = pc.utf8_slice_codeunits(values.combine_chunks(), 2)  # drop the `\x`
    return pa.array([None if t is None else bytes.fromhex(t) for t in texts.to_pylist()],
                    type=pa.binary())
