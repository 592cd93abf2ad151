"""Assembling read rows into Arrow: rows parsed one at a time (CSV records off the fast path,
XLSX rows), the clean-up every row gets (strip, empty → null, skip empty rows and repeated
headers), and re-batching to the requested size.

Tables here carry the file's cells as columns `c0..c{n-1}` until `rows_finish` names them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

import pyarrow as pa
import pyarrow.compute as pc

from bansos.intake.read_layout import (
    EXTRA,
    ISSUES,
    RAW,
    ROW,
    ROW_ISSUE_CODES,
    SHEET,
    STRIP_CHARS,
    output_schema,
)


def cell_names(width: int) -> list[str]:
    return [f"c{i}" for i in range(width)]


def piece_schema(width: int) -> pa.Schema:
    return output_schema(cell_names(width))


class RowCollector:
    """Rows given as lists of cell texts; pads short rows, keeps extra cells in `_extra`."""

    def __init__(self, width: int) -> None:
        self.width = width
        self.rows: list[Sequence[str | None]] = []
        self.extra: list[list[str | None] | None] = []
        self.row: list[int] = []
        self.sheet: list[str | None] = []
        self.raw: list[bytes] = []
        self.issues: list[str | None] = []

    def __len__(self) -> int:
        return len(self.row)

    def add(self, cells: Sequence[str | None], *, row: int, raw: bytes,
            issues: tuple[str, ...] = (), sheet: str | None = None) -> None:
        surplus = len(cells) - self.width
        extra: list[str | None] | None = None
        if surplus > 0:
            tail = [(cell or "").strip(STRIP_CHARS) or None for cell in cells[self.width:]]
            if any(tail):  # trailing empty cells carry nothing; filled ones are kept
                extra = tail
                issues += ("row_width_mismatch",)
            cells = cells[:self.width]
        elif surplus < 0:
            if "row_too_long" not in issues:
                issues += ("row_width_mismatch",)
            cells = [*cells, *[None] * -surplus]
        self.rows.append(cells)
        self.extra.append(extra)
        self.row.append(row)
        self.sheet.append(sheet)
        self.raw.append(raw)
        self.issues.append(
            ";".join(code for code in ROW_ISSUE_CODES if code in issues) if issues else None)

    def table(self) -> pa.Table:
        columns = list(zip(*self.rows, strict=True)) if self.rows else [()] * self.width
        arrays = [pa.array(col, type=pa.string()) for col in columns] + [
            pa.array(self.extra, type=pa.list_(pa.string())),
            pa.array(self.row, type=pa.int64()),
            pa.array(self.sheet, type=pa.string()),
            pa.array(self.raw, type=pa.binary()),
            pa.array(self.issues, type=pa.string()),
        ]
        return pa.Table.from_arrays(arrays, schema=piece_schema(self.width))


def rows_finish(table: pa.Table, *, header: Sequence[str], columns: Sequence[str]
                ) -> tuple[pa.Table, pa.Table]:
    """Strip values (empty → null), drop rows with no value at all and rows that repeat the
    header, and name the columns. Returns the table and the `_row`, `_sheet` of the dropped
    header repetitions."""
    cells = [_clean(table.column(i)) for i in range(len(columns))]
    # a row with extra cells or one not read (row_too_long) is never dropped
    droppable = pc.and_(pc.is_null(table.column(EXTRA)),
                        pc.invert(pc.fill_null(pc.match_substring(table.column(ISSUES),
                                                                  "row_too_long"), False)))
    empty = _all(droppable, (pc.is_null(col) for col in cells))
    repeat = _all(droppable, (pc.is_null(col) if not name else
                              pc.fill_null(pc.equal(col, name), False)
                              for col, name in zip(cells, header, strict=True)))
    named = pa.Table.from_arrays(
        cells + [table.column(name) for name in (EXTRA, ROW, SHEET, RAW, ISSUES)],
        schema=output_schema(columns),
    )
    where = table.select([ROW, SHEET])
    if repeat is None:
        repeated = where.slice(0, 0)
        drop = empty
    else:
        repeated = where.filter(repeat)
        drop = repeat if empty is None else pc.or_(empty, repeat)
    return (named if drop is None else named.filter(pc.invert(drop))), repeated


def _all(start: pa.ChunkedArray, masks: Iterable[pa.ChunkedArray]) -> pa.ChunkedArray | None:
    """AND of `start` and `masks`, stopping (None) as soon as no row is left true: most
    blocks have no empty row and no repeated header, and the first column tells."""
    result = start
    for mask in masks:
        result = pc.and_(result, mask)
        if not pc.any(result).as_py():
            return None
    return result


def _clean(column: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    trimmed = pc.utf8_trim(column, characters=STRIP_CHARS)
    return pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, pa.string()), trimmed)


def rebatch(tables: Iterable[pa.Table], *, schema: pa.Schema, batch_rows: int
            ) -> Iterator[pa.RecordBatch]:
    """Cut a stream of tables into record batches of `batch_rows` rows (the last may be
    shorter), holding at most one batch's worth plus one table."""
    pending: list[pa.Table] = []
    count = 0
    for table in tables:
        if not table.num_rows:
            continue
        pending.append(table)
        count += table.num_rows
        while count >= batch_rows:
            merged = pa.concat_tables(pending)
            yield _one_batch(merged.slice(0, batch_rows), schema)
            rest = merged.slice(batch_rows)
            pending, count = [rest], rest.num_rows
    if count:
        yield _one_batch(pa.concat_tables(pending), schema)


def _one_batch(table: pa.Table, schema: pa.Schema) -> pa.RecordBatch:
    combined = table.combine_chunks()
    arrays = [combined.column(i).chunk(0) if combined.column(i).num_chunks else
              pa.array([], type=field.type) for i, field in enumerate(schema)]
    return pa.RecordBatch.from_arrays(arrays, schema=schema)
