"""Column mappings: which column of a source's file holds which canonical field.

A mapping is a TOML file (the shipped ones are in `intake/mappings/`, one per source; officers
edit a copy in the office pages). `[fields]` maps canonical fields to column names, `[extra]`
keeps program-specific columns under names of our choosing, `[options]` tunes parsing:

    [fields]
    nik = "NIK"
    full_name = "NAMA KPM"
    address = ["ALAMAT", "DUSUN"]     # repeatable: joined with ", "
    [extra]
    component = "KOMPONEN"
    [options]
    date_order = "dmy"               # or "ymd", "mdy"

Column names match ignoring case, spaces, dots, underscores and slashes, because the same list
arrives as `NO_KK`, `No KK` or `NO. KK` depending on who exported it.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from importlib import resources

import pyarrow as pa

from bansos.intake.columns import join_present

# Canonical fields a mapping may fill. `address` may list several columns.
FIELDS = (
    "nik", "kk", "full_name", "given_name", "family_name", "birth_place", "birth_date", "sex",
    "relationship", "address", "rt", "rw", "rt_rw", "village", "district", "regency", "phone",
    "bank", "account_number",
)  # fmt: skip
DATE_ORDERS = ("dmy", "ymd", "mdy")
SHIPPED_SOURCES = ("PKH", "BPNT", "PBIJK", "PIP", "BLT", "DUKCAPIL", "BANK")


class MappingError(ValueError):
    """A mapping that cannot be used; the message is bilingual and names the key."""


@dataclass(frozen=True)
class Mapping:
    source: str
    name: str
    kind: str
    version: int
    fields: dict[str, tuple[str, ...]]
    extra: dict[str, str] = field(default_factory=dict)
    date_order: str = "dmy"


def _key(column: str) -> str:
    return re.sub(r"[\s._/\\-]+", "", column).casefold()


def mapping_parse(*, text: str) -> Mapping:
    """Read and check a mapping's TOML text."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise MappingError(f"TOML tidak valid / invalid TOML: {exc}") from exc
    fields: dict[str, tuple[str, ...]] = {}
    for name, columns in data.get("fields", {}).items():
        if name not in FIELDS:
            raise MappingError(f"fields.{name}: kolom kanonik tidak dikenal / unknown canonical "
                               f"field (known: {', '.join(FIELDS)})")
        columns = (columns,) if isinstance(columns, str) else tuple(columns)
        if not columns or not all(isinstance(c, str) and c.strip() for c in columns):
            raise MappingError(f"fields.{name}: nama kolom kosong / empty column name")
        if len(columns) > 1 and name != "address":
            raise MappingError(f"fields.{name}: hanya alamat boleh beberapa kolom / only address "
                               "may list several columns")
        fields[name] = columns
    if "nik" not in fields and "full_name" not in fields and "given_name" not in fields:
        raise MappingError("fields: perlu nik atau nama / a mapping needs nik or a name")
    if "full_name" in fields and ("given_name" in fields or "family_name" in fields):
        raise MappingError("fields: full_name atau given_name+family_name, bukan keduanya / "
                           "full_name or given_name+family_name, not both")
    extra = data.get("extra", {})
    if not all(isinstance(v, str) for v in extra.values()):
        raise MappingError("extra: setiap nilai harus nama kolom / every value must be a column")
    date_order = data.get("options", {}).get("date_order", "dmy")
    if date_order not in DATE_ORDERS:
        raise MappingError(f"options.date_order: salah satu dari / one of {DATE_ORDERS}")
    source = str(data.get("source", "")).strip().upper()
    if not source:
        raise MappingError("source: kode sumber wajib / the source code is required")
    return Mapping(source=source, name=str(data.get("name", source)),
                   kind=str(data.get("kind", "program")), version=int(data.get("version", 1)),
                   fields=fields, extra=dict(extra), date_order=date_order)


def mapping_shipped(*, source: str) -> str:
    """The TOML text of a mapping shipped with bansos."""
    return resources.files("bansos.intake").joinpath(f"mappings/{source.lower()}.toml").read_text(
        encoding="utf-8")


def mapping_override(*, mapping: Mapping, overrides: dict[str, str]) -> Mapping:
    """`--map FIELD=COLUMN` on the command line: canonical fields replaced, others kept."""
    fields = dict(mapping.fields)
    extra = dict(mapping.extra)
    for name, column in overrides.items():
        if name in FIELDS:
            fields[name] = (column,)
        elif name.startswith("extra."):
            extra[name.removeprefix("extra.")] = column
        else:
            raise MappingError(f"--map {name}: kolom kanonik tidak dikenal / unknown canonical field")
    return replace(mapping, fields=fields, extra=extra)


@dataclass(frozen=True)
class Resolved:
    """A mapping bound to one file's header."""

    fields: dict[str, tuple[str, ...]]  # canonical -> actual header names
    extra: dict[str, str]
    missing: tuple[str, ...]  # mapped columns the file does not have, as "field=COLUMN"
    unmapped: tuple[str, ...]  # file columns nobody asked for (kept only in the raw row)


def mapping_resolve(*, mapping: Mapping, columns: list[str]) -> Resolved:
    by_key: dict[str, str] = {}
    for column in columns:
        by_key.setdefault(_key(column), column)
    fields: dict[str, tuple[str, ...]] = {}
    extra: dict[str, str] = {}
    missing: list[str] = []
    for name, wanted in mapping.fields.items():
        found = tuple(by_key[_key(c)] for c in wanted if _key(c) in by_key)
        missing += [f"{name}={c}" for c in wanted if _key(c) not in by_key]
        if found:
            fields[name] = found
    for name, column in mapping.extra.items():
        if _key(column) in by_key:
            extra[name] = by_key[_key(column)]
        else:
            missing.append(f"extra.{name}={column}")
    used = {c for cs in fields.values() for c in cs} | set(extra.values())
    return Resolved(fields=fields, extra=extra, missing=tuple(missing),
                    unmapped=tuple(c for c in columns if c not in used and not c.startswith("_")))


def mapping_apply(*, resolved: Resolved, batch: pa.RecordBatch | pa.Table) -> pa.Table:
    """The batch in canonical columns (all text, null when absent), `extra.<name>` columns, and
    the reader's bookkeeping columns (`_row`, `_sheet`, `_raw`, `_issues`) passed through."""
    table = pa.Table.from_batches([batch]) if isinstance(batch, pa.RecordBatch) else batch
    n = table.num_rows
    out: dict[str, pa.Array] = {}
    for name in FIELDS:
        columns = resolved.fields.get(name, ())
        if not columns:
            out[name] = pa.nulls(n, pa.string())
        elif len(columns) == 1:
            out[name] = table[columns[0]].combine_chunks()
        else:
            out[name] = join_present([table[c].combine_chunks() for c in columns], ", ")
    for name, column in resolved.extra.items():
        out[f"extra.{name}"] = table[column].combine_chunks()
    for column in ("_row", "_sheet", "_raw", "_issues"):
        if column in table.column_names:
            out[column] = table[column].combine_chunks()
    return pa.table(out)
