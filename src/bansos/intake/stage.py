"""Writing a checked batch: valid rows to `StagedRow`, the rest to `QuarantinedRow`.

`batch_prepare` (pure) puts a batch in database form: identifiers encrypted and indexed in bulk
(in a helper process for big batches, `core.protect_process`), quarantined rows with their
original bytes, encrypted because they hold identifiers too, and every other column computed
set-at-a-time on the Arrow table. `batch_stage` writes it with `core.bulk_insert.tables_insert`
(CSV streamed to `COPY` on PostgreSQL) in pieces, so the database ingests one piece while the
next is encoded.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bansos.areas.scope import scope_codes
from bansos.core import protected
from bansos.core.bulk_insert import tables_insert
from bansos.core.protect_process import protect_columns
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
# Rows per piece handed to the writer: small enough to overlap CSV encoding with the database's
# parsing, large enough that Arrow's per-call overhead does not show.
PIECE_ROWS = 10_000
_CONTROL = r"[\x00-\x1f]"
IDENTIFIERS = {"nik": "nik", "kk": "kk", "phone": "phone", "account_number": "account"}


def _array(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


def _text(values: pa.Array | pa.ChunkedArray, limit: int | None = None) -> pa.Array:
    """Null as "" (the columns are NOT NULL), cut to `limit` characters."""
    out = pc.fill_null(_array(values).cast(pa.string()), "")
    return pc.utf8_slice_codeunits(out, 0, limit) if limit else out


def _scope(villages: pa.Array, fallback: tuple[str, str, str]
           ) -> tuple[pa.Array, pa.Array, pa.Array]:
    """Province, regency and district codes of each row's village, or of the import's area."""
    villages = villages.cast(pa.string())
    parts = pc.split_pattern(villages, ".")
    given = pc.fill_null(pc.not_equal(villages, ""), False)
    return tuple(  # type: ignore[return-value]
        pc.if_else(given, pc.binary_join(pc.list_slice(parts, 0, depth), "."), default)
        for depth, default in zip((1, 2, 3), fallback, strict=True))


def _fallback_scope(list_import: ListImport) -> tuple[str, str, str]:
    return scope_codes(list_import.area_id)


def _json_values(values: pa.Array) -> pa.Array:
    """`json.dumps(v, ensure_ascii=False)` of each value, null kept; strings without control
    characters (nearly all) are escaped by Arrow, the rest by `json`."""
    if not pa.types.is_string(values.type) and not pa.types.is_large_string(values.type):
        return pa.array([None if v is None else json.dumps(v, ensure_ascii=False)
                         for v in values.to_pylist()], pa.string())
    escaped = pc.replace_substring(pc.replace_substring(values, "\\", "\\\\"), '"', '\\"')
    out = pc.binary_join_element_wise('"', escaped, '"', "")
    control = pc.fill_null(pc.match_substring_regex(values, _CONTROL), False)
    if pc.any(control).as_py():
        rows = np.flatnonzero(control.to_numpy(zero_copy_only=False))
        fixed = [json.dumps(v, ensure_ascii=False) for v in values.take(rows).to_pylist()]
        out = pc.replace_with_mask(out, control, pa.array(fixed, pa.string()))
    return out


def _extras(table: pa.Table) -> pa.Array:
    """Per row, `json.dumps` of {name: value} over the `extra.*` columns that are not null:
    the same text, built column by column instead of row by row."""
    names = [c for c in table.column_names if c.startswith("extra.")]
    if not names:
        return pa.repeat(pa.scalar("{}"), table.num_rows)
    body: pa.Array = pa.nulls(table.num_rows, pa.string())
    for name in names:
        key = json.dumps(name.removeprefix("extra."), ensure_ascii=False) + ": "
        item = pc.binary_join_element_wise(key, _json_values(_array(table[name])), "")
        joined = pc.binary_join_element_wise(body, item, ", ")
        body = pc.if_else(pc.is_null(body), item, pc.if_else(pc.is_null(item), body, joined))
    return pc.binary_join_element_wise("{", pc.fill_null(body, ""), "}", "")


def _protect(table: pa.Table, fields: dict[str, str]) -> dict[str, tuple[pa.Array, pa.Array]]:
    """Encrypted blobs and blind indexes of the identifier columns (field -> purpose), null
    where a value is null or ""; all columns of a batch in one call of the helper process."""
    n = table.num_rows
    out = {name: (pa.nulls(n, pa.binary()), pa.nulls(n, pa.string())) for name in fields}
    given = [name for name in fields if table[name].null_count < n]
    done = protect_columns([(_array(table[name]).to_pylist(), fields[name]) for name in given])
    for name, (blobs, indexes) in zip(given, done, strict=True):
        out[name] = (pa.array(blobs, pa.binary()), pa.array(indexes, pa.string()))
    return out


def _staged_table(list_import_id: int, table: pa.Table,
                  fallback: tuple[str, str, str]) -> pa.Table:
    n = table.num_rows
    sealed = _protect(table, IDENTIFIERS)
    nik, nik_index = sealed["nik"]
    kk, kk_index = sealed["kk"]
    phone, phone_index = sealed["phone"]
    account, account_index = sealed["account_number"]
    villages = _array(table["village"]).cast(pa.string())
    province, regency, district = _scope(villages, fallback)
    columns = {
        "list_import_id": pa.repeat(pa.scalar(list_import_id, pa.int64()), n),
        "row_number": _array(table["_row"]), "sheet": _text(table["_sheet"]),
        "nik": nik, "nik_index": nik_index, "kk": kk, "kk_index": kk_index,
        "full_name": _text(table["full_name"], 150), "name_titles": _text(table["name_titles"], 60),
        "birth_place": _text(table["birth_place"], 80), "birth_date": _array(table["birth_date"]),
        "sex": _text(table["sex"]), "relationship": _text(table["relationship"]),
        "address": _text(table["address"], 300), "rt": _text(table["rt"]),
        "rw": _text(table["rw"]), "village_id": villages,
        "village_match": _text(table["village_match"]), "province_code": province,
        "regency_code": regency, "district_code": district, "phone": phone,
        "phone_index": phone_index, "bank": _text(table["bank"], 16),
        "account_number": account, "account_index": account_index, "extra": _extras(table),
        "warnings": _text(table["issues"], 300),
    }
    return pa.table([columns[name] for name in STAGED_FIELDS], names=STAGED_FIELDS)


def _pieces(table: pa.Table) -> Iterator[pa.Table]:
    for start in range(0, table.num_rows, PIECE_ROWS):
        yield table.slice(start, PIECE_ROWS)


def _issue_list(codes: str) -> str:
    issues = []
    for code in codes.split(";") if codes else []:
        issue = ISSUES.get(code)
        issues.append({"code": code, "field": issue.field if issue else "",
                       "severity": issue.severity if issue else "error"})
    return json.dumps(issues)


def _quarantine_table(list_import_id: int, table: pa.Table,
                      fallback: tuple[str, str, str]) -> pa.Table:
    n = table.num_rows
    # Base64 keeps the exact bytes (a cp1252 row stays cp1252) through a text cipher field.
    raw = protected.encrypt_many([base64.b64encode(r or b"").decode("ascii")
                                  for r in table["_raw"].to_pylist()], purpose="quarantine")
    codes = _text(table["issues"])
    # Few distinct combinations of codes: describe each once.
    encoded = pc.dictionary_encode(codes)
    described = pa.array([_issue_list(c) for c in encoded.dictionary.to_pylist()], pa.string())
    villages = _array(table["village"]).cast(pa.string())
    province, regency, district = _scope(villages, fallback)
    columns = {
        "list_import_id": pa.repeat(pa.scalar(list_import_id, pa.int64()), n),
        "row_number": _array(table["_row"]), "sheet": _text(table["_sheet"]),
        "raw": pa.array(raw, pa.binary()), "issues": pc.take(described, encoded.indices),
        "issue_codes": pc.utf8_slice_codeunits(codes, 0, 300), "village_id": villages,
        "rw": _text(table["rw"]), "rt": _text(table["rt"]), "province_code": province,
        "regency_code": regency, "district_code": district,
    }
    return pa.table([columns[name] for name in QUARANTINE_FIELDS], names=QUARANTINE_FIELDS)


def quarantine_raw(*, row: QuarantinedRow) -> bytes:
    """The original bytes of a quarantined row, as they were in the file."""
    return base64.b64decode(row.raw or "")


@dataclass(frozen=True)
class Prepared:
    """One checked batch in database form, ready to write: staged rows (identifiers encrypted
    and indexed) and quarantined rows, the count per issue code, and what the end-of-import
    checks need: the staged NIKs as integers (in memory only, for duplicates across batches)
    and the staged villages."""

    staged: pa.Table
    quarantined: pa.Table
    counts: dict[str, int]
    niks: np.ndarray
    villages: frozenset[str]


def _nik_numbers(values: pa.Array) -> np.ndarray:
    """Valid NIKs are 16 digits, so an int64 holds each exactly: 8 bytes a row to find
    duplicates over a whole file without keeping its identifiers as text."""
    present = pc.drop_null(values)
    present = present.filter(pc.match_substring_regex(present, r"^[0-9]{16}$"))
    return pc.cast(present, pa.int64()).to_numpy(zero_copy_only=False)


def batch_prepare(*, list_import: ListImport, checked: Checked) -> Prepared:
    """Everything about a batch but the writing. Pure (no database), so the next batch is
    prepared while the current one is written."""
    table, error = checked.table, checked.error
    good = table.filter(pa.array(~error))
    bad = table.filter(pa.array(error))
    fallback = _fallback_scope(list_import)
    counts: dict[str, int] = {}
    flat = pc.list_flatten(pc.split_pattern(table["issues"], ";"))
    if len(flat):
        values = pc.value_counts(flat)
        for item in values.to_pylist():
            counts[item["values"]] = int(item["counts"])
    villages = pc.unique(pc.drop_null(_array(good["village"]).cast(pa.string())))
    return Prepared(staged=_staged_table(list_import.pk, good, fallback),
                    quarantined=_quarantine_table(list_import.pk, bad, fallback),
                    counts=counts, niks=_nik_numbers(_array(good["nik"])),
                    villages=frozenset(v for v in villages.to_pylist() if v))


def batch_stage(*, prepared: Prepared) -> tuple[int, int]:
    """Write one prepared batch; returns (staged, quarantined)."""
    staged = tables_insert(model=StagedRow, tables=_pieces(prepared.staged))
    quarantined = tables_insert(model=QuarantinedRow, tables=_pieces(prepared.quarantined))
    return staged, quarantined
