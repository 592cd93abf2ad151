"""Reading program lists (CSV or XLSX) into Arrow record batches, losing nothing.

    layout = file_sniff(path=path)            # detect; problems in layout.issues
    for batch in file_batches(path=path, layout=layout):
        ...                                   # one string column per file column, plus
                                              # _extra, _row, _sheet, _raw, _issues

Every non-empty row of the file is in exactly one batch row; rows that could not be read
properly carry codes in `_issues` (see `read_issue` for their messages) and their original
bytes in `_raw`. Skipped are only blank rows, rows with every cell empty, the header and its
repetitions inside the data (counted in a `header_repeated` issue) and title lines above the
header (a `preamble_skipped` issue). If `layout` has an error, nothing is read.

The kind of file is taken from its first bytes, not its name: a zip is a workbook, an OLE2
compound file is an old .xls or a password-protected workbook, anything else is CSV text.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa

from bansos.intake.read_csv import csv_pieces
from bansos.intake.read_csv_sniff import csv_sniff
from bansos.intake.read_layout import (
    ROW,
    SHEET,
    FileIssue,
    FileLayout,
    output_schema,
    read_issue,
)
from bansos.intake.read_rows import rebatch, rows_finish
from bansos.intake.read_xlsx import xlsx_pieces, xlsx_sniff

__all__ = ["FileIssue", "FileLayout", "file_batches", "file_sniff", "read_issue"]

_WORKBOOK_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")


def file_sniff(*, path: Path) -> FileLayout:
    with path.open("rb") as f:
        magic = f.read(4)
    if magic in _WORKBOOK_MAGIC:
        return xlsx_sniff(path=path)
    return csv_sniff(path=path)


def file_batches(*, path: Path, layout: FileLayout, batch_rows: int = 50_000
                 ) -> Iterator[pa.RecordBatch]:
    """The data rows as record batches of at most `batch_rows` rows, in file order. Issues
    found while reading (row_too_long, header_repeated, file_empty) are appended to
    `layout.issues` as they are found, so record the layout after the last batch."""
    if batch_rows < 1:
        raise ValueError("batch_rows must be at least 1")
    if not layout.ok:
        return
    if layout.kind == "csv":
        pieces = csv_pieces(path=path, layout=layout)
    else:
        pieces = xlsx_pieces(path=path, layout=layout)
    repeated: list[tuple[int, str | None]] = []
    count = 0

    def finished() -> Iterator[pa.Table]:
        nonlocal count
        for piece in pieces:
            table, header_rows = rows_finish(piece, header=layout.header, columns=layout.columns)
            repeated.extend(zip(header_rows.column(ROW).to_pylist(),
                                header_rows.column(SHEET).to_pylist(), strict=True))
            count += table.num_rows
            yield table

    yield from rebatch(finished(), schema=output_schema(layout.columns), batch_rows=batch_rows)
    if repeated:
        row, sheet = repeated[0]
        layout.issues.append(read_issue("header_repeated", row=row, sheet=sheet,
                                        count=len(repeated)))
    if not count and not any(issue.code == "file_empty" for issue in layout.issues):
        layout.issues.append(read_issue("file_empty"))
