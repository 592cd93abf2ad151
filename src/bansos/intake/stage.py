"""Writing a checked batch: valid rows to `StagedRow`, the rest to `QuarantinedRow`.

Identifiers are encrypted and indexed here in bulk; quarantined rows keep their original bytes,
encrypted, because they hold identifiers too. Rows are written set-at-a-time
(`core.bulk_insert`: COPY on PostgreSQL).
"""

from __future__ import annotations

import base64
import json

import pyarrow as pa
import pyarrow.compute as pc

from bansos.core import protected
from bansos.core.bulk_insert import rows_insert
from bansos.intake.check import Checked
from bansos.intake.issue_codes import ISSUES
from bansos.intake.models import ListImport, QuarantinedRow, StagedRow

STAGED_FIELDS = [
    "list_import_id", "row_number", "sheet", "nik", "nik_index", "kk", "kk_index", "full_name",
    "name_titles", "birth_place", "birth_date", "sex", "relationship", "address", "rt", "rw",
    "village_id", "village_match", "province_code", "regency_code", "district_code", "phone",
    "phone_index", "bank", "account_number", "account_index", "extra", "warnings",
]  # fmt: skip
QUARANTINE_FIELDS = [
    "list_import_id", "row_number", "sheet", "raw", "issues", "issue_codes", "village_id", "rw",
    "rt", "province_code", "regency_code", "district_code",
]  # fmt: skip


def _text(values: pa.Array, limit: int | None = None) -> list[str]:
    out = ["" if v is None else v for v in values.to_pylist()]
    return [v[:limit] for v in out] if limit else out


def _scope(villages: list[str | None], fallback: tuple[str, str, str]
           ) -> tuple[list[str], list[str], list[str]]:
    """Province, regency and district codes of each row's village, or of the import's area."""
    province, regency, district = [], [], []
    for code in villages:
        if code:
            parts = code.split(".")
            scope = (parts[0], ".".join(parts[:2]), ".".join(parts[:3]))
        else:
            scope = fallback
        province.append(scope[0])
        regency.append(scope[1])
        district.append(scope[2])
    return province, regency, district


def _fallback_scope(list_import: ListImport) -> tuple[str, str, str]:
    if list_import.area_id is None or list_import.area_id == "ID":
        return "", "", ""
    parts = list_import.area_id.split(".")
    return (parts[0], ".".join(parts[:2]) if len(parts) > 1 else "",
            ".".join(parts[:3]) if len(parts) > 2 else "")


def _extras(table: pa.Table) -> list[str]:
    names = [c for c in table.column_names if c.startswith("extra.")]
    if not names:
        return ["{}"] * table.num_rows
    columns = [table[c].to_pylist() for c in names]
    keys = [c.removeprefix("extra.") for c in names]
    return [json.dumps({k: v for k, v in zip(keys, values, strict=True) if v is not None},
                       ensure_ascii=False) for values in zip(*columns, strict=True)]


def _staged_rows(list_import: ListImport, table: pa.Table) -> list[tuple]:
    n = table.num_rows
    nik_blobs, nik_index = protected.protect_many(table["nik"].to_pylist(), purpose="nik")
    kk_blobs, kk_index = protected.protect_many(table["kk"].to_pylist(), purpose="kk")
    phone_blobs, phone_index = protected.protect_many(table["phone"].to_pylist(), purpose="phone")
    account_blobs, account_index = protected.protect_many(table["account_number"].to_pylist(),
                                                          purpose="account")
    villages = table["village"].to_pylist()
    province, regency, district = _scope(villages, _fallback_scope(list_import))
    columns = [
        [list_import.pk] * n, table["_row"].to_pylist(), _text(table["_sheet"]), nik_blobs,
        nik_index, kk_blobs, kk_index, _text(table["full_name"], 150),
        _text(table["name_titles"], 60), _text(table["birth_place"], 80),
        table["birth_date"].to_pylist(), _text(table["sex"]), _text(table["relationship"]),
        _text(table["address"], 300), _text(table["rt"]), _text(table["rw"]), villages,
        _text(table["village_match"]), province, regency, district, phone_blobs, phone_index,
        _text(table["bank"], 16), account_blobs, account_index, _extras(table),
        _text(table["issues"], 300),
    ]
    return list(zip(*columns, strict=True))


def _issue_list(codes: str) -> str:
    issues = []
    for code in codes.split(";") if codes else []:
        issue = ISSUES.get(code)
        issues.append({"code": code, "field": issue.field if issue else "",
                       "severity": issue.severity if issue else "error"})
    return json.dumps(issues)


def _quarantine_rows(list_import: ListImport, table: pa.Table) -> list[tuple]:
    n = table.num_rows
    # Base64 keeps the exact bytes (a cp1252 row stays cp1252) through a text cipher field.
    raw = [protected.encrypt(base64.b64encode(r or b"").decode("ascii"), purpose="quarantine")
           for r in table["_raw"].to_pylist()]
    codes = _text(table["issues"])
    villages = table["village"].to_pylist()
    province, regency, district = _scope(villages, _fallback_scope(list_import))
    columns = [
        [list_import.pk] * n, table["_row"].to_pylist(), _text(table["_sheet"]), raw,
        [_issue_list(c) for c in codes], [c[:300] for c in codes], villages, _text(table["rw"]),
        _text(table["rt"]), province, regency, district,
    ]
    return list(zip(*columns, strict=True))


def quarantine_raw(*, row: QuarantinedRow) -> bytes:
    """The original bytes of a quarantined row, as they were in the file."""
    return base64.b64decode(row.raw or "")


def batch_stage(*, list_import: ListImport, checked: Checked) -> tuple[int, int, dict[str, int]]:
    """Write one checked batch; returns (staged, quarantined, count per issue code)."""
    table, error = checked.table, checked.error
    good = table.filter(pa.array(~error))
    bad = table.filter(pa.array(error))
    staged = rows_insert(model=StagedRow, fields=STAGED_FIELDS, rows=_staged_rows(list_import, good))
    quarantined = rows_insert(model=QuarantinedRow, fields=QUARANTINE_FIELDS,
                              rows=_quarantine_rows(list_import, bad))
    counts: dict[str, int] = {}
    flat = pc.list_flatten(pc.split_pattern(table["issues"], ";"))
    if len(flat):
        values = pc.value_counts(flat)
        for item in values.to_pylist():
            counts[item["values"]] = int(item["counts"])
    return staged, quarantined, counts

