"""What the file reader found: issues (with Indonesian and English messages), the detected
layout, header naming and header-row detection shared by the CSV and XLSX readers.

Messages never quote a cell value (it may be a NIK or a name); they name the row, the column
header or the sheet, which are not personal data.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import pyarrow as pa

Severity = Literal["error", "warning"]

# Stripped from both ends of every value and header: ASCII and Unicode spaces, no-break spaces,
# the BOM and zero-width space (both arrive pasted from web pages and Word). One explicit set so
# the Arrow fast path (`pc.utf8_trim`) and the Python path (`str.strip`) agree exactly.
STRIP_CHARS = (
    " \t\n\r\v\f\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u200b\u2028\u2029\u202f\u205f\u3000\ufeff"
)

# Bookkeeping columns appended after the file's own columns, in this order.
ROW, SHEET, RAW, ISSUES, EXTRA = "_row", "_sheet", "_raw", "_issues", "_extra"
BOOKKEEPING = (EXTRA, ROW, SHEET, RAW, ISSUES)

# A record longer than this is not read (it would be one absurd value or a broken file); its
# first RECORD_LIMIT bytes are kept as `_raw` so the problem can be shown.
RECORD_LIMIT = 1 << 20

# Row-level codes that may appear in `_issues`, in the order they are listed there.
ROW_ISSUE_CODES = ("row_too_long", "quote_unclosed", "encoding_fallback", "row_width_mismatch")

# (severity, Indonesian, English). Row-level messages start with the row; {sheet} is filled for
# XLSX. Placeholders are filled by `read_issue`.
_MESSAGES: dict[str, tuple[Severity, str, str]] = {
    "file_empty": (
        "error",
        "Berkas tidak berisi baris data: hanya judul kolom, baris kosong, atau tidak ada apa pun.",
        "The file has no data rows: only a header, blank lines, or nothing at all.",
    ),
    "file_truncated": (
        "error",
        "Berkas XLSX terpotong (tidak utuh), mungkin unggahan atau unduhan terputus. Buka dan "
        "simpan ulang berkas di Excel, lalu unggah lagi.",
        "The XLSX file is truncated (incomplete), perhaps from an interrupted upload or "
        "download. Open and save it again in Excel, then upload it again.",
    ),
    "xlsx_unreadable": (
        "error",
        "Berkas XLSX rusak atau bukan berkas Excel yang sah{sheet_id}. Buka dan simpan ulang "
        "di Excel sebagai .xlsx, atau simpan sebagai CSV UTF-8.",
        "The XLSX file is damaged or not a valid Excel file{sheet_en}. Open it and save it "
        "again in Excel as .xlsx, or save it as CSV UTF-8.",
    ),
    "xlsx_encrypted": (
        "error",
        "Berkas Excel dilindungi kata sandi. Simpan salinan tanpa kata sandi lalu unggah lagi.",
        "The Excel file is password-protected. Save a copy without a password and upload it.",
    ),
    "file_not_text": (
        "error",
        "Berkas bukan teks CSV (berisi byte NUL): mungkin berkas biner atau UTF-16. Simpan "
        "sebagai CSV UTF-8.",
        "The file is not CSV text (it contains NUL bytes): perhaps a binary or UTF-16 file. "
        "Save it as CSV UTF-8.",
    ),
    "file_unsupported": (
        "error",
        "Berkas berisi HTML/XML, bukan CSV atau XLSX (sering terjadi pada unduhan 'Excel' dari "
        "aplikasi web). Buka di Excel lalu simpan sebagai .xlsx atau CSV UTF-8.",
        "The file holds HTML/XML, not CSV or XLSX (common for 'Excel' downloads from web "
        "applications). Open it in Excel and save it as .xlsx or CSV UTF-8.",
    ),
    "encoding_unsupported": (
        "error",
        "Berkas memakai pengodean UTF-16/UTF-32 (mis. 'Unicode Text' dari Excel). Simpan sebagai "
        "CSV UTF-8.",
        "The file is encoded as UTF-16/UTF-32 (e.g. Excel's 'Unicode Text'). Save it as CSV "
        "UTF-8.",
    ),
    "header_not_found": (
        "error",
        "Baris judul kolom tidak ditemukan di {n} baris pertama{sheet_id}: tidak ada baris yang "
        "sebagian besar berisi nama kolom (teks, bukan angka).",
        "No header row found in the first {n} rows{sheet_en}: no row is mostly column names "
        "(text, not numbers).",
    ),
    "header_duplicate": (
        "warning",
        "Judul kolom '{name}' muncul lebih dari sekali; kolom ke-{col} dinamai '{new}'.",
        "Column header '{name}' appears more than once; column {col} is named '{new}'.",
    ),
    "header_blank": (
        "warning",
        "Kolom ke-{col} tidak punya judul; dinamai '{new}'.",
        "Column {col} has no header; it is named '{new}'.",
    ),
    "preamble_skipped": (
        "warning",
        "Baris {first}–{last}{sheet_id} di atas judul kolom dilewati (dianggap judul laporan).",
        "Rows {first}–{last}{sheet_en} above the column headers were skipped (taken as a "
        "report title).",
    ),
    "header_repeated": (
        "warning",
        "Judul kolom terulang di dalam data {count} kali (pertama di baris {row}{sheet_id}); "
        "baris itu dilewati, bukan data.",
        "The column headers are repeated inside the data {count} times (first at row "
        "{row}{sheet_en}); those rows were skipped as not data.",
    ),
    "sheet_header_mismatch": (
        "warning",
        "Lembar '{sheet}' punya judul kolom yang berbeda dari lembar '{first}', jadi tidak "
        "dibaca. Unggah lembar itu sebagai berkas tersendiri bila berisi data.",
        "Sheet '{sheet}' has different column headers from sheet '{first}', so it was not "
        "read. Upload that sheet as a separate file if it holds data.",
    ),
    "row_too_long": (
        "error",
        "Baris {row}{sheet_id} lebih panjang dari {limit} byte ({size} byte); isinya tidak dibaca, "
        "hanya {limit} byte pertama disimpan. Periksa tanda kutip atau akhir baris di berkas.",
        "Row {row}{sheet_en} is longer than {limit} bytes ({size} bytes); it was not read, only "
        "its first {limit} bytes were kept. Check the file's quotes and line ends.",
    ),
    "quote_unclosed": (
        "warning",
        "Baris {row}: tanda kutip (\") membuka nilai yang tidak ditutup dalam {limit} byte "
        "atau sampai akhir berkas; baris dibaca hanya sampai akhir barisnya sendiri, baris "
        "berikutnya dibaca sebagai baris data.",
        "Row {row}: a quote (\") opens a value that is not closed within {limit} bytes or "
        "before the end of the file; the row was read only up to the end of its own line, and "
        "the lines after it as rows of their own.",
    ),
    "encoding_fallback": (
        "warning",
        "Baris {row} bukan UTF-8; dibaca sebagai Windows-1252. Periksa huruf beraksen.",
        "Row {row} is not UTF-8; it was read as Windows-1252. Check accented letters.",
    ),
    "row_width_mismatch": (
        "warning",
        "Baris {row}{sheet_id} jumlah selnya tidak sama dengan jumlah judul kolom; sel yang "
        "kurang dianggap kosong, sel lebih disimpan di '_extra'.",
        "Row {row}{sheet_en} has a different number of cells than there are column headers; "
        "missing cells are taken as empty, extra cells are kept in '_extra'.",
    ),
}


@dataclass(frozen=True)
class FileIssue:
    """A problem with the file as a whole, or a row-level reading problem."""

    code: str
    message_id: str  # Indonesian
    message_en: str  # English
    severity: Severity
    row: int | None = None
    field: str | None = None
    sheet: str | None = None
    detail: str | None = None  # technical detail (e.g. the library's error), never a value


@dataclass
class FileLayout:
    """What `file_sniff` detected; `file_batches` follows it and appends issues found while
    reading (row_too_long, header_repeated, file_empty) to `issues`."""

    kind: str  # "csv" | "xlsx"
    encoding: str | None  # "utf-8", "utf-8-sig" or "cp1252" (the sample's); None for xlsx
    delimiter: str | None
    header_row: int  # 1-based line (CSV) or row (XLSX, first sheet) of the header; 0 if none
    sheets: list[str]  # XLSX sheets that will be read (same header); [] for CSV
    columns: list[str]  # output column names: stripped, de-duplicated, blanks named
    issues: list[FileIssue] = dataclasses.field(default_factory=list)
    # the header cells as written (stripped); rows equal to them are repeated headers
    header: list[str] = dataclasses.field(default_factory=list)
    header_raw: bytes = b""  # CSV: the header record's bytes (no BOM), to rebuild a file
    data_offset: int = 0  # CSV: byte offset where the data records start
    data_line: int = 0  # CSV: line number of the first line after the header record
    header_rows: dict[str, int] = dataclasses.field(default_factory=dict)  # XLSX, per sheet

    @property
    def ok(self) -> bool:
        return not any(issue.severity == "error" for issue in self.issues)


def read_issue(code: str, *, row: int | None = None, field: str | None = None,
               sheet: str | None = None, detail: str | None = None, **params: object) -> FileIssue:
    """The issue for a code, e.g. one found in a batch's `_issues` column."""
    severity, template_id, template_en = _MESSAGES[code]
    values = {"row": row, "sheet": sheet, "limit": RECORD_LIMIT, **params}
    where_id = f" di lembar '{sheet}'" if sheet else ""
    where_en = f" in sheet '{sheet}'" if sheet else ""
    text_id = template_id.format(sheet_id=where_id, **_numbers(values, "."))
    text_en = template_en.format(sheet_en=where_en, **_numbers(values, ","))
    return FileIssue(code, text_id, text_en, severity, row=row, field=field, sheet=sheet,
                     detail=detail)


def _numbers(values: dict[str, object], thousands: str) -> dict[str, object]:
    """Large counts grouped the way each language writes them (1.048.576 / 1,048,576); row
    and column numbers stay plain."""
    return {key: f"{value:,}".replace(",", thousands)
            if isinstance(value, int) and key in ("limit", "size", "count") else value
            for key, value in values.items()}


def issue_codes() -> tuple[str, ...]:
    return tuple(_MESSAGES)


def strip_cell(value: str) -> str:
    return value.strip(STRIP_CHARS)


def column_names(header: Sequence[str]) -> tuple[list[str], list[FileIssue]]:
    """Output names for header cells: blank → `KOLOM n`, repeats → `NAMA (2)`, compared
    case-insensitively because DuckDB column names are; bookkeeping names are reserved."""
    taken = {name.casefold() for name in BOOKKEEPING}
    names: list[str] = []
    issues: list[FileIssue] = []
    for col, cell in enumerate(header, start=1):
        base = cell or f"KOLOM {col}"
        name, n = base, 1
        while name.casefold() in taken:
            n += 1
            name = f"{base} ({n})"
        taken.add(name.casefold())
        names.append(name)
        if not cell:
            issues.append(read_issue("header_blank", col=col, new=name))
        elif name != cell:
            issues.append(read_issue("header_duplicate", field=name, name=cell, col=col, new=name))
    return names, issues


# Digits with the separators numbers and dates use; such a cell is a value, not a column name.
_VALUE_LIKE = re.compile(r"[-+]?[0-9][0-9.,:/\- ]*(?:[eE][-+]?[0-9]+)?")
HEADER_SEARCH_ROWS = 20


def header_pick(rows: Sequence[Sequence[str]]) -> int | None:
    """Index of the header among the first non-blank rows (stripped cells), or None.

    The header is the first row that is mostly filled (at least half as many non-empty cells as
    the fullest row, and two or more unless the table has one column) and mostly names (at
    least 80% of its non-empty cells are not numbers or dates). A title line above it, such as
    "DAFTAR KPM PKH TAHAP 4 2025" alone or followed by empty cells, fails the first test.
    """
    filled = [sum(1 for cell in row if cell) for row in rows]
    if not filled:
        return None
    widest = max(filled)
    need = max(2 if widest >= 2 else 1, (widest + 1) // 2)
    for i, row in enumerate(rows):
        cells = [cell for cell in row if cell]
        if filled[i] < need:
            continue
        names = sum(1 for cell in cells if not _VALUE_LIKE.fullmatch(cell))
        if names >= 0.8 * len(cells):
            return i
    return None


def output_schema(columns: Sequence[str]) -> pa.Schema:
    return pa.schema(
        [pa.field(name, pa.string()) for name in columns]
        + [
            pa.field(EXTRA, pa.list_(pa.string())),
            pa.field(ROW, pa.int64(), nullable=False),
            pa.field(SHEET, pa.string()),
            pa.field(RAW, pa.binary(), nullable=False),
            pa.field(ISSUES, pa.string()),
        ]
    )
