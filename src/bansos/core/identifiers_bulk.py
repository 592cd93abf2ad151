"""NIK and KK parsing for whole columns: Arrow in, Arrow out, no Python loop per row.

The rules are those of `bansos.core.identifiers` (read its docstring); this module runs them
set-at-a-time: text clean-up with `pyarrow.compute` (RE2 regexes, trims), checks on the 16
digits as int64 with numpy. The two must agree on every input, which a property test proves.

Output: a table with `value` (the clean 16 digits, null if invalid), `repaired` (list of
repair codes, in `REPAIR_CODES` order, empty unless valid) and `error_code` (null if valid);
`identifiers.identifier_error(code)` turns a code into its messages.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bansos.areas.catalog import district_codes_compact
from bansos.core.identifiers import (
    FLOAT64_EXACT_LIMIT,
    FLOAT_SUFFIX_RE,
    GROUPED_RE,
    LENGTH,
    REPAIR_CODES,
    SCIENTIFIC_RE,
    SEPARATOR_CLASS,
    WHITESPACE,
    Kind,
    float_exact_limit,
)

OUTPUT_SCHEMA = pa.schema(
    [("value", pa.string()), ("repaired", pa.list_(pa.string())), ("error_code", pa.string())]
)

# Index 0 means "no problem"; the order of checks is the order of the scalar parser.
_PROBLEMS = (
    "",
    "empty",
    "scientific_notation",
    "imprecise_number",
    "not_digits",
    "wrong_length",
    "unknown_district",
    "invalid_date",
    "zero_serial",
)
_P = {name: index for index, name in enumerate(_PROBLEMS)}
_REPAIR = {code: index for index, code in enumerate(REPAIR_CODES)}
# Days per month, index 0 unused; February is fixed up for leap years below.
_DAYS_IN_MONTH = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)


@dataclass
class _Cleaned:
    """One chunk after clean-up: digit strings, the first problem, and the repairs made."""

    digits: pa.Array  # string; meaningful only where problem == 0
    problem: np.ndarray  # int8 index into _PROBLEMS
    repairs: np.ndarray  # bool, shape (n, len(REPAIR_CODES))
    from_float: np.ndarray  # bool: the digits came through a float64 (value or `.0` text)


def parse_nik_array(values: pa.Array | pa.ChunkedArray) -> pa.Table:
    return _parse_array(values, kind="nik")


def parse_kk_array(values: pa.Array | pa.ChunkedArray) -> pa.Table:
    return _parse_array(values, kind="kk")


def _parse_array(values: pa.Array | pa.ChunkedArray, *, kind: Kind) -> pa.Table:
    if isinstance(values, pa.ChunkedArray):
        tables = [_parse_chunk(chunk, kind=kind) for chunk in values.chunks]
        return pa.concat_tables(tables) if tables else OUTPUT_SCHEMA.empty_table()
    return _parse_chunk(values, kind=kind)


def _parse_chunk(values: pa.Array, *, kind: Kind) -> pa.Table:
    cleaned = _clean(values)
    _validate(cleaned, kind=kind)
    ok = cleaned.problem == 0
    value = pc.if_else(pa.array(ok), cleaned.digits, pa.scalar(None, pa.string()))
    return pa.Table.from_arrays(
        [value, _repaired_lists(cleaned.repairs & ok[:, None]), _error_codes(cleaned, kind)],
        schema=OUTPUT_SCHEMA,
    )


def _clean(values: pa.Array) -> _Cleaned:
    arrow_type = values.type
    if pa.types.is_dictionary(arrow_type):
        return _clean(values.dictionary_decode())
    if any(
        check(arrow_type)
        for check in (pa.types.is_string, pa.types.is_large_string, pa.types.is_string_view)
    ):
        return _clean_strings(values.cast(pa.string()))
    if pa.types.is_integer(arrow_type):
        return _clean_integers(values)
    if pa.types.is_floating(arrow_type):
        return _clean_floats(values)
    # Booleans, decimals, bytes, ...: like the scalar parser, no guessing what they mean.
    problem = np.where(_valid(values), _P["not_digits"], _P["empty"]).astype(np.int8)
    n = len(values)
    return _Cleaned(pa.nulls(n, pa.string()), problem, _no_repairs(n), np.zeros(n, bool))


def _clean_strings(raw: pa.Array) -> _Cleaned:
    """Most rows are plain digits already: only the others pay for the clean-up regexes."""
    n = len(raw)
    plain = _np(pc.match_substring_regex(raw, "^[0-9]+$"))
    cleaned = _Cleaned(raw, np.zeros(n, np.int8), _no_repairs(n), np.zeros(n, bool))
    if plain.all():
        return cleaned
    messy = np.flatnonzero(~plain)
    part = _clean_messy_strings(raw.take(pa.array(messy)))
    cleaned.digits = pc.replace_with_mask(raw, pa.array(~plain), part.digits)
    cleaned.problem[messy] = part.problem
    cleaned.repairs[messy] = part.repairs
    cleaned.from_float[messy] = part.from_float
    return cleaned


def _clean_messy_strings(raw: pa.Array) -> _Cleaned:
    n = len(raw)
    trimmed = pc.utf8_trim(raw, characters=WHITESPACE)
    apostrophe = _np(pc.starts_with(trimmed, "'"))
    inner = pc.utf8_slice_codeunits(trimmed, 1)
    inner_trimmed = pc.utf8_trim(inner, characters=WHITESPACE)
    text = pc.if_else(pa.array(apostrophe), inner_trimmed, trimmed)
    whitespace = _np(pc.not_equal(trimmed, raw)) | (
        apostrophe & _np(pc.not_equal(inner_trimmed, inner))
    )

    empty = ~_valid(raw) | _np(pc.equal(text, ""))
    scientific = _np(pc.match_substring_regex(text, f"^(?:{SCIENTIFIC_RE})$"))
    float_suffix = _np(pc.match_substring_regex(text, f"^(?:{FLOAT_SUFFIX_RE})$"))
    grouped = _np(pc.match_substring_regex(text, f"^(?:{GROUPED_RE})$"))
    # Float suffix first: `...001.0` is a float's whole part, not digit groups `...001` `0`.
    digits = pc.if_else(
        pa.array(float_suffix),
        pc.replace_substring_regex(text, "[.,][0-9]*$", ""),
        pc.replace_substring_regex(text, SEPARATOR_CLASS, ""),
    )
    separators = grouped & ~float_suffix & _np(pc.not_equal(digits, text))

    problem = np.select(
        [empty, scientific, ~(float_suffix | grouped)],
        [_P["empty"], _P["scientific_notation"], _P["not_digits"]],
        default=0,
    ).astype(np.int8)
    repairs = np.zeros((n, len(REPAIR_CODES)), dtype=bool)
    repairs[:, _REPAIR["stripped_whitespace"]] = whitespace
    repairs[:, _REPAIR["stripped_apostrophe"]] = apostrophe
    repairs[:, _REPAIR["stripped_float_suffix"]] = float_suffix
    repairs[:, _REPAIR["stripped_separators"]] = separators
    return _Cleaned(digits, problem, repairs, float_suffix)


def _clean_integers(raw: pa.Array) -> _Cleaned:
    n = len(raw)
    valid = _valid(raw)
    numbers = raw.fill_null(0).to_numpy(zero_copy_only=False)
    if numbers.dtype == np.uint64:  # above int64's range: far too long anyway
        too_long = numbers >= np.uint64(10**LENGTH)
        numbers = np.where(too_long, 10**LENGTH, numbers).astype(np.int64)
    numbers = numbers.astype(np.int64)
    problem = np.select([~valid, numbers < 0], [_P["empty"], _P["not_digits"]], default=0).astype(
        np.int8
    )
    digits = pc.cast(pa.array(np.where(problem == 0, numbers, 0)), pa.string())
    return _Cleaned(digits, problem, _no_repairs(n), np.zeros(n, dtype=bool))


def _clean_floats(raw: pa.Array) -> _Cleaned:
    n = len(raw)
    limit = float_exact_limit(np.dtype(raw.type.to_pandas_dtype()))
    numbers = raw.cast(pa.float64()).fill_null(np.nan).to_numpy(zero_copy_only=False)
    finite = np.isfinite(numbers)
    safe = np.where(finite, numbers, 0.0)
    bad = ~finite | (safe < 0) | (safe != np.floor(safe))
    too_long = safe >= 10.0**LENGTH
    imprecise = (safe >= 10.0 ** (LENGTH - 1)) & ~too_long & (safe >= limit)
    problem = np.select(
        [np.isnan(numbers), bad, too_long, imprecise],
        [_P["empty"], _P["not_digits"], _P["wrong_length"], _P["imprecise_number"]],
        default=0,
    ).astype(np.int8)
    whole = np.where(problem == 0, safe, 0.0).astype(np.int64)
    repairs = _no_repairs(n)
    repairs[:, _REPAIR["stripped_float_suffix"]] = True
    return _Cleaned(pc.cast(pa.array(whole), pa.string()), problem, repairs, np.ones(n, bool))


def _validate(cleaned: _Cleaned, *, kind: Kind) -> None:
    """Set the first problem of each still-valid row, in the scalar parser's order."""
    problem = cleaned.problem
    length = pc.binary_length(cleaned.digits).fill_null(0).to_numpy(zero_copy_only=False)
    _flag(problem, length != LENGTH, "wrong_length")
    # Digits are ASCII [0-9] by construction; 16 of them fit an int64 with room to spare.
    usable = pa.array(problem == 0)
    numbers = pc.cast(pc.if_else(usable, cleaned.digits, "0"), pa.int64()).to_numpy()
    _flag(problem, cleaned.from_float & (numbers >= FLOAT64_EXACT_LIMIT), "imprecise_number")
    _flag(problem, ~_is_district(numbers // 10**10), "unknown_district")
    _flag(problem, ~_date_ok(numbers, kind=kind), "invalid_date")
    _flag(problem, numbers % 10**4 == 0, "zero_serial")


def _flag(problem: np.ndarray, failed: np.ndarray, name: str) -> None:
    """Record `name` where the check failed on a row that has no problem yet."""
    problem[(problem == 0) & failed] = _P[name]


def _date_ok(numbers: np.ndarray, *, kind: Kind) -> np.ndarray:
    raw_day = numbers // 10**8 % 100
    month = numbers // 10**6 % 100
    yy = numbers // 10**4 % 100
    if kind == "nik":
        in_range = ((raw_day >= 1) & (raw_day <= 31)) | ((raw_day >= 41) & (raw_day <= 71))
        day = np.where(raw_day > 40, raw_day - 40, raw_day)
    else:
        in_range = (raw_day >= 1) & (raw_day <= 31)
        day = raw_day
    month_ok = (month >= 1) & (month <= 12)
    # 29 February exists for YY divisible by 4: in 19YY, or for 00 in 2000 (not 1900).
    leap = (yy % 4 == 0).astype(np.int64)
    days = _DAYS_IN_MONTH[np.where(month_ok, month, 0)] + np.where(month == 2, leap, 0)
    return in_range & month_ok & (day <= days)


@functools.cache
def _district_numbers() -> np.ndarray:
    return np.array(sorted(int(code) for code in district_codes_compact()), dtype=np.int64)


def _is_district(codes: np.ndarray) -> np.ndarray:
    known = _district_numbers()
    at = np.searchsorted(known, codes).clip(0, len(known) - 1)
    return known[at] == codes


def _error_codes(cleaned: _Cleaned, kind: Kind) -> pa.Array:
    names = pa.array([f"{kind}_{name}" for name in _PROBLEMS])
    indices = pa.array(cleaned.problem, mask=cleaned.problem == 0)
    return pa.DictionaryArray.from_arrays(indices, names).cast(pa.string())


def _repaired_lists(flags: np.ndarray) -> pa.Array:
    rows, columns = np.nonzero(flags)  # row-major: each row's codes in REPAIR_CODES order
    offsets = np.zeros(len(flags) + 1, dtype=np.int32)
    np.cumsum(np.bincount(rows, minlength=len(flags)), out=offsets[1:])
    codes = pa.DictionaryArray.from_arrays(
        pa.array(columns.astype(np.int8)), pa.array(REPAIR_CODES)
    ).cast(pa.string())
    return pa.ListArray.from_arrays(pa.array(offsets), codes)


def _np(mask: pa.Array) -> np.ndarray:
    """A boolean Arrow array as numpy, nulls (from null inputs) read as False."""
    return mask.fill_null(False).to_numpy(zero_copy_only=False)


def _valid(values: pa.Array) -> np.ndarray:
    return values.is_valid().to_numpy(zero_copy_only=False)


def _no_repairs(n: int) -> np.ndarray:
    return np.zeros((n, len(REPAIR_CODES)), dtype=bool)
