"""Addresses for linkage: one spelling of the usual words, the RT/RW taken out, the hamlet.

Program lists write one address many ways (`Jl. Mawar No.3 RT.003/RW.005`, `JALAN MAWAR NOMOR 3
RT 3 RW 5`), so `addresses_normalise` gives per address:
- `key`: upper case, the abbreviations of `ADDRESS_WORDS` written out (`JL`, `JLN` -> `JALAN`,
  `GG` -> `GANG`, `DSN` -> `DUSUN`, `KP`, `KAMP` -> `KAMPUNG`, `DS` -> `DESA`, `KEL` ->
  `KELURAHAN`, `NOMOR` -> `NO`...), any punctuation a space, single spaces, and the RT/RW
  removed: they are compared as their own columns, and left in the key they would make the
  same street look different;
- `rt`, `rw`: three-digit numbers (`003`) found in the address, from `RT 03 RW 05`,
  `RT.003/RW.005`, `RT 3 / RW 5`, `RT03RW05`, `RW 05 RT 03`, `RT/RW 03/05`, a bare `003/005`
  (not after `NO`, where it is a house number) or `RT 03` / `RW 05` alone; 0 is no number;
- `dusun`: the hamlet's name, the words after `DUSUN` (or `DSN`), `DUKUH` or `BANJAR` (Bali's
  hamlet) up to a comma or the next address word. `DS.` is read as desa, never as dusun: it is
  the usual abbreviation of desa, and a village name in the hamlet column would match every
  hamlet of that village.
Addresses repeat (every member of a household carries one), so each distinct value is
normalised once.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bansos.intake.parse_names import LETTERS
from bansos.intake.parsed import as_text, blank_to_null, distinct, to_numpy_bool

ADDRESS_WORDS: dict[str, str] = {
    "JL": "JALAN", "JLN": "JALAN", "GG": "GANG", "DSN": "DUSUN", "KP": "KAMPUNG",
    "KAMP": "KAMPUNG", "PERUM": "PERUMAHAN", "DS": "DESA", "KEL": "KELURAHAN", "NOMOR": "NO",
    "KEC": "KECAMATAN", "KAB": "KABUPATEN", "BR": "BANJAR", "KOMP": "KOMPLEK",
    "KOMPLEKS": "KOMPLEK", "LINGK": "LINGKUNGAN", "PROV": "PROVINSI",
}  # fmt: skip
HAMLET_WORDS = ("DUSUN", "DUKUH", "BANJAR")
# Words that end a hamlet's name: the next part of the address begins.
STOP_WORDS = HAMLET_WORDS + (
    "JALAN", "GANG", "DESA", "KELURAHAN", "KECAMATAN", "KABUPATEN", "KOTA", "KAMPUNG",
    "PERUMAHAN", "KOMPLEK", "LINGKUNGAN", "PROVINSI", "NO", "BLOK", "RT", "RW", ",",
)  # fmt: skip

_NUMBER = "(?P<{name}>[0-9]{{1,3}})"
_RT, _RW = _NUMBER.format(name="rt"), _NUMBER.format(name="rw")
_LABEL_END = r"\s*[.:]?\s*"
_SEP = r"\s*[/\-,.]?\s*"
# Tried in this order; the first that matches gives the numbers and is cut out of the address.
RT_RW_FORMS = (
    rf"\bRT\s*/?\s*RW{_LABEL_END}{_RT}\s*[/\-.,]\s*{_RW}\b",  # RT/RW 03/05
    rf"\bRT{_LABEL_END}{_RT}{_SEP}RW{_LABEL_END}{_RW}\b",  # RT 03 RW 05, RT03RW05
    rf"\bRW{_LABEL_END}{_RW}{_SEP}RT{_LABEL_END}{_RT}\b",  # RW 05 RT 03
    rf"(?P<house>\bNO\.?\s*)?\b{_RT}\s*/\s*{_RW}\b",  # 003/005, unless a house number
    rf"\bRT{_LABEL_END}{_RT}\b",
    rf"\bRW{_LABEL_END}{_RW}\b",
)
_MAYBE_RT_RW = r"\bR[TW]|[0-9]\s*/\s*[0-9]"  # cheap test before the capturing regexes
_NULL = pa.scalar(None, pa.string())


@dataclass(frozen=True)
class AddressColumns:
    key: pa.Array  # normalised address without RT/RW, null when empty
    rt: pa.Array  # `001`..`999` found in the address, or null
    rw: pa.Array
    dusun: pa.Array  # the hamlet's name, or null


def addresses_normalise(*, values: pa.Array | pa.ChunkedArray) -> AddressColumns:
    """Address key, RT, RW and hamlet per address (see the module docstring)."""
    texts, indices = distinct(as_text(values))
    texts = blank_to_null(texts)
    rest, rt, rw = _rt_rw_cut(pc.utf8_upper(texts))
    spaced = pc.replace_substring_regex(rest, f"[^{LETTERS}0-9,]+", " ")
    spaced = pc.replace_substring_regex(spaced, " *, *", " , ")  # a comma ends a hamlet's name
    spaced = pc.utf8_trim(pc.replace_substring_regex(spaced, "  +", " "), characters=" ")
    words = pc.split_pattern(pc.if_else(pc.equal(spaced, ""), _NULL, spaced), " ")
    vocabulary, ids = _expanded_words(pc.list_flatten(words))
    parent = pc.list_parent_indices(words).to_numpy()
    not_comma = to_numpy_bool(pc.not_equal(vocabulary, ","))[ids]
    key = _joined(vocabulary, ids, parent, not_comma, len(texts))
    hamlet = _hamlet_words(vocabulary, ids, parent)
    dusun = _joined(vocabulary, ids, parent, hamlet, len(texts))
    return AddressColumns(
        key=key.take(indices), rt=rt.take(indices), rw=rw.take(indices), dusun=dusun.take(indices)
    )


def _rt_rw_cut(upper: pa.Array) -> tuple[pa.Array, pa.Array, pa.Array]:
    """(the addresses without their RT/RW part, RT, RW), the first form of `RT_RW_FORMS` that
    matches winning. Only addresses that may hold one pay for the capturing regexes."""
    numbers = {name: pa.nulls(len(upper), pa.string()) for name in ("rt", "rw")}
    todo = to_numpy_bool(pc.match_substring_regex(upper, _MAYBE_RT_RW))
    for form in RT_RW_FORMS:
        if not todo.any():
            break
        rows = np.flatnonzero(todo)
        part = upper.take(pa.array(rows))
        found = pc.extract_regex(part, form)
        hit = to_numpy_bool(pc.is_valid(found))
        if "<house>" in form:
            house = pc.struct_field(found, ["house"])  # "" when the group did not take part
            hit &= ~to_numpy_bool(pc.not_equal(house, ""))
        if not hit.any():
            continue
        mask, hit_rows = pa.array(hit), rows[hit]
        cut = pc.replace_substring_regex(part.filter(mask), form, " ", max_replacements=1)
        upper = _put(upper, hit_rows, cut)
        for name in numbers:
            if f"<{name}>" in form:
                number = _three_digits(pc.struct_field(found.filter(mask), [name]))
                numbers[name] = _put(numbers[name], hit_rows, number)
        todo[hit_rows] = "<rw>" not in form  # after a lone RT, its RW may follow
    return upper, numbers["rt"], numbers["rw"]


def _put(values: pa.Array, rows: np.ndarray, new: pa.Array) -> pa.Array:
    """`values` with the entries at `rows` (ascending) replaced by `new`."""
    mask = np.zeros(len(values), dtype=bool)
    mask[rows] = True
    return pc.replace_with_mask(values, pa.array(mask), new)


def _three_digits(numbers: pa.Array) -> pa.Array:
    """`3`, `03`, `003` -> `003`; `0`, `000` -> null (no RT is numbered 0)."""
    trimmed = pc.utf8_ltrim(numbers, characters="0")
    padded = pc.utf8_lpad(trimmed, width=3, padding="0")
    return pc.if_else(pc.equal(trimmed, ""), _NULL, padded)


def _expanded_words(flat: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """(distinct words with abbreviations written out, per word its index into them)."""
    vocabulary, ids = distinct(flat)
    short, full = _abbreviations()
    found = pc.index_in(vocabulary, value_set=short)
    vocabulary = pc.coalesce(full.take(found), vocabulary)
    return vocabulary, ids.to_numpy()


@functools.cache
def _abbreviations() -> tuple[pa.Array, pa.Array]:
    return pa.array(list(ADDRESS_WORDS), pa.string()), pa.array(list(ADDRESS_WORDS.values()))


def _hamlet_words(vocabulary: pa.Array, ids: np.ndarray, parent: np.ndarray) -> np.ndarray:
    """Per word: part of the first hamlet name of its address, i.e. after the first hamlet
    word and before the next stop word. A hamlet word right after another stop word is part
    of a place name (`KOTA BANJAR`, `JALAN DUSUN`), not a hamlet."""
    stop = to_numpy_bool(pc.is_in(vocabulary, value_set=pa.array(STOP_WORDS)))[ids]
    hamlet = to_numpy_bool(pc.is_in(vocabulary, value_set=pa.array(HAMLET_WORDS)))[ids]
    first = np.ones(len(ids), dtype=bool)  # first word of its address
    first[1:] = parent[1:] != parent[:-1]
    word_stop = stop & ~to_numpy_bool(pc.equal(vocabulary, ","))[ids]
    place = np.zeros(len(ids), dtype=bool)
    for _ in range(2):  # twice: `KOTA BANJAR DUSUN X` has a hamlet after a place name
        after_stop = np.zeros(len(ids), dtype=bool)
        after_stop[1:] = (word_stop & ~place)[:-1] & ~first[1:]
        place = hamlet & after_stop
    stop, hamlet = stop & ~place, hamlet & ~place
    starts = stop | first
    segment = np.cumsum(starts) - 1  # runs of words, each from a stop word (or the start) on
    in_hamlet = hamlet[np.flatnonzero(starts)][segment] & ~starts
    # Only the first hamlet of an address: hamlet words so far, counted per address.
    so_far = np.cumsum(hamlet)
    before_address = np.concatenate([[0], so_far])[np.flatnonzero(first)]
    return in_hamlet & (so_far - before_address[np.cumsum(first) - 1] == 1)


def _joined(
    vocabulary: pa.Array, ids: np.ndarray, parent: np.ndarray, keep: np.ndarray, n: int
) -> pa.Array:
    """Per text (`n` of them), its kept words space-joined; null when none is kept."""
    counts = np.bincount(parent[keep], minlength=n)
    offsets = pa.array(np.concatenate([[0], np.cumsum(counts)]).astype(np.int32))
    words = vocabulary.take(pa.array(ids[keep]))
    return pc.binary_join(pa.ListArray.from_arrays(offsets, words, mask=pa.array(counts == 0)), " ")
