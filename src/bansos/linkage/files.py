"""Foreign files in and out of linkage: `bansos link` reads one or two CSV files whose columns
are named by the user (`--field KEY=COLUMN`) and writes the pairs it declares matches.

    fields = fields_parse(items=["id=NO", "full_name=NAMA", "birth_date=TGL_LAHIR"])
    left = file_records(path=path, fields=fields, source="L", uid_start=1)
    ...                                          # pairs_link.records_link(...)
    pairs_write(path=out, pairs=pairs, left_ids=left.ids, right_ids=left.ids, ...)

Reading goes through the intake reader (`intake.read`: pyarrow's CSV parser underneath, every
cell a string, the delimiter sniffed among `,` `;` tab `|`, a UTF-8 BOM accepted, Windows-1252
records read as such): one reader for every door, so a file that imports also links.

The canonical records table has one row per data row, `uid` = row index + `uid_start`, and
the columns the normalise stage expects (`full_name`, `birth_date` as date32, `sex`, `nik`,
`address`, `phone`) plus those compared as they are (`kk`, `id_number`, `birth_place`,
`postcode`) and `source` ('L'/'R'). The original ids stay in a side array, never in the
table: nothing downstream needs them, and they may be identifiers.

Errors are `LinkFileError`s whose message is Indonesian, then English, naming the key, column
or file row, never a value.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bansos.intake.parse_dates import dates_parse
from bansos.intake.parsed import as_text, blank_to_null
from bansos.intake.read import file_batches, file_sniff
from bansos.intake.read_layout import ISSUES, ROW

# KEY -> what it is, for the help text. `address` may be given several times.
FIELDS: dict[str, str] = {
    "id": "record key (required, unique per file)",
    "nik": "NIK, 16 digits",
    "kk": "family card number (KK)",
    "id_number": "any other identity number, compared as a string",
    "full_name": "full name",
    "given_name": "given name (joined with family_name when full_name is absent)",
    "family_name": "family name",
    "birth_date": "birth date, any common format (YYYYMMDD included)",
    "birth_place": "birth place",
    "sex": "sex (L/P, 1/2, M/F, LAKI-LAKI/PEREMPUAN...)",
    "address": "address; repeat to join several columns with a space",
    "postcode": "postcode",
    "phone": "phone number",
}
REPEATABLE = ("address",)
RECORD_COLUMNS = ("full_name", "birth_date", "sex", "nik", "kk", "id_number", "birth_place",
                  "address", "postcode", "phone")  # fmt: skip
OUT_HEADER = ("left_id", "right_id", "match_probability")
_NULL = pa.scalar(None, pa.string())


class LinkFileError(ValueError):
    """A problem with the command's input; the message is Indonesian / English."""


@dataclass(frozen=True)
class FileRecords:
    """One file read: canonical `records`, the original `ids` (row i is uid `uid_start + i`)
    and per record the line of the file it came from (`lines`), for messages."""

    path: Path
    records: pa.Table
    ids: pa.Array
    lines: pa.Array
    read_warnings: int  # rows the reader had to repair (short rows, Windows-1252...)
    unreadable_dates: int  # birth dates given but not read as a date


def fields_parse(*, items: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """`KEY=COLUMN` items to {key: columns}; unknown keys, repeats and a missing `id` are
    errors."""
    out: dict[str, tuple[str, ...]] = {}
    for item in items:
        key, sep, column = (part.strip() for part in item.partition("="))
        if not sep or not key or not column:
            raise LinkFileError(f"--field {item!r}: tulis KUNCI=KOLOM / write KEY=COLUMN")
        if key not in FIELDS:
            known = ", ".join(FIELDS)
            raise LinkFileError(f"--field {key}: kunci tidak dikenal (yang dikenal: {known}) / "
                                f"unknown key (known: {known})")
        if key in out and key not in REPEATABLE:
            raise LinkFileError(f"--field {key}: diberikan dua kali / given twice")
        out[key] = (*out.get(key, ()), column)
    if "id" not in out:
        raise LinkFileError("--field id=KOLOM wajib (kunci rekaman) / --field id=COLUMN is "
                            "required (the record key)")
    if not {"full_name", "given_name", "family_name"} & set(out):
        raise LinkFileError("--field full_name (atau given_name/family_name) wajib / "
                            "--field full_name (or given_name/family_name) is required")
    return out


def file_records(*, path: Path, fields: dict[str, tuple[str, ...]], source: str,
                 uid_start: int) -> FileRecords:
    """Read `path` and build its canonical records (module docstring)."""
    table = _file_read(path=path, fields=fields)
    ids = table["id"]
    _ids_check(path=path, ids=ids, lines=table[ROW])
    columns, unreadable = _record_columns(table)
    n = table.num_rows
    uid = pa.array(np.arange(uid_start, uid_start + n, dtype=np.int64))
    records = pa.table({"uid": uid, "source": pa.repeat(pa.scalar(source), n), **columns})
    warnings = int(pc.sum(pc.is_valid(table[ISSUES])).as_py() or 0)
    return FileRecords(path=path, records=records, ids=ids, lines=table[ROW],
                       read_warnings=warnings, unreadable_dates=unreadable)


def _file_read(*, path: Path, fields: dict[str, tuple[str, ...]]) -> pa.Table:
    """The mapped columns of `path` as strings named `key` (`address` parts as `address.N`),
    plus the reader's `_row` (file line) and `_issues`."""
    if not path.is_file():
        raise LinkFileError(f"{path.name}: berkas tidak ada / file not found")
    layout = file_sniff(path=path)
    if not layout.ok:
        issue = next(i for i in layout.issues if i.severity == "error")
        raise LinkFileError(f"{path.name}: {issue.message_id} / {issue.message_en}")
    wanted = {f"{key}.{i}" if key in REPEATABLE else key: _column_find(path, layout.columns, c)
              for key, cols in fields.items() for i, c in enumerate(cols)}
    batches = []
    for batch in file_batches(path=path, layout=layout):
        arrays = [batch.column(column) for column in wanted.values()]
        batches.append(pa.RecordBatch.from_arrays(
            [*arrays, batch.column(ROW), batch.column(ISSUES)],
            names=[*wanted, ROW, ISSUES]))
    errors = [i for i in layout.issues if i.severity == "error"]
    if errors:
        raise LinkFileError(f"{path.name}: {errors[0].message_id} / {errors[0].message_en}")
    if not batches:
        raise LinkFileError(f"{path.name}: tidak ada baris data / no data rows")
    return pa.Table.from_batches(batches).combine_chunks()


def _column_find(path: Path, columns: list[str], wanted: str) -> str:
    """The file's column named `wanted`: exactly, else the only one equal ignoring case."""
    if wanted in columns:
        return wanted
    folded = [c for c in columns if c.casefold() == wanted.casefold()]
    if len(folded) == 1:
        return folded[0]
    have = ", ".join(columns)
    raise LinkFileError(f"{path.name}: kolom {wanted!r} tidak ada (kolom berkas: {have}) / "
                        f"column {wanted!r} not found (file columns: {have})")


def _ids_check(*, path: Path, ids: pa.Array, lines: pa.Array) -> None:
    """Every row has an id and no id repeats; messages name file lines, not ids."""
    empty = blank_to_null(as_text(ids))
    if empty.null_count:
        where = _lines_text(lines.filter(pc.is_null(empty)))
        raise LinkFileError(f"{path.name}: id kosong pada baris {where} / empty id on line "
                            f"{where}")
    counts = pc.value_counts(empty)
    repeated = counts.filter(pc.greater(counts.field("counts"), 1)).field("values")
    if len(repeated):
        first = repeated[0]
        where = _lines_text(lines.filter(pc.equal(empty, first)))
        raise LinkFileError(
            f"{path.name}: id ganda pada baris {where} ({len(repeated)} id berulang) / "
            f"duplicate id on lines {where} ({len(repeated)} ids repeated)")


def _lines_text(lines: pa.Array, limit: int = 10) -> str:
    shown = [str(v) for v in lines.to_pylist()[:limit]]
    return ", ".join(shown) + (", …" if len(lines) > limit else "")


def _record_columns(table: pa.Table) -> tuple[dict[str, pa.Array], int]:
    """The canonical record columns (nulls where not mapped), and how many given birth dates
    could not be read."""
    n = table.num_rows
    have = set(table.column_names)

    def text(key: str) -> pa.Array:
        return blank_to_null(as_text(table[key])) if key in have else pa.nulls(n, pa.string())

    columns = {key: text(key) for key in RECORD_COLUMNS}
    if "full_name" not in have:
        columns["full_name"] = _joined([text("given_name"), text("family_name")])
    parts = sorted(c for c in have if c.startswith("address."))
    if parts:
        columns["address"] = _joined([text(c) for c in parts])
    dates = _dates(columns["birth_date"])
    unreadable = int(pc.sum(pc.and_(pc.is_valid(columns["birth_date"]),
                                    pc.is_null(dates))).as_py() or 0)
    columns["birth_date"] = dates
    columns["kk"] = _digits(columns["kk"], length=16)
    columns["postcode"] = _digits(columns["postcode"], length=5)
    columns["id_number"] = _id_number(columns["id_number"])
    columns["birth_place"] = _place_key(columns["birth_place"])
    return columns, unreadable


def _joined(parts: list[pa.Array]) -> pa.Array:
    joined = pc.binary_join_element_wise(*parts, " ", null_handling="skip")
    return blank_to_null(joined)


def _dates(values: pa.Array) -> pa.Array:
    """Birth dates; `YYYYMMDD` (which `dates_parse` would take for nothing) is rewritten
    `YYYY-MM-DD` first. The column decides day/month order (`order="auto"`)."""
    values = pc.replace_substring_regex(values, r"^\s*((?:18|19|20)\d\d)(\d\d)(\d\d)\s*$",
                                        r"\1-\2-\3")
    return dates_parse(values=values, order="auto").values


def _digits(values: pa.Array, *, length: int) -> pa.Array:
    """Digits only (spaces, dots, dashes and a leading `'` removed); null unless `length`."""
    cleaned = pc.replace_substring_regex(values, "[\\s.'\\-\u00a0]+", "")
    return pc.if_else(pc.match_substring_regex(cleaned, f"^[0-9]{{{length}}}$"), cleaned, _NULL)


def _id_number(values: pa.Array) -> pa.Array:
    cleaned = pc.replace_substring_regex(pc.utf8_upper(values), "[^0-9A-Z]+", "")
    return pc.if_else(pc.equal(cleaned, ""), _NULL, cleaned)


def _place_key(values: pa.Array) -> pa.Array:
    """Upper case letters and single spaces; `KAB.`/`KOTA` in front dropped."""
    key = pc.replace_substring_regex(pc.utf8_upper(values), "[^A-Z]+", " ")
    key = pc.utf8_trim_whitespace(pc.replace_substring_regex(key, "^\\s*(?:KAB|KABUPATEN|KOTA) ",
                                                             ""))
    return pc.if_else(pc.equal(key, ""), _NULL, key)


def pairs_write(*, path: Path, pairs: pa.Table, left_ids: pa.Array, left_start: int,
                right_ids: pa.Array, right_start: int) -> int:
    """Write `pairs` (`uid_l`, `uid_r`, `match_probability`) as `left_id,right_id,
    match_probability` with the files' own ids, in file order of the left then right record,
    probability with 6 decimals. Atomic: a temporary file beside `path`, then renamed.
    Returns the number of pairs written."""
    order = pc.sort_indices(pairs, sort_keys=[("uid_l", "ascending"), ("uid_r", "ascending")])
    pairs = pairs.take(order)
    left = as_text(left_ids).take(pc.subtract(pairs["uid_l"], left_start))
    right = as_text(right_ids).take(pc.subtract(pairs["uid_r"], right_start))
    probability = np.char.mod("%.6f", pairs["match_probability"].to_numpy())
    lines = pc.binary_join_element_wise(_csv_cell(left), _csv_cell(right),
                                        pa.array(probability, pa.string()), ",")
    body = "\n".join([",".join(OUT_HEADER), *lines.to_pylist(), ""]).encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as f:
            f.write(body)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return len(lines)


def _csv_cell(values: pa.Array) -> pa.Array:
    """Quoted as CSV wants it only when needed (a delimiter, quote or line break inside)."""
    needs = pc.match_substring_regex(values, '[",\\r\\n]')
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(values, '"', '""'), '"', "")
    return pc.if_else(needs, quoted, values)
