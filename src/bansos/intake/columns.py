"""Small Arrow column helpers shared by the intake stages."""

from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.compute as pc

NULL_TEXT = pa.scalar(None, pa.string())


def join_present(parts: list[pa.Array], separator: str) -> pa.Array:
    """Join the non-null, non-empty values of each row; null where none is present.

    Not `binary_join_element_wise(null_handling="skip")`: pyarrow 26 returns a shorter array
    when the last rows are all null, which would shift every later row."""
    if not parts:
        raise ValueError("nothing to join")
    joined = pc.binary_join_element_wise(*[pc.fill_null(p, "") for p in parts], separator)
    sep = re.escape(separator)
    joined = pc.replace_substring_regex(joined, f"(?:{sep}){{2,}}", separator)
    joined = pc.replace_substring_regex(joined, f"^(?:{sep})|(?:{sep})$", "")
    return pc.if_else(pc.equal(joined, ""), NULL_TEXT, joined)
