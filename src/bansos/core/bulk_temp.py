"""Arrow tables as temporary database tables, for set-at-a-time updates that join the database
to a batch of rows (a bank's million status lines, a list of accounts): load once with `COPY`
(PostgreSQL) or `executemany` (SQLite), then one `UPDATE … FROM` or `INSERT … SELECT`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pyarrow as pa
from django.db import connections

from bansos.core.bulk_insert import BATCH, _csv_bytes, _piece_rows

_PIECE = 200_000


def _sql_type(arrow_type: pa.DataType, vendor: str) -> str:
    if pa.types.is_integer(arrow_type):
        return "bigint"
    if pa.types.is_boolean(arrow_type):
        return "boolean"
    if pa.types.is_date(arrow_type):
        return "date"
    if pa.types.is_timestamp(arrow_type):
        return "timestamp with time zone" if vendor == "postgresql" else "datetime"
    if pa.types.is_floating(arrow_type):
        return "double precision"
    if pa.types.is_binary(arrow_type) or pa.types.is_large_binary(arrow_type):
        return "bytea" if vendor == "postgresql" else "blob"
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return "text"
    raise TypeError(f"no SQL type for Arrow {arrow_type}")


@contextmanager
def temp_table(*, name: str, table: pa.Table, using: str = "default") -> Iterator[str]:
    """A temporary table `name` holding `table`'s rows (columns and names as in the Arrow
    schema), dropped on exit. Use inside the caller's transaction. `name` is trusted text."""
    if not name.isidentifier():
        raise ValueError(f"bad temporary table name {name!r}")
    connection = connections[using]
    vendor = connection.vendor
    qn = connection.ops.quote_name
    columns = ", ".join(f"{qn(f.name)} {_sql_type(f.type, vendor)}" for f in table.schema)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {qn(name)}")
        cursor.execute(f"CREATE TEMPORARY TABLE {qn(name)} ({columns})")
        names = ", ".join(qn(f.name) for f in table.schema)
        if vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {qn(name)} ({names}) FROM STDIN (FORMAT csv)") as copy:
                for start in range(0, table.num_rows, _PIECE):
                    copy.write(_csv_bytes(table.slice(start, _PIECE), [])[1])
            cursor.execute(f"ANALYZE {qn(name)}")
        else:
            marks = ", ".join(["%s"] * table.num_columns)
            sql = f"INSERT INTO {qn(name)} ({names}) VALUES ({marks})"  # noqa: S608
            for start in range(0, table.num_rows, BATCH):
                cursor.executemany(sql, _piece_rows(table.slice(start, BATCH), ()))
    # Dropped only after success: after an error the transaction is rolled back (which takes
    # the table with it), and a DROP in an aborted PostgreSQL transaction would hide the error.
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {qn(name)}")
