"""CSV layout from the first megabyte: encoding, delimiter, header row and column names.

The delimiter is the one under which the header (the first row that looks like column names,
see `header_pick`) has several cells and most rows after it have as many.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bansos.intake.read_csv_scan import (
    DELIMITERS,
    Record,
    line_breaks,
    line_end,
    record_cells,
    record_next,
)
from bansos.intake.read_layout import (
    HEADER_SEARCH_ROWS,
    RECORD_LIMIT,
    FileLayout,
    column_names,
    header_pick,
    read_issue,
    strip_cell,
)

SCORE_ROWS = 50  # records after the header that vote for a delimiter
BOM = b"\xef\xbb\xbf"
_UTF16_32_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")


@dataclass
class _Candidate:
    delimiter: str
    header_at: Record
    header_line: int
    header: list[str]
    score: tuple[bool, bool, int, int, int]
    data_rows: int  # non-empty, non-header records after the header in the sample
    preamble: list[int]  # lines of non-blank records above the header
    fallback: bool


def csv_sniff(*, path: Path) -> FileLayout:
    layout = FileLayout(kind="csv", encoding=None, delimiter=None, header_row=0, sheets=[],
                        columns=[])
    with path.open("rb") as f:
        sample = f.read(RECORD_LIMIT + 1)
    final = len(sample) <= RECORD_LIMIT
    sample = sample[:RECORD_LIMIT]
    bom = len(BOM) if sample.startswith(BOM) else 0
    problem = _not_csv_text(sample)
    if problem:
        layout.issues.append(read_issue(problem))
        return layout
    if not sample[bom:].strip():
        layout.issues.append(read_issue("file_empty"))
        return layout
    candidates = [c for d in DELIMITERS if (c := _sniff_with(sample, bom, d, final))]
    if not candidates:
        if not final and line_end(sample, bom) is None:
            layout.issues.append(read_issue("row_too_long", row=1, size=_first_line_size(path)))
        else:
            layout.issues.append(read_issue("header_not_found", n=HEADER_SEARCH_ROWS))
        return layout
    best = max(candidates, key=lambda c: c.score)  # max keeps the first of equals
    layout.delimiter = best.delimiter
    layout.encoding = "utf-8-sig" if bom else "cp1252" if best.fallback else "utf-8"
    layout.header = best.header
    layout.columns, naming = column_names(best.header)
    layout.issues.extend(naming)
    layout.header_row = best.header_line
    rec = best.header_at
    layout.header_raw = sample[rec.start:rec.end]
    layout.data_offset = rec.end
    layout.data_line = best.header_line + line_breaks(layout.header_raw)
    if best.preamble:
        layout.issues.append(read_issue("preamble_skipped", row=best.preamble[0],
                                        first=best.preamble[0], last=best.header_line - 1))
    if final and not best.data_rows:
        layout.issues.append(read_issue("file_empty"))
    return layout


def _first_line_size(path: Path) -> int:
    """Length of an absurdly long first line, read in bounded chunks."""
    size = 0
    with path.open("rb") as f:
        while chunk := f.read(RECORD_LIMIT):
            end = line_end(chunk, 0)
            if end is not None:
                return size + end
            size += len(chunk)
    return size


def _not_csv_text(sample: bytes) -> str | None:
    if sample.startswith(_UTF16_32_BOMS):
        return "encoding_unsupported"
    if b"\x00" in sample:
        return "file_not_text"
    head = sample.lstrip(BOM + b" \t\r\n")[:512].lower()
    if head.startswith((b"<html", b"<!doctype", b"<?xml", b"<table")):
        return "file_unsupported"
    return None


def _sniff_with(sample: bytes, bom: int, delimiter: str, final: bool) -> _Candidate | None:
    """Read the sample's first records with one delimiter; find the header and score how
    many records after it have the header's width."""
    rows: list[tuple[Record, int, list[str]]] = []
    pos, line, fallback = bom, 1, False
    while pos < len(sample) and len(rows) < HEADER_SEARCH_ROWS + SCORE_ROWS:
        rec = record_next(sample, pos, delimiter=delimiter, final=final)
        if rec is None:
            break
        cells, fell_back = record_cells(sample[rec.start:rec.content_end], delimiter)
        fallback = fallback or fell_back
        stripped = [strip_cell(cell) for cell in cells]
        if any(stripped):
            rows.append((rec, line, stripped))
        line += line_breaks(sample[rec.start:rec.end])
        pos = rec.end
    at = header_pick([cells for _, _, cells in rows[:HEADER_SEARCH_ROWS]])
    if at is None:
        return None
    rec, header_line, header = rows[at]
    after = [cells for _, _, cells in rows[at + 1:]]
    fitting = sum(len(cells) == len(header) for cells in after)
    # Several columns beat one (any delimiter "works" on a file without it); then most rows
    # of the header's width; then the earliest header: a wrong delimiter that splits some
    # values (a decimal comma, a comma in an address) rejects the real header line.
    score = (len(header) > 1, fitting >= 0.8 * len(after), -at, fitting, len(header))
    return _Candidate(
        delimiter=delimiter, header_at=rec, header_line=header_line, header=header,
        score=score,
        data_rows=sum(cells != header for cells in after),
        preamble=[line for _, line, _ in rows[:at]], fallback=fallback,
    )
