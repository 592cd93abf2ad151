"""Importing program lists (bansos.intake.services.list_import_run): read, map, check, stage.

Each list is imported into SQLite and into PostgreSQL (`database=`), so one run measures both:
`intake-csv-*` is the Dukcapil extract of the population (one row per person, CSV), and
`intake-xlsx-*` a workbook of PBI-JK rows, one tenth of the persons (100,000 rows at 1M).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import time
from pathlib import Path
from typing import Any

from benchmarks.context import Context, FixtureContext
from benchmarks.fixtures import population
from benchmarks.registry import benchmark, fixture

# The workbook holds this share of the persons as rows: 100,000 rows at 1M persons.
XLSX_SHARE = 10
MEMORY_MB = 1_000  # a ceiling at every size: batches stream, memory must not grow with rows
NUMERIC = {"NO", "JK", "PISA"}  # small codes a spreadsheet keeps as numbers


def _cell(sheet: Any, row: int, col: int, name: str, value: str, date_format: Any) -> None:
    """Write a CSV value as a spreadsheet would hold it: dates as dates, small codes as numbers,
    identifiers (with their dirt) as text."""
    if value == "":
        return
    if name in NUMERIC and value.isdigit():
        sheet.write_number(row, col, int(value))
        return
    if name == "TGL_LAHIR":
        try:
            sheet.write_datetime(row, col, dt.datetime.strptime(value, "%d/%m/%Y"), date_format)
            return
        except ValueError:
            pass  # dirty dates stay text, as typed
    sheet.write_string(row, col, value)


@fixture("pbijk-xlsx", version="1")
def pbijk_xlsx(ctx: FixtureContext) -> dict[str, Any]:
    """The first `size / 10` rows of the population's PBI-JK list as one typed worksheet
    (xlsxwriter, constant memory). Declare it after `population`, which it reads."""
    import xlsxwriter

    if ctx.size is None:
        raise ValueError("pbijk-xlsx needs a size")
    pop_dir = ctx.out_dir.parent / population.dir_name(ctx.size, ctx.seed)
    info = json.loads((pop_dir / "fixture.json").read_text(encoding="utf-8"))["info"]
    wanted = ctx.size // XLSX_SHARE
    path = ctx.out_dir / "pbijk.xlsx"
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False,
                                           "strings_to_formulas": False,
                                           "strings_to_urls": False})
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet = book.add_worksheet("PBI-JK")
    written = 0
    with open(pop_dir / info["files"]["pbijk"], encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        sheet.write_row(0, 0, header, book.add_format({"bold": True}))
        for values in reader:
            if written == wanted:
                break
            written += 1
            for col, (name, value) in enumerate(zip(header, values, strict=False)):
                _cell(sheet, written, col, name, value, date_format)
    book.close()
    if written < wanted:
        raise ValueError(f"PBI-JK has {written} rows, fewer than {wanted}")
    return {"files": {"xlsx": path.name}, "rows": written}


def _prepare(ctx: Context) -> None:
    """Untimed: the areas the rows point to and the shipped sources with their mappings."""
    from bansos.areas.services import areas_load
    from bansos.intake.services import sources_ensure

    areas_load()
    sources_ensure()


def _import(path: Path, source: str) -> dict[str, Any]:
    from bansos.intake.services import list_import_run

    start = time.perf_counter()
    result = list_import_run(path=path, source_code=source)
    seconds = time.perf_counter() - start
    if result.status != "done":
        raise RuntimeError(f"import {result.status}: {result.error}")
    return {
        "rows/s": round(result.rows_read / seconds),
        "rows": result.rows_read,
        "staged": result.rows_staged,
        "quarantined": result.rows_quarantined,
        "MB": round(path.stat().st_size / 2**20, 1),
    }


def _csv(ctx: Context) -> dict[str, Any]:
    return _import(ctx.fixture("population").file("dukcapil"), "DUKCAPIL")


def _xlsx(ctx: Context) -> dict[str, Any]:
    return _import(ctx.fixture("pbijk-xlsx").file("xlsx"), "PBIJK")


_CSV = {"fixtures": [population], "django": True, "setup": _prepare, "budget_mb": MEMORY_MB}
_XLSX = {**_CSV, "fixtures": [population, pbijk_xlsx]}


@benchmark("intake-csv-postgres", budget_seconds=15, database="postgres", **_CSV)
def intake_csv_postgres(ctx: Context) -> dict[str, Any]:
    """list_import_run() of the Dukcapil CSV (one row per person) into PostgreSQL."""
    return _csv(ctx)


@benchmark("intake-csv-sqlite", budget_seconds=60, database="sqlite", **_CSV)
def intake_csv_sqlite(ctx: Context) -> dict[str, Any]:
    """list_import_run() of the Dukcapil CSV (one row per person) into SQLite."""
    return _csv(ctx)


@benchmark("intake-xlsx-postgres", budget_seconds=5, database="postgres", **_XLSX)
def intake_xlsx_postgres(ctx: Context) -> dict[str, Any]:
    """list_import_run() of a PBI-JK workbook (persons / 10 rows) into PostgreSQL."""
    return _xlsx(ctx)


@benchmark("intake-xlsx-sqlite", budget_seconds=10, database="sqlite", **_XLSX)
def intake_xlsx_sqlite(ctx: Context) -> dict[str, Any]:
    """list_import_run() of a PBI-JK workbook (persons / 10 rows) into SQLite."""
    return _xlsx(ctx)
