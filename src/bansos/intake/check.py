"""The validation stage: a canonical batch (all text) in, typed values and per-row issues out.

Pure: no database. Each field goes through its parser (`parse_*` modules, `core.identifiers_
bulk`); the issue codes of all fields are gathered per row, and a row with any error-severity
code is marked for quarantine. Warnings travel with the staged row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bansos.core.identifiers_bulk import parse_kk_array, parse_nik_array
from bansos.intake.columns import NULL_TEXT, join_present
from bansos.intake.issue_codes import ISSUES
from bansos.intake.mapping import Mapping
from bansos.intake.parse_codes import (
    account_parse,
    phone_parse,
    rt_rw_parse,
    rt_rw_split,
    sex_parse,
)
from bansos.intake.parse_dates import dates_parse
from bansos.intake.parse_names import names_normalise
from bansos.intake.parse_places import villages_resolve
from bansos.intake.parsed import issues_from_flags
from bansos.registry.vocab import relationship_code


@dataclass(frozen=True)
class Checked:
    """`table`: typed canonical columns, `extra.*`, `_row`, `_sheet`, `_raw`, and `issues`
    (list of codes per row); `error`: rows to quarantine."""

    table: pa.Table
    error: np.ndarray


def _missing(values: pa.Array) -> np.ndarray:
    return values.is_null().to_numpy(zero_copy_only=False)


def _nik_matches(nik: pa.Array, birth: pa.Array, sex: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Rows whose valid NIK disagrees with the recorded birth date / sex (warnings)."""
    day = pc.cast(pc.utf8_slice_codeunits(nik, 6, 8), pa.int32())
    female_by_nik = pc.greater(day, 40)
    ddmmyy = pc.binary_join_element_wise(
        pc.utf8_lpad(pc.cast(pc.if_else(female_by_nik, pc.subtract(day, 40), day), pa.string()),
                     2, "0"),
        pc.utf8_slice_codeunits(nik, 8, 12), "")
    recorded = pc.strftime(pc.cast(birth, pa.timestamp("s")), format="%d%m%y")
    date_off = pc.and_kleene(pc.is_valid(recorded), pc.not_equal(ddmmyy, recorded))
    sex_off = pc.not_equal(pc.if_else(female_by_nik, "P", "L"), sex)
    return (date_off.fill_null(False).to_numpy(zero_copy_only=False),
            sex_off.fill_null(False).to_numpy(zero_copy_only=False))


def _join_issues(columns: list[pa.Array], n: int) -> pa.Array:
    """Per row, the issue codes of every field joined by ';' (null when the row is clean)."""
    return join_present(columns, ";") if columns else pa.nulls(n, pa.string())


def _errors(issues: pa.Array) -> np.ndarray:
    """Rows carrying at least one error-severity code."""
    error_codes = pa.array(sorted(c for c, i in ISSUES.items() if i.severity == "error"))
    split = pc.split_pattern(issues, ";")
    flat = pc.list_flatten(split)
    parents = pc.list_parent_indices(split).to_numpy(zero_copy_only=False)
    is_error = pc.is_in(flat, value_set=error_codes).to_numpy(zero_copy_only=False)
    out = np.zeros(len(issues), dtype=bool)
    out[parents[is_error]] = True
    return out


def _map_distinct(values: pa.Array, fn) -> pa.Array:
    """Apply a Python function to the few distinct values of a column, not to every row."""
    encoded = pc.dictionary_encode(values)
    mapped = pa.array([fn(v) for v in encoded.dictionary.to_pylist()], type=pa.string())
    return pc.take(mapped, encoded.indices)


def batch_check(*, table: pa.Table, mapping: Mapping, within: str | None = None,
                today: date | None = None) -> Checked:
    """Validate one canonical batch (from `mapping.mapping_apply`)."""
    n = table.num_rows
    col = {name: table[name].combine_chunks() for name in table.column_names}
    issues: list[pa.Array] = []
    if "_issues" in col:
        issues.append(col["_issues"])

    nik = parse_nik_array(col["nik"])
    issues.append(nik["error_code"].combine_chunks())
    kk_given = col["kk"].is_valid()
    kk = parse_kk_array(col["kk"])
    # An absent KK is a gap (the registry may know it), not a reason to refuse the row.
    issues.append(pc.if_else(kk_given, kk["error_code"].combine_chunks(), NULL_TEXT))

    if "given_name" in mapping.fields:
        raw_name = join_present([col["given_name"], col["family_name"]], " ")
    else:
        raw_name = col["full_name"]
    names = names_normalise(values=raw_name)
    issues += [names.issues, issues_from_flags([("name_missing", _missing(raw_name))], n)]

    births = dates_parse(values=col["birth_date"], order=mapping.date_order, today=today)
    issues += [births.issues,
               issues_from_flags([("birth_date_missing", _missing(col["birth_date"]))], n)]
    sex = sex_parse(values=col["sex"])
    issues += [sex.issues, issues_from_flags([("sex_missing", _missing(col["sex"]))], n)]
    date_off, sex_off = _nik_matches(nik["value"].combine_chunks(), births.values, sex.values)
    issues.append(issues_from_flags([("nik_birth_date_mismatch", date_off),
                                     ("nik_sex_mismatch", sex_off)], n))

    rt_in, rw_in = col["rt"], col["rw"]
    if "rt_rw" in mapping.fields:
        split_rt, split_rw = rt_rw_split(values=col["rt_rw"])
        rt_in = pc.coalesce(rt_in, split_rt)
        rw_in = pc.coalesce(rw_in, split_rw)
    rt, rw = rt_rw_parse(values=rt_in, field="rt"), rt_rw_parse(values=rw_in, field="rw")
    issues += [rt.issues, rw.issues]

    village_given = mapping.fields.get("village", ())
    code_like = pc.match_substring_regex(pc.fill_null(col["village"], ""), r"^[0-9. ]+$")
    codes = pc.if_else(code_like, col["village"], NULL_TEXT)
    place_names = pc.if_else(code_like, NULL_TEXT, col["village"])
    places = villages_resolve(codes=codes, names=place_names, district_names=col["district"],
                              regency_names=col["regency"], within=within)
    # An empty village is a warning only (the registry may know it): nothing to resolve.
    issues.append(pc.if_else(col["village"].is_null(), NULL_TEXT, places.issues))
    if village_given:
        issues.append(issues_from_flags([("village_missing", _missing(col["village"]))], n))

    phone = phone_parse(values=col["phone"])
    account = account_parse(values=col["account_number"])
    issues += [phone.issues, account.issues]

    all_issues = _join_issues(issues, n)
    out = {
        "nik": nik["value"].combine_chunks(),
        "kk": kk["value"].combine_chunks(),
        "full_name": names.values,
        "name_titles": names.extra.get("titles", pa.nulls(n, pa.string())),
        "birth_place": pc.utf8_upper(pc.utf8_trim_whitespace(col["birth_place"])),
        "birth_date": births.values,
        "sex": sex.values,
        "relationship": _map_distinct(col["relationship"], relationship_code),
        "address": pc.utf8_trim_whitespace(col["address"]),
        "rt": rt.values,
        "rw": rw.values,
        "village": places.values,
        "village_match": places.extra.get("method", pa.nulls(n, pa.string())),
        "phone": phone.values,
        "bank": pc.utf8_upper(pc.utf8_trim_whitespace(col["bank"])),
        "account_number": account.values,
        "issues": all_issues,
    }
    for name, values in col.items():
        if name.startswith("extra.") or name in ("_row", "_sheet", "_raw"):
            out[name] = values
    return Checked(table=pa.table(out), error=_errors(all_issues))
