"""The quarantine as a workbook an officer can correct and upload again.

Each quarantined row is given back with its original cells (split from its original bytes the
way the file was read), its row number and sheet (`BARIS_ASAL`, `LEMBAR_ASAL`, which tie a
correction to the row it corrects) and the reasons in Indonesian and English.

Cells are written as text, never as formulas, and text that a spreadsheet would run as a formula
(`=HYPERLINK(...)`, `+`, `-`, `@`, tab, carriage return first) gets a leading apostrophe, so a
hostile list cannot turn the officer's spreadsheet against them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

import xlsxwriter

from bansos.intake.issue_codes import ISSUES
from bansos.intake.models import ListImport, QuarantinedRow
from bansos.intake.stage import quarantine_raw

ORIGIN_ROW, ORIGIN_SHEET = "BARIS_ASAL", "LEMBAR_ASAL"
REASONS_ID, REASONS_EN = "MASALAH", "PROBLEM"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell_neutralise(value: str) -> str:
    """Text that cannot run as a formula in Excel, LibreOffice or Google Sheets."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _cells(raw: bytes, layout: dict) -> list[str]:
    """The row's cells as the reader split them."""
    if layout.get("kind") == "xlsx":
        return raw.decode("utf-8", "replace").split("\t")
    encoding = layout.get("encoding") or "utf-8"
    try:
        text = raw.decode(encoding.replace("-sig", ""))
    except UnicodeDecodeError:
        text = raw.decode("cp1252", "replace")
    delimiter = layout.get("delimiter") or ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    return rows[0] if rows else []


def _reasons(codes: str, *, english: bool) -> str:
    texts = []
    for code in filter(None, codes.split(";")):
        issue = ISSUES.get(code)
        if issue is None:
            texts.append(code)
        else:
            texts.append(issue.message_en if english else issue.message_id)
    return " | ".join(texts)


def quarantine_workbook(*, list_import: ListImport, rows: Iterable[QuarantinedRow]) -> bytes:
    """An XLSX of the given quarantined rows of one import."""
    layout = list_import.layout or {}
    header = list(layout.get("columns") or [])
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False,
                                     "strings_to_urls": False, "strings_to_numbers": False})
    sheet = book.add_worksheet("KARANTINA")
    bold = book.add_format({"bold": True})
    text = book.add_format({"num_format": "@"})  # NIKs stay text when the officer types
    columns = [ORIGIN_ROW, ORIGIN_SHEET, REASONS_ID, REASONS_EN, *header]
    for c, name in enumerate(columns):
        sheet.write_string(0, c, cell_neutralise(name), bold)
    sheet.set_column(4, 4 + max(len(header), 1), 18, text)
    sheet.freeze_panes(1, 0)
    for r, row in enumerate(rows, start=1):
        sheet.write_number(r, 0, row.row_number)
        sheet.write_string(r, 1, row.sheet)
        sheet.write_string(r, 2, _reasons(row.issue_codes, english=False))
        sheet.write_string(r, 3, _reasons(row.issue_codes, english=True))
        for c, value in enumerate(_cells(quarantine_raw(row=row), layout), start=4):
            sheet.write_string(r, c, cell_neutralise(value), text)
    book.close()
    return out.getvalue()
