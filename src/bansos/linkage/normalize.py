"""The normalise stage of linkage: one table of records in, the same table with comparison
columns added. Pure Arrow, no database; the later stages (block, score) read these columns.

Input columns (only `uid` is required; a missing one is added as nulls, so the output always
has them): `uid` int64, `full_name`, `birth_date` date32, `sex`, `nik`, `address`, `rt`, `rw`,
`village`, `phone`. Names come titled or not, in any case, from intake or from foreign files.

Replaced: `sex` (`L`/`P` or null, read by `sex_parse`: foreign files write `LAKI-LAKI`, `1`),
`nik` (the 16 digits, or null: anything else cannot be compared), `rt`, `rw` (`001`..`999`:
the input columns when they hold a number, else found in the address).

Added, names (`name_key` and what derives from it forgive old spellings: see `parse_names`):
- `name_titles`: titles and honorifics taken off, kept for review (`HJ. S.PD.`, `BPK`);
- `name_clean`: the display name without them, upper case, single spaces;
- `name_key`: the spelling-tolerant key of the person's own name, without the father's part
  (`BIN`/`BINTI`...), Balinese markers and birth-order names, which many people share and
  lists drop or keep at will (`I WAYAN SUDARSANA` is `WAYAN SUDARSANA` is `SUDARSANA`);
- `name_key_sorted`: its words in alphabetical order, to meet swapped names;
- `name_first`, `name_last`: its first and last word (for blocking, and names cut short);
- `name_father`: the key of the part after `BIN`/`BINTI`, compared on its own;
- `name_marker`: the Balinese markers found (`I`, `NI`, `GUSTI`, `IDA BAGUS`, `WAYAN`...);
- `name_rare`: the key's words, sorted, without those common in this table (the function
  `name_rare` says which): blocking on `SITI` or `MUHAMMAD` would compare everyone with
  everyone;
- `name_token_count` (int8): words in `name_key`.
Addresses (see `normalize_address`): `address_key`, `dusun`.
Identifiers: `nik_region` (district code, first 6 digits), `nik_birth_date` and `nik_sex` (what
the NIK's date part says, null when it is no date), `nik_serial` (last 4); `phone_key`: digits
in the domestic form `08...`, so `+62 812...` and `0812...` meet.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz.distance import JaroWinkler

from bansos.intake.parse_codes import rt_rw_parse, sex_parse
from bansos.intake.parse_names import LETTERS, name_key, names_normalise
from bansos.intake.parsed import WHITESPACE, ParsedColumn, as_text, distinct, to_numpy_bool
from bansos.linkage.normalize_address import addresses_normalise

INPUT_SCHEMA = pa.schema(
    [("uid", pa.int64()), ("full_name", pa.string()), ("birth_date", pa.date32()),
     ("sex", pa.string()), ("nik", pa.string()), ("address", pa.string()), ("rt", pa.string()),
     ("rw", pa.string()), ("village", pa.string()), ("phone", pa.string())]
)  # fmt: skip
ADDED_SCHEMA = pa.schema(
    [("name_titles", pa.string()), ("name_clean", pa.string()), ("name_key", pa.string()),
     ("name_key_sorted", pa.string()), ("name_first", pa.string()), ("name_last", pa.string()),
     ("name_father", pa.string()), ("name_marker", pa.string()), ("name_rare", pa.string()),
     ("name_token_count", pa.int8()), ("address_key", pa.string()), ("dusun", pa.string()),
     ("nik_region", pa.string()), ("nik_birth_date", pa.date32()), ("nik_sex", pa.string()),
     ("nik_serial", pa.string()), ("phone_key", pa.string())]
)  # fmt: skip

# Honorifics of address before a name (Bapak, Ibu, Saudara/i, Tuan, Nyonya, Nona, Mbah, the
# late), and after it (the late). `AN.` (atas nama, on behalf of) only with its dot: `AN NISA`.
HONORIFICS = (
    "BAPAK", "BPK", "BP", "PAK", "IBU", "BU", "SAUDARA", "SAUDARI", "SDR", "SDRI", "SDRA",
    "TUAN", "TN", "NYONYA", "NY", "NONA", "NN", "MBAH", "ALMARHUM", "ALMARHUMAH", "ALMRH",
    "ALMH", "ALM",
)  # fmt: skip
LATE = ("ALMARHUM", "ALMARHUMAH", "ALMRH", "ALMH", "ALM")
FATHER_WORDS = ("BIN", "BINTI", "BINTY", "BINT", "BT", "BN")  # son/daughter of
BIRTH_ORDER = ("WAYAN", "GEDE", "PUTU", "ILUH", "MADE", "KADEK", "NENGAH", "NYOMAN", "KOMANG",
               "KETUT")  # fmt: skip
# Balinese markers that are never a given name, and those that are only after/before another
# (`IDA` and `AYU` are common names alone: `IDA BAGUS`, `IDA AYU` are markers).
ALWAYS_MARKERS = BIRTH_ORDER + ("LUH", "GUSTI", "NGURAH", "COKORDA", "DESAK", "NGAKAN")
GENDER_MARKERS = ("I", "NI")  # markers before a birth-order name or two more words
PAIRED_MARKERS = {"IDA": ("BAGUS", "AYU"), "ANAK": ("AGUNG",), "DEWA": ("AYU",)}
SECOND_MARKERS = {"BAGUS": ("IDA", "GUSTI"), "AYU": ("IDA", "GUSTI", "DEWA"),
                  "AGUNG": ("ANAK", "GUSTI")}  # fmt: skip
ALWAYS_COMMON = ("MUHAMMAD", "SITI", "NUR", "NURUL", "ABDUL", "AHMAD")
COMMON_SHARE = 0.005  # a word carried by more than this share of names is common ...
COMMON_FLOOR = 5  # ... and by more than this many: in a small table 1 name is a large share

_HONORIFIC = "(?:" + "|".join(HONORIFICS) + r")\.? |AN\. "
_PREFIX_HONORIFICS = f"^(?P<titles>(?:{_HONORIFIC})+)(?P<rest>[{LETTERS}].*)$"
_SUFFIX_LATE = "(?: (?:" + "|".join(LATE) + r")\.?)+$"
_FATHER = " (?:" + "|".join(FATHER_WORDS) + r")\.? "
_NULL = pa.scalar(None, pa.string())
_NO_DATE = np.iinfo(np.int32).min
_SEXES = pa.array(["L", "P"])
_DAYS_IN_MONTH = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def records_normalise(*, records: pa.Table) -> pa.Table:
    """`records` with its columns cleaned and the comparison columns added (module docstring)."""
    columns = _input_columns(records)
    names = name_parts(values=columns["full_name"])
    address = addresses_normalise(values=columns["address"])
    nik = nik_parts(values=columns["nik"], today=date.today())
    columns["sex"] = _per_distinct(sex_parse, columns["sex"])
    columns["nik"] = nik.pop("nik")
    columns["rt"] = pc.coalesce(_per_distinct(rt_rw_parse, columns["rt"], field="rt"), address.rt)
    columns["rw"] = pc.coalesce(_per_distinct(rt_rw_parse, columns["rw"], field="rw"), address.rw)
    added = {**names, "address_key": address.key, "dusun": address.dusun, **nik,
             "phone_key": phone_key(values=columns["phone"])}  # fmt: skip
    table = records
    for field in (*INPUT_SCHEMA, *ADDED_SCHEMA):  # replaced where present: normalised twice
        values = columns[field.name] if field.name in columns else added[field.name]
        if field.name in table.column_names:
            index = table.schema.get_field_index(field.name)
            table = table.set_column(index, field, values.cast(field.type))
        else:
            table = table.append_column(field, values.cast(field.type))
    return table


def _input_columns(records: pa.Table) -> dict[str, pa.Array]:
    """The known input columns as arrays of their types, nulls for each one missing."""
    if "uid" not in records.column_names:
        raise ValueError("records need a uid column")
    columns = {}
    for field in INPUT_SCHEMA:
        if field.name not in records.column_names:
            columns[field.name] = pa.nulls(len(records), field.type)
            continue
        column = records[field.name]
        if column.num_chunks == 1:  # no copy
            column = column.chunk(0)
        columns[field.name] = (
            as_text(column) if field.type == pa.string() else column.cast(field.type)
        )
    return columns


def _per_distinct(parse: Callable[..., ParsedColumn], values: pa.Array, **options: str) -> pa.Array:
    """An intake parser's values, parsing each distinct value once."""
    texts, indices = distinct(values)
    return parse(values=texts, **options).values.take(indices)


# --- names ---------------------------------------------------------------------------------


def name_parts(*, values: pa.Array | pa.ChunkedArray) -> dict[str, pa.Array]:
    """The name columns, computed once per distinct name."""
    texts, indices = distinct(as_text(values))  # blanks are `names_normalise`'s business
    rows = np.bincount(indices.drop_null().to_numpy(), minlength=len(texts))
    clean, titles = _names_clean(texts)
    own, father = _father_split(clean)
    columns = {"name_titles": titles, "name_clean": clean}
    columns |= _own_columns(name_key(values=own), rows)
    columns["name_father"] = name_key(values=_names_clean(father)[0])
    return {name: column.take(indices) for name, column in columns.items()}


def names_similarity(*, given: str, other: str) -> float:
    """How alike a typed name is to a recorded one, forgiving case, spacing, titles and
    honorifics: 1.0 for the same cleaned name or the same spelling key (old spellings such as
    SOEKARNO/SUKARNO), else the Jaro-Winkler similarity of the cleaned names; 0.0 when either
    has no name. For one-off checks (a sign-up, a proposal), not for bulk comparison."""
    parts = name_parts(values=pa.array([given, other], pa.string()))
    clean, key = parts["name_clean"].to_pylist(), parts["name_key"].to_pylist()
    if not clean[0] or not clean[1]:
        return 0.0
    if clean[0] == clean[1] or (key[0] is not None and key[0] == key[1]):
        return 1.0
    return JaroWinkler.similarity(clean[0], clean[1])


def _names_clean(texts: pa.Array) -> tuple[pa.Array, pa.Array]:
    """(display names, titles and honorifics taken off). `names_normalise` takes off the Hajj
    and academic titles; honorifics are taken here, and then `names_normalise` again for the
    titles they hid (`BPK. H. SUTRISNO`)."""
    parsed = names_normalise(values=texts)
    names, titles = parsed.values, parsed.extra["titles"]
    for _ in range(3):
        hit = _matches(names, f"^(?:{_HONORIFIC})|{_SUFFIX_LATE}")
        if not hit.any():
            break
        mask = pa.array(hit)
        rest, before, late = _honorifics_strip(names.filter(mask))
        again = names_normalise(values=rest)
        found = _joined_titles(_joined_titles(before, again.extra["titles"]), late)
        names = pc.replace_with_mask(names, mask, again.values)
        titles = pc.replace_with_mask(titles, mask, _joined_titles(titles.filter(mask), found))
    return names, titles


def _honorifics_strip(names: pa.Array) -> tuple[pa.Array, pa.Array, pa.Array]:
    """(names without honorifics before and `ALM.` after them, those before, those after)."""
    parts = pc.extract_regex(names, _PREFIX_HONORIFICS)
    before = pc.utf8_trim(pc.struct_field(parts, ["titles"]), characters=" ")
    rest = pc.coalesce(pc.struct_field(parts, ["rest"]), names)
    late = pc.struct_field(pc.extract_regex(rest, f"(?P<late>{_SUFFIX_LATE})"), ["late"])
    rest = pc.replace_substring_regex(rest, _SUFFIX_LATE, "")
    rest = pc.if_else(pc.match_substring_regex(rest, f"[{LETTERS}]"), rest, names)  # `BPK` alone
    return rest, before, pc.utf8_trim(late, characters=" ")


def _joined_titles(left: pa.Array, right: pa.Array) -> pa.Array:
    joined = pc.binary_join_element_wise(
        left, right, " ", null_handling="replace", null_replacement=""
    )
    joined = pc.utf8_trim(joined, characters=" ")
    return pc.if_else(pc.equal(joined, ""), _NULL, joined)


def _father_split(names: pa.Array) -> tuple[pa.Array, pa.Array]:
    """(the person's own name, the father's name after `BIN`/`BINTI` or null)."""
    father = pa.nulls(len(names), pa.string())
    hit = _matches(names, _FATHER + f"[{LETTERS}]")
    if not hit.any():
        return names, father
    mask = pa.array(hit)
    parts = pc.extract_regex(names.filter(mask), f"^(?P<own>.*?){_FATHER}(?P<father>.+)$")
    own = pc.replace_with_mask(names, mask, pc.struct_field(parts, ["own"]))
    return own, pc.replace_with_mask(father, mask, pc.struct_field(parts, ["father"]))


def _matches(values: pa.Array, pattern: str) -> np.ndarray:
    return to_numpy_bool(pc.match_substring_regex(values, pattern))


@dataclass(frozen=True)
class _Words:
    """The words of `n` space-separated texts: per word its index into `vocabulary` and the
    index of its text (ascending)."""

    ids: np.ndarray
    parent: np.ndarray
    vocabulary: pa.Array
    n: int

    @classmethod
    def of(cls, texts: pa.Array) -> _Words:
        lists = pc.split_pattern(texts, " ")
        vocabulary, ids = distinct(pc.list_flatten(lists))
        parent = pc.list_parent_indices(lists).to_numpy()
        return cls(ids.to_numpy(), parent, vocabulary, len(texts))

    def joined(self, keep: np.ndarray, *, ordered: bool = False) -> pa.Array:
        """Per text, its kept words space-joined (alphabetically if `ordered`); null if none."""
        ids, parent = self.ids[keep], self.parent[keep]
        if ordered:
            order = pc.sort_indices(self.vocabulary).to_numpy().astype(np.int64)
            rank = np.empty_like(order)
            rank[order] = np.arange(len(order))
            both = np.sort(parent.astype(np.int64) * len(order) + rank[ids])
            ids, parent = order[both % len(order)], both // len(order)
        counts = np.bincount(parent, minlength=self.n)
        offsets = pa.array(np.concatenate([[0], np.cumsum(counts)]).astype(np.int32))
        lists = pa.ListArray.from_arrays(
            offsets, self.vocabulary.take(pa.array(ids)), mask=pa.array(counts == 0)
        )
        return pc.binary_join(lists, " ")


def _own_columns(keys: pa.Array, rows: np.ndarray) -> dict[str, pa.Array]:
    """`name_key` and the columns derived from it, from the keys of the own names (`rows`: how
    many rows carry each)."""
    words = _Words.of(keys)
    marker = _balinese_markers(words)
    kept = ~marker
    counts = np.bincount(words.parent[kept], minlength=words.n)
    ends, empty = np.cumsum(counts), counts == 0
    kept_words = words.vocabulary.take(pa.array(words.ids[kept]))
    return {
        "name_key": words.joined(kept),
        "name_key_sorted": words.joined(kept, ordered=True),
        "name_first": kept_words.take(pa.array(ends - counts, mask=empty)),
        "name_last": kept_words.take(pa.array(ends - 1, mask=empty)),
        "name_marker": words.joined(marker),
        "name_rare": _rare_words(
            _Words(words.ids[kept], words.parent[kept], words.vocabulary, words.n),
            rows,
            COMMON_SHARE,
            COMMON_FLOOR,
        ),  # fmt: skip
        "name_token_count": pa.array(np.minimum(counts, 127).astype(np.int8), mask=empty),
    }


def _balinese_markers(words: _Words) -> np.ndarray:
    """Per word: one of the Balinese markers that open its name. `I`/`NI` count only before a
    birth-order name or two more words (`I SUTRISNO` has an initial). A name made only of
    markers keeps its last word (`KETUT`, `I WAYAN`: people are called by it)."""
    keys = _marker_keys()
    lengths = np.bincount(words.parent, minlength=words.n)
    offsets = np.r_[0, np.cumsum(lengths)]
    after = offsets[1:][words.parent] - 1 - np.arange(len(words.ids))  # words after it
    nxt, prev = _neighbours(words, 1), _neighbours(words, -1)

    def one_of(ids: np.ndarray, group: str) -> np.ndarray:
        member = np.r_[to_numpy_bool(pc.is_in(words.vocabulary, keys[group])), False]
        return member[ids]  # id -1 (no neighbour) reads the final False

    marker = one_of(words.ids, "always")
    marker |= one_of(words.ids, "gender") & (one_of(nxt, "birth") | (after >= 2))
    for word in PAIRED_MARKERS:
        marker |= one_of(words.ids, word) & one_of(nxt, f"after {word}")
    for word in SECOND_MARKERS:
        marker |= one_of(words.ids, word) & one_of(prev, f"before {word}")
    # Markers open a name: only the run from its first word on counts.
    unmarked = np.cumsum(~marker)
    marker &= unmarked == np.r_[0, unmarked][offsets[:-1]][words.parent]
    only_markers = (np.bincount(words.parent[marker], minlength=words.n) == lengths) & (lengths > 0)
    marker[offsets[1:][only_markers] - 1] = False
    return marker


def _neighbours(words: _Words, step: int) -> np.ndarray:
    """Per word, the id of the word `step` places after it (before it if negative) in the same
    name, or -1."""
    n, ids = len(words.ids), np.full(len(words.ids), -1)
    source = np.arange(n) + step
    inside = (source >= 0) & (source < n)
    same = np.zeros(n, dtype=bool)
    same[inside] = words.parent[source[inside]] == words.parent[inside]
    ids[same] = words.ids[source[same]]
    return ids


@functools.cache
def _marker_keys() -> dict[str, pa.Array]:
    """The marker words as `name_key` writes them (`NJOMAN` and `NYOMAN` are one key)."""

    def keyed(words: tuple[str, ...]) -> pa.Array:
        return name_key(values=pa.array(words, pa.string()))

    groups = {"always": ALWAYS_MARKERS, "gender": GENDER_MARKERS, "birth": BIRTH_ORDER}
    groups |= {word: (word,) for word in (*PAIRED_MARKERS, *SECOND_MARKERS)}
    groups |= {f"after {word}": after for word, after in PAIRED_MARKERS.items()}
    groups |= {f"before {word}": before for word, before in SECOND_MARKERS.items()}
    return {group: keyed(words) for group, words in groups.items()}


def name_rare(
    *,
    keys: pa.Array | pa.ChunkedArray,
    common_share: float = COMMON_SHARE,
    common_floor: int = COMMON_FLOOR,
) -> pa.Array:
    """Per name key, its words without the common ones, sorted and space-joined; the whole key
    (sorted) when every word is common; null for a null key.

    Common: `ALWAYS_COMMON`, and any word carried by more than `common_share` of the non-null
    keys given and by more than `common_floor` of them (the table itself is the reference, so
    a region's frequent names count as frequent there)."""
    texts, indices = distinct(as_text(keys))
    rows = np.bincount(indices.drop_null().to_numpy(), minlength=len(texts))
    return _rare_words(_Words.of(texts), rows, common_share, common_floor).take(indices)


def _rare_words(words: _Words, rows: np.ndarray, share: float, floor: int) -> pa.Array:
    """`name_rare` of the texts of `words`, the text `i` standing for `rows[i]` rows."""
    ordered = np.lexsort((words.ids, words.parent))
    ids, parent = words.ids[ordered], words.parent[ordered]
    again = np.zeros(len(ordered), dtype=bool)  # a word twice in one name counts once
    again[1:] = (ids[1:] == ids[:-1]) & (parent[1:] == parent[:-1])
    carried = np.bincount(
        ids[~again], weights=rows[parent[~again]], minlength=len(words.vocabulary)
    )
    named = np.bincount(words.parent, minlength=words.n) > 0
    limit = max(share * rows[named].sum(), floor)
    common = (carried > limit) | to_numpy_bool(
        pc.is_in(words.vocabulary, value_set=_always_common())
    )
    rare = ~common[words.ids]
    has_rare = np.bincount(words.parent[rare], minlength=words.n) > 0
    rare |= ~has_rare[words.parent]
    return words.joined(rare, ordered=True)


@functools.cache
def _always_common() -> pa.Array:
    return name_key(values=pa.array(ALWAYS_COMMON, pa.string()))


# --- identifiers ---------------------------------------------------------------------------


def nik_parts(*, values: pa.Array | pa.ChunkedArray, today: date) -> dict[str, pa.Array]:
    """`nik` (16 digits or null) and what its parts say: `nik_region`, `nik_birth_date`,
    `nik_sex`, `nik_serial`. The two-digit year is read as in `identifiers.nik_birth_date`:
    the 2000s unless that is after `today`. Day and month must make a real date (day + 40
    for women), else date and sex are null; region and serial are kept all the same."""
    nik = _digits_only(as_text(values), f"[{WHITESPACE}.'\\-]+", "^[0-9]{16}$")
    valid = to_numpy_bool(pc.is_valid(nik))
    number = pc.cast(pc.fill_null(nik, "0"), pa.int64()).to_numpy()
    days, female = _nik_dates(number // 10**4 % 10**6, today)
    real = valid & (days != _NO_DATE)
    return {
        "nik": nik,
        "nik_region": pc.utf8_slice_codeunits(nik, 0, 6),
        "nik_birth_date": pa.array(days, pa.date32(), mask=~real),
        "nik_sex": _SEXES.take(pa.array(female.view(np.int8), mask=~real)),
        "nik_serial": pc.utf8_slice_codeunits(nik, 12, 16),
    }


def _nik_dates(ddmmyy: np.ndarray, today: date) -> tuple[np.ndarray, np.ndarray]:
    """(days since 1970-01-01 or `_NO_DATE`, female) per DDMMYY number. There are at most
    100 x 100 x 100 of them: each one present is worked out once, then looked up."""
    present = np.zeros(10**6, dtype=bool)
    present[ddmmyy] = True
    code = np.flatnonzero(present)
    day, month, yy = code // 10**4, code // 100 % 100, code % 100
    female = day > 40
    day = day - 40 * female
    days = _days_since_epoch(2000 + yy, month, day)
    late = days > (today - date(1970, 1, 1)).days  # born in the future: the 1900s
    days[late] = _days_since_epoch(1900 + yy[late], month[late], day[late])
    lookup = np.full(10**6, _NO_DATE, dtype=np.int32)
    lookup[code] = days
    return lookup[ddmmyy], ddmmyy >= 41 * 10**4


def _digits_only(text: pa.Array, junk: str, wanted: str) -> pa.Array:
    """`text` without the `junk` pattern where that makes it match `wanted`, else null. Most
    values match as they are: only the others pay for the clean-up."""
    plain = pc.match_substring_regex(text, wanted)
    if to_numpy_bool(plain).all():
        return text
    mask = pc.invert(pc.fill_null(plain, True))
    cleaned = pc.replace_substring_regex(text.filter(mask), junk, "")
    cleaned = pc.if_else(pc.match_substring_regex(cleaned, wanted), cleaned, _NULL)
    return pc.replace_with_mask(text, mask, cleaned)


def _days_since_epoch(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Days from 1970-01-01 to each date (the proleptic Gregorian count of H. Hinnant's
    `days_from_civil`, in integer numpy: far faster than datetime64 conversions); `_NO_DATE`
    where day and month make no date of that year."""
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    month_ok = (month >= 1) & (month <= 12)
    length = _DAYS_IN_MONTH[np.where(month_ok, month, 0)] + (leap & (month == 2))
    ok = month_ok & (day >= 1) & (day <= length)
    y = year - (month <= 2)
    era = y // 400
    year_of_era = y - era * 400
    day_of_year = (153 * np.where(month > 2, month - 3, month + 9) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return np.where(ok, era * 146097 + day_of_era - 719468, _NO_DATE)


def phone_key(*, values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Phone numbers as digits in the domestic form: `+62 812-3456-789`, `62812...`,
    `0062812...`, `812...` (a number cell lost the 0) all become `0812...`, and a landline
    `341 123456` `0341123456`. Null when fewer than 8 digits were written or more than 14
    are left: no Indonesian number is that short or long."""
    text = as_text(values)
    plain = pc.match_substring_regex(text, "^0[1-9][0-9]{6,12}$")
    if to_numpy_bool(plain).all():
        return text
    mask = pc.invert(pc.fill_null(plain, True))
    written = pc.replace_substring_regex(text.filter(mask), "[^0-9]+", "")
    digits = pc.replace_substring_regex(written, "^(?:0062|62)?0?", "0")  # any lost 0 too
    ok = pc.and_(
        pc.greater_equal(pc.utf8_length(written), 8), pc.less_equal(pc.utf8_length(digits), 14)
    )
    return pc.replace_with_mask(text, mask, pc.if_else(ok, digits, _NULL))
