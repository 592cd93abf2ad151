"""XLSX (and other workbooks python-calamine opens) read as text, as Excel would show it.

calamine returns each formula's cached value, never the formula. Cells become text here:
integers without `.0`; a number stored as a float too large to be exact (above 2**53, e.g. a
Papua NIK typed into a Number cell) as Excel's 15 significant digits in scientific notation,
so the loss stays visible and the NIK check rejects it instead of a "repaired" wrong number;
dates as ISO `YYYY-MM-DD`. Numbers are read as their value, not their display format (a cell
showing 50% reads 0.5). calamine returns error cells (#N/A, #DIV/0!) as empty: they cannot be
told from blank cells here.

Every worksheet whose header matches the main sheet's (the one with the most named columns)
is read; a sheet with other headers is reported, not merged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path
from typing import TypeVar

import pyarrow as pa
from python_calamine import CalamineSheet, CalamineWorkbook, PasswordError, SheetTypeEnum

from bansos.intake.read_layout import (
    HEADER_SEARCH_ROWS,
    FileIssue,
    FileLayout,
    column_names,
    header_pick,
    read_issue,
    strip_cell,
)
from bansos.intake.read_rows import RowCollector

FLOAT_EXACT_LIMIT = 2**53
PIECE_ROWS = 20_000
_EOCD = b"PK\x05\x06"  # zip end-of-central-directory signature, in the file's last 64 KiB

T = TypeVar("T")


class _Unreadable(Exception):
    def __init__(self, issue: FileIssue) -> None:
        super().__init__(issue.code)
        self.issue = issue


def cell_text(value: object) -> str:
    """A cell value as the text a person would read in Excel."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < FLOAT_EXACT_LIMIT:
            return str(int(value))
        return format(value, ".15G")
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        seconds = int(value.total_seconds())
        return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    return "" if value is None else str(value)


def _guarded(call: Callable[[], T], *, sheet: str | None = None) -> T:
    """Run a calamine call; any failure (including a Rust panic, which pyo3 raises as a
    BaseException) becomes an issue, never a traceback."""
    try:
        return call()
    except PasswordError as exc:
        raise _Unreadable(read_issue("xlsx_encrypted", detail=str(exc))) from exc
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException as exc:  # noqa: B036 - see docstring
        detail = f"{type(exc).__name__}: {exc}"[:500]
        raise _Unreadable(read_issue("xlsx_unreadable", sheet=sheet, detail=detail)) from exc


def _truncated(path: Path) -> bool:
    """A zip whose end record is missing was cut short (zip readers find it at the end)."""
    size = path.stat().st_size
    with path.open("rb") as f:
        f.seek(max(0, size - (1 << 16) - 22))
        return _EOCD not in f.read()


def xlsx_sniff(*, path: Path) -> FileLayout:
    layout = FileLayout(kind="xlsx", encoding=None, delimiter=None, header_row=0, sheets=[],
                        columns=[])
    try:
        if _is_zip(path) and _truncated(path):
            layout.issues.append(read_issue("file_truncated"))
            return layout
        book = _guarded(lambda: CalamineWorkbook.from_path(str(path)))
        with book:
            found = _sheet_headers(book)
    except _Unreadable as exc:
        layout.issues.append(exc.issue)
        return layout
    if not found:
        layout.issues.append(read_issue("file_empty"))
        return layout
    usable = {name: head for name, head in found.items() if head is not None}
    if not usable:
        first = next(iter(found))
        layout.issues.append(read_issue("header_not_found", sheet=first, n=HEADER_SEARCH_ROWS))
        return layout
    # The main sheet has the most named columns (a "Petunjuk" sheet of one text column loses
    # to the list); max keeps the first of equals.
    main = max(usable, key=lambda name: sum(1 for cell in usable[name].cells if cell))
    header = usable[main].cells
    for name, head in found.items():
        if head is None or head.cells != header:
            layout.issues.append(read_issue("sheet_header_mismatch", sheet=name, first=main))
            continue
        layout.sheets.append(name)
        layout.header_rows[name] = head.row
        if head.first_row < head.row:
            layout.issues.append(read_issue("preamble_skipped", row=head.first_row, sheet=name,
                                            first=head.first_row, last=head.row - 1))
    layout.header = header
    layout.columns, naming = column_names(header)
    layout.issues.extend(naming)
    layout.header_row = layout.header_rows[layout.sheets[0]]
    if not any(head.has_data for name, head in usable.items() if name in layout.sheets):
        layout.issues.append(read_issue("file_empty"))
    return layout


def _is_zip(path: Path) -> bool:
    with path.open("rb") as f:
        return f.read(4) == b"PK\x03\x04"


@dataclass(frozen=True)
class _SheetHead:
    row: int  # Excel row number of the header
    cells: list[str]  # stripped, without empty cells at the end
    first_row: int  # first non-blank row (above the header: a title)
    has_data: bool  # a non-blank row after the header that does not repeat it


def _sheet_headers(book: CalamineWorkbook) -> dict[str, _SheetHead | None]:
    """Per worksheet holding any value: its header, or None if none was found."""
    found: dict[str, _SheetHead | None] = {}
    for meta in book.sheets_metadata:
        if meta.typ != SheetTypeEnum.WorkSheet:
            continue
        sheet = _guarded(lambda name=meta.name: book.get_sheet_by_name(name), sheet=meta.name)
        text_rows = _text_rows(sheet)
        rows = list(islice(text_rows, HEADER_SEARCH_ROWS))
        if not rows:
            continue
        at = header_pick([cells for _, cells in rows])
        if at is None:
            found[meta.name] = None
            continue
        number, cells = rows[at]
        header = _trimmed(cells)
        later = (_trimmed(cells) for _, cells in chain(rows[at + 1:], text_rows))
        has_data = any(cells != header for cells in later)
        found[meta.name] = _SheetHead(number, header, rows[0][0], has_data)
    return found


def _trimmed(cells: list[str]) -> list[str]:
    end = len(cells)
    while end and not cells[end - 1]:
        end -= 1
    return cells[:end]


def _text_rows(sheet: CalamineSheet) -> Iterator[tuple[int, list[str]]]:
    """(Excel row number, stripped cell texts) of the non-blank rows. This calamine yields
    rows from the sheet's first row (a test pins it), so the index is the row number."""
    for index, values in enumerate(sheet.iter_rows()):
        cells = [strip_cell(cell_text(value)) for value in values]
        if any(cells):
            yield index + 1, cells


def xlsx_pieces(*, path: Path, layout: FileLayout) -> Iterator[pa.Table]:
    """Tables of the data rows of every sheet in `layout.sheets`, in order."""
    width = len(layout.columns)
    try:
        book = _guarded(lambda: CalamineWorkbook.from_path(str(path)))
        with book:
            for name in layout.sheets:
                sheet = _guarded(lambda name=name: book.get_sheet_by_name(name), sheet=name)
                header_row = layout.header_rows[name]
                collector = RowCollector(width)
                for index, values in enumerate(sheet.iter_rows()):
                    if index < header_row:
                        continue
                    texts = [v if type(v) is str else cell_text(v) for v in values]
                    while texts and not texts[-1]:
                        texts.pop()
                    if not texts:
                        continue
                    cells = texts + [""] * (width - len(texts))  # empty cells at the end
                    collector.add(cells, row=index + 1, raw="\t".join(texts).encode(),
                                  sheet=name)
                    if len(collector) == PIECE_ROWS:
                        yield collector.table()
                        collector = RowCollector(width)
                if len(collector):
                    yield collector.table()
    except _Unreadable as exc:
        layout.issues.append(exc.issue)
