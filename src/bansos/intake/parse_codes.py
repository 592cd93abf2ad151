"""Short coded fields: sex, RT/RW numbers, mobile phone numbers, bank account numbers.

- `sex_parse`: `L`/`P` from L/P, LK/PR, LAKI-LAKI (any spacing or `LAKI2`)/PEREMPUAN, PRIA/
  WANITA, 1/2 (the Dukcapil and BPS coding), M/F, MALE/FEMALE; anything else `sex_invalid`.
- `rt_rw_parse`: one RT or RW number (`1`, `01`, `001`, `RT 01`, `RT.001`, `1.0` from a number
  cell) as three digits `001`; 0 and numbers over 999 do not exist: `rt_invalid`/`rw_invalid`.
  `rt_rw_split` cuts a cell holding both (`001/002`, `RT 01 RW 02`) into the two texts.
- `phone_parse`: Indonesian mobile numbers in E.164 (`+628...`) from `0812...`, `+62812...`,
  `62812...`, `0062812...`, `812...` (leading zero lost in a number cell), `+62 (0)812...`, with
  spaces, dashes, dots or brackets. A mobile number is `8`, then 1-9 (the operator block), then
  7 to 10 more digits: 9 to 12 digits after +62, i.e. 10 to 13 digits written `08...`.
  Landlines, short codes and anything else: `phone_invalid`.
- `account_parse`: bank account numbers, digits only after removing spaces, dashes and a
  leading `'` (leading zeros kept: they are part of the number), 10 to 16 digits
  (BNI/BSI 10, Mandiri 13, BRI 15, BTN 16); `account_invalid` otherwise. Excel's scientific
  notation (`3.51E+15`) lost digits: `account_scientific_notation`, never guessed back.
Sex and RT/RW repeat, so they are parsed per distinct value; phone and account numbers and
combined RT/RW cells run as whole-column Arrow kernels.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from bansos.intake.parsed import (
    ParsedColumn,
    as_text,
    blank_to_null,
    distinct,
    issues_from_flags,
    spread,
    to_numpy_bool,
)

SEX_CODES: dict[str, str] = {
    "L": "L", "LK": "L", "LAKILAKI": "L", "LAKI": "L", "LAKI2": "L", "PRIA": "L", "1": "L",
    "M": "L", "MALE": "L",
    "P": "P", "PR": "P", "PEREMPUAN": "P", "WANITA": "P", "W": "P", "2": "P", "F": "P",
    "FEMALE": "P",
}  # fmt: skip
PHONE_RE = r"^(?:\+?62|0062)?0?(?P<nsn>8[1-9][0-9]{7,10})$"
ACCOUNT_MIN, ACCOUNT_MAX = 10, 16
SCIENTIFIC_RE = r"^[0-9]+(?:[.,][0-9]*)?[eE][+-]?[0-9]+$"
UNSPLIT = "?"  # marks a combined RT/RW cell that could not be split
_NULL = pa.scalar(None, pa.string())


def sex_parse(*, values: pa.Array | pa.ChunkedArray) -> ParsedColumn:
    """`L` (laki-laki) or `P` (perempuan); `sex_invalid` for anything else."""
    texts, indices = distinct(blank_to_null(as_text(values)))
    key = pc.replace_substring_regex(pc.utf8_upper(texts), r"[.,]0+$", "")  # `1.0`: a number
    key = pc.replace_substring_regex(key, r"[^A-Z0-9]+", "")
    found = pc.index_in(key, value_set=pa.array(list(SEX_CODES)))
    codes = pa.array(list(SEX_CODES.values()), pa.string()).take(found)
    invalid = ~to_numpy_bool(pc.is_valid(codes))
    issues = issues_from_flags([("sex_invalid", invalid)], len(texts))
    return spread(ParsedColumn(values=codes, issues=issues), indices)


def rt_rw_parse(*, values: pa.Array | pa.ChunkedArray, field: str) -> ParsedColumn:
    """One RT (`field="rt"`) or RW (`field="rw"`) number per cell, as `001`..`999`."""
    if field not in ("rt", "rw"):
        raise ValueError(f"field must be 'rt' or 'rw', got {field!r}")
    texts, indices = distinct(blank_to_null(as_text(values)))
    label = field.upper()
    pattern = rf"^(?:{label}\s*[.:]?\s*)?0*(?P<n>[1-9][0-9]{{0,2}})(?:[.,]0+)?$"
    return spread(_numbers(pc.utf8_upper(texts), pattern, f"{field}_invalid"), indices)


def rt_rw_split(*, values: pa.Array | pa.ChunkedArray) -> tuple[pa.Array, pa.Array]:
    """(RT text, RW text) from cells holding both, for `rt_rw_parse`: `001/002`, `01-02`,
    `RT 01 RW 02`, `RT.01/RW.02`, `RW 02 RT 01`, `RT/RW 001/002` (RT first unless labelled).
    A cell that cannot be split comes back in both parts behind `UNSPLIT` (`?001`), so that
    `rt_rw_parse` reports it in both (`rt_invalid`, `rw_invalid`) instead of it silently
    becoming empty, or a lone `001` passing as both RT and RW."""
    text, indices = distinct(blank_to_null(as_text(values)))
    upper = pc.utf8_upper(text)
    number = r"(?P<{name}>[0-9]+)"
    rt, rw = number.format(name="rt"), number.format(name="rw")
    sep = r"\s*[/\-|,\\ ]\s*"
    forms = [
        rf"^(?:RT\s*/\s*RW\s*[.:]?\s*)?{rt}{sep}{rw}$",
        rf"^RT\s*[.:]?\s*{rt}{sep}?RW\s*[.:]?\s*{rw}$",
        rf"^RW\s*[.:]?\s*{rw}{sep}?RT\s*[.:]?\s*{rt}$",
    ]
    unsplit = pc.binary_join_element_wise(UNSPLIT, text, "")
    rt_text, rw_text = unsplit, unsplit
    for form in reversed(forms):  # the first form that matches wins
        matched = pc.extract_regex(upper, form)
        hit = pc.is_valid(matched)
        rt_text = pc.if_else(hit, pc.struct_field(matched, ["rt"]), rt_text)
        rw_text = pc.if_else(hit, pc.struct_field(matched, ["rw"]), rw_text)
    return rt_text.take(indices), rw_text.take(indices)


def _numbers(text: pa.Array, pattern: str, code: str) -> ParsedColumn:
    """Three-digit zero-padded numbers from the `n` group of `pattern`; `code` where none."""
    matched = pc.extract_regex(text, pattern)
    ok = pc.is_valid(matched)
    number = pc.utf8_lpad(pc.struct_field(matched, ["n"]), width=3, padding="0")
    invalid = ~to_numpy_bool(ok)
    issues = issues_from_flags([(code, invalid)], len(text))
    return ParsedColumn(values=pc.if_else(ok, number, _NULL), issues=issues)


def phone_parse(*, values: pa.Array | pa.ChunkedArray) -> ParsedColumn:
    """Indonesian mobile numbers as E.164 `+628...`; `phone_invalid` for anything else."""
    text = blank_to_null(as_text(values))
    compact = pc.replace_substring_regex(text, r"\(0\)", "")  # `+62 (0)812`: a trunk zero
    compact = pc.replace_substring_regex(compact, r"^'|[\s\-.()/]+", "")
    matched = pc.extract_regex(compact, PHONE_RE)
    ok = pc.is_valid(matched)
    phone = pc.binary_join_element_wise("+62", pc.struct_field(matched, ["nsn"]), "")
    invalid = to_numpy_bool(pc.is_valid(text)) & ~to_numpy_bool(ok)
    issues = issues_from_flags([("phone_invalid", invalid)], len(text))
    return ParsedColumn(values=pc.if_else(ok, phone, _NULL), issues=issues)


def account_parse(*, values: pa.Array | pa.ChunkedArray) -> ParsedColumn:
    """Bank account numbers as digit strings (leading zeros kept)."""
    text = blank_to_null(as_text(values))
    compact = pc.replace_substring_regex(text, r"^'|[\s\-']+", "")
    scientific = to_numpy_bool(pc.match_substring_regex(compact, SCIENTIFIC_RE))
    pattern = rf"^[0-9]{{{ACCOUNT_MIN},{ACCOUNT_MAX}}}$"
    ok = to_numpy_bool(pc.match_substring_regex(compact, pattern))
    invalid = to_numpy_bool(pc.is_valid(text)) & ~ok & ~scientific
    issues = issues_from_flags(
        [("account_invalid", invalid), ("account_scientific_notation", scientific)], len(text)
    )
    return ParsedColumn(values=pc.if_else(pa.array(ok), compact, _NULL), issues=issues)
