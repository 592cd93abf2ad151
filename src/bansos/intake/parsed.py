"""What every value-parsing stage returns, and the small Arrow helpers the stages share.

A stage takes one text column (every cell arrives as `pa.string()`, null when the cell was
empty) and returns a `ParsedColumn` of the same length: the normalised values, and per row
either null or the `;`-joined issue codes found (codes in `issue_codes.ISSUES`).

Conventions shared by all stages:
- a null cell, or one holding only whitespace, is *missing*: null value, no issue. Whether a
  field is required is the mapping's business, not the parser's;
- an error leaves the value null (the raw cell stays in the staged row for correction); a
  warning keeps the value;
- real lists repeat values (dates, sexes, villages), so most stages parse each distinct value
  once (`distinct`) and spread the result back to the rows (`spread`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

# Whitespace as spreadsheets deliver it: no-break spaces and a byte-order mark included.
WHITESPACE = " \t\r\n\u00a0\ufeff\u200b"


@dataclass(frozen=True)
class ParsedColumn:
    values: pa.Array  # normalised values (typed: date32 for dates, string otherwise)
    issues: pa.Array  # pa.string(): null, or ';'-joined issue codes for that row
    extra: dict[str, pa.Array] = field(default_factory=dict)  # e.g. {"titles": ...}


def as_text(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """One contiguous `pa.string()` array, whatever string flavour or chunking came in."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks() if values.num_chunks else pa.array([], pa.string())
    if pa.types.is_dictionary(values.type):
        values = values.dictionary_decode()
    return values.cast(pa.string())


def blank_to_null(values: pa.Array) -> pa.Array:
    """Trimmed text, with cells that held only whitespace turned into nulls."""
    trimmed = pc.utf8_trim(values, characters=WHITESPACE)
    return pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, pa.string()), trimmed)


def distinct(values: pa.Array) -> tuple[pa.Array, pa.Array]:
    """(distinct values, per-row index into them; null where the row is null)."""
    encoded = pc.dictionary_encode(values)
    return encoded.dictionary, encoded.indices


def spread(parsed: ParsedColumn, indices: pa.Array) -> ParsedColumn:
    """A column parsed on distinct values, taken back to one entry per row."""
    return ParsedColumn(
        values=parsed.values.take(indices),
        issues=parsed.issues.take(indices),
        extra={name: array.take(indices) for name, array in parsed.extra.items()},
    )


def issues_from_flags(flags: Sequence[tuple[str, np.ndarray]], n: int) -> pa.Array:
    """Per row, the codes whose flag is set, `;`-joined in the order given; null when none.

    Rows are packed into a bit pattern each, and only the few patterns present are turned into
    text. (Not `binary_join_element_wise(null_handling="skip")`: in pyarrow 26 it returns a
    shorter array when the last row has only nulls.)
    """
    if len(flags) > 62:
        raise ValueError("at most 62 issue codes per stage")
    bits = np.zeros(n, dtype=np.int64)
    for position, (_, flag) in enumerate(flags):
        bits |= np.asarray(flag, dtype=bool).astype(np.int64) << position
    patterns, which = np.unique(bits, return_inverse=True)
    texts = [
        ";".join(code for position, (code, _) in enumerate(flags) if int(pattern) >> position & 1)
        or None
        for pattern in patterns
    ]
    return pa.array(texts, pa.string()).take(pa.array(which.astype(np.int32)))


def to_numpy_bool(mask: pa.Array) -> np.ndarray:
    """A boolean Arrow array as numpy, nulls read as False."""
    return mask.fill_null(False).to_numpy(zero_copy_only=False)
