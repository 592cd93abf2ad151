"""Writing files deterministically: CSV through Arrow, Parquet, XLSX with xlsxwriter's
constant-memory mode (fixed document dates so equal inputs give byte-identical files)."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import xlsxwriter

from bansos.demo.lists_context import ProgramList

BOM = b"\xef\xbb\xbf"
FIXED_TIMESTAMP = dt.datetime(2025, 9, 30, 8, 0, 0)


def string_table(headers: list[str], columns: list[np.ndarray]) -> pa.Table:
    """All-text table; None cells become empty fields."""
    arrays = [pa.array(col, type=pa.string(), from_pandas=True) for col in columns]
    return pa.Table.from_arrays(arrays, names=headers)


def write_csv(path: Path, table: pa.Table, *, delimiter: str = ",", bom: bool = False,
              eol: str = "\n") -> None:
    options = pacsv.WriteOptions(delimiter=delimiter, eol=eol, quoting_style="needed",
                                 quoting_header="none", batch_size=65_536)
    with open(path, "wb") as out:
        if bom:
            out.write(BOM)
        pacsv.write_csv(table, out, write_options=options)


def write_parquet(path: Path, table: pa.Table) -> None:
    pq.write_table(table, path, compression="zstd", row_group_size=256_000)


def write_csv_minimal(path: Path, headers: list[str], columns: list[np.ndarray], *,
                      delimiter: str = ",", bom: bool = False, eol: str = "\n") -> None:
    """CSV quoted only where a value needs it, the way a spreadsheet saves it."""
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as out:
        writer = csv.writer(out, delimiter=delimiter, lineterminator=eol,
                            quoting=csv.QUOTE_MINIMAL)
        writer.writerow(headers)
        writer.writerows(zip(*[col.tolist() for col in columns], strict=True))


def write_list(out_dir: Path, plist: ProgramList) -> Path:
    path = out_dir / plist.filename
    if plist.filename.endswith(".xlsx"):
        _write_workbook(path, plist)
    elif plist.quote_all:  # database exports quote every text field
        write_csv(path, string_table(plist.headers, plist.columns), delimiter=plist.delimiter,
                  bom=plist.bom, eol=plist.eol)
    else:
        write_csv_minimal(path, plist.headers, plist.columns, delimiter=plist.delimiter,
                          bom=plist.bom, eol=plist.eol)
    return path


def _write_workbook(path: Path, plist: ProgramList) -> None:
    """One sheet per distinct `plist.sheet` value, rows in list order, typed cells."""
    assert plist.sheet is not None
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False,
                                           "strings_to_formulas": False,
                                           "strings_to_urls": False})
    book.set_properties({"created": FIXED_TIMESTAMP, "author": "Kemendikdasmen",
                         "title": "Daftar Penerima PIP"})
    head = book.add_format({"bold": True})
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    rows = list(zip(*[col.tolist() for col in plist.columns], strict=True))
    for name in dict.fromkeys(plist.sheet.tolist()):
        sheet = book.add_worksheet(name)
        sheet.write_row(0, 0, plist.headers, head)
        r = 0
        for values, sheet_name in zip(rows, plist.sheet.tolist(), strict=True):
            if sheet_name != name:
                continue
            r += 1
            for c, value in enumerate(values):
                if value is None:
                    continue
                if isinstance(value, dt.date):
                    sheet.write_datetime(r, c, value, date_format)
                elif isinstance(value, str):
                    sheet.write_string(r, c, value)
                else:
                    sheet.write_number(r, c, value)
    book.close()


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
