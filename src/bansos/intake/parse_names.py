"""Personal names: a display form with titles taken off (`names_normalise`), and a comparison
key that forgives old spellings (`name_key`).

`names_normalise` (what is stored and shown):
- Unicode NFC, upper case; curly quotes and backticks become `'`; anything but Latin letters
  (`LETTERS`: KTP names are written in them), digits, spaces and `.,'-` becomes a space;
  whitespace collapsed; punctuation around the name stripped; a space after a dot
  (`M.ALI` -> `M. ALI`);
- titles are taken off and kept in `extra["titles"]`, with the warning `name_title`:
  before the name the Hajj and academic titles `H.`, `HJ.`, `HJH.`, `KH.`, `HAJI`, `HAJJAH`,
  `DRS.`, `DRA.`, `DR.`, `DRG.`, `IR.`, `PROF.` (dot or space after each); after the name,
  after a comma or a space, the degrees in `DEGREES` (`S.PD.`, `S.Pd`, `S.E.`, `SE`, `M.SI`,
  `A.MD.`...). Dots are optional only for the dotless forms in `DOTLESS_DEGREES`, chosen
  because no Indonesian name word is spelt that way; `M.` and `ST.` before a name are not
  titles (they abbreviate Muhammad and Siti);
- the value is null with the error `name_invalid` when nothing but titles and punctuation is
  left, when no letter is left, or when it holds 8 digits or more (a NIK, KK or phone number
  typed into the name column).
Normalising twice gives the same name (a property test checks it).

`name_key` (linkage only, never shown): every word is reduced so that spellings of the same
name meet. Old (Van Ophuijsen/Soewandi, before EYD 1972) spelling wrote U as `OE`, J as `DJ`,
C as `TJ`, Y as `J`, KH as `CH`, and names kept it long after. A word cannot be told old or
modern from its letters (`PANJI`, `ANJANI` are modern; `HIDAJAT`, `HARJONO` are old and carry
no other old mark), so instead of converting old to new the key drops the distinctions the
reform changed. Rules, in order, with why:
1. accents and apostrophes dropped (`ANDRÉ` = `ANDRE`, `MA'RUF` = `MARUF`), anything else
   that is not a letter is a space;
2. `OE` -> `U` (`SOEKARNO` = `SUKARNO`): modern names hardly ever spell O-E;
3. `CH`, `KH` -> `H` (`CHAIRUL` = `KHAIRUL` = `HAIRUL`, `ACHMAD` = `AHMAD`, `ROCHMAN` =
   `ROHMAN`): `CH` is the old `KH`, and names from Arabic are written with `KH` and with plain
   `H` alike (many speakers say kh as h);
4. a final `Y` after a consonant -> `I` (`HENDRY` = `HENDRI`, `RUDY` = `RUDI`, `BETTY`); only a
   `Y` written as such: an old final `TJ` (`ERITJ`) is `C`;
5. `J` -> `Y` everywhere: old `J` is modern `Y` (`HIDAJAT` = `HIDAYAT`, `SJAMSUL` = `SYAMSUL`,
   `NJOMAN` = `NYOMAN`), and modern `J`/`Y` pairs are mostly variants of one name too
   (`JULIANA`/`YULIANA`, `JUSUF`/`YUSUF`);
6. `DY` -> `Y`: old `DJ` is modern `J` (`DJOKO` = `JOKO`) but old `D`+`J` is modern `DY`
   (`WIDJA` = `WIDYA`); after rule 5 both read `DY`, so `DY` and `Y` must meet;
7. `TY` -> `C`: likewise old `TJ` is modern `C` (`TJAHJONO` = `CAHYONO`) but old `T`+`J` is
   modern `TY` (`SETJO` = `SETYO`);
8. doubled letters written once (`MUHAMMAD` -> `MUHAMAD`, `SITTI` -> `SITI`, `EFFENDI`);
9. the families of common prefixes become one token after rules 1-8: every spelling in
   `MUHAMMAD_VARIANTS` -> `MUHAMMAD`, `SITI_VARIANTS` -> `SITI`, `AHMAD_VARIANTS` -> `AHMAD`,
   `ABDUL_VARIANTS` -> `ABDUL`; and as the first word of a longer name `M` -> `MUHAMMAD` and
   `ST` -> `SITI` (elsewhere a single letter may be any name).
The price is a few distinct names sharing a key (`AJI`/`AYI`); the key only proposes
candidates, which linkage then compares on NIK, birth date and the rest. Checked against the
demo's own old-spelling generator: every pool word and its old form share a key.
Word order is kept (swapped names are the linkage comparator's business). Not handled (yet):
`PH`/`F`, `TH`/`T`, `DH`/`D`, `Z`/`S`, `V`/`F`, where a rule would merge more real names than
it repairs spellings.
"""

from __future__ import annotations

import functools
from string import ascii_uppercase

import numpy as np
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

PREFIX_TITLES = ("PROF", "DRS", "DRA", "DRG", "DR", "IR", "HJH", "HJ", "HAJJAH", "HAJI", "KH", "H")
# Degrees written with dots, parts separated by dots: `S.PD.I` also matches `S.Pd.I`, `S. PD`.
DEGREES = (
    "S.PD", "S.PD.I", "S.PD.SD", "S.E", "S.E.I", "S.H", "S.H.I", "S.SOS", "S.AG", "S.KOM",
    "S.T", "S.IP", "S.I.P", "S.KM", "S.KEP", "S.FARM", "S.SI", "S.S", "S.P", "S.PT", "S.TP",
    "S.PSI", "S.HUT", "S.IKOM", "S.I.KOM", "S.STP", "S.AP", "S.ST", "S.TR", "S.AK", "S.GZ",
    "S.TH", "S.TH.I", "S.KED", "S.KEB", "S.SY", "S.PI", "S.SN", "S.DS", "S.M", "S.IN",
    "A.MD", "A.MD.KEP", "A.MD.KEB", "A.MD.FARM", "A.MA", "A.MA.PD", "A.MK",
    "M.PD", "M.PD.I", "M.SI", "M.M", "M.AG", "M.KES", "M.H", "M.T", "M.KOM", "M.SC", "M.A",
    "M.E", "M.AP", "M.KEP", "M.HUM", "M.IP", "M.SOS", "M.PSI", "M.FARM", "M.KED", "M.S",
    "M.B.A", "PH.D", "B.SC", "B.A",
)  # fmt: skip
# Written without dots these are still degrees (no name word is spelt so).
DOTLESS_DEGREES = (
    "SPD", "SPDI", "SE", "SEI", "SH", "SHI", "SSOS", "SAG", "SKOM", "ST", "SIP", "SKM", "SKEP",
    "SFARM", "SSI", "SPT", "SPSI", "SHUT", "SIKOM", "SSTP", "AMD", "AMK", "AMDKEP", "AMDKEB",
    "MPD", "MPDI", "MSI", "MM", "MAG", "MKES", "MH", "MT", "MKOM", "MSC", "MHUM", "PHD", "BSC",
    "MBA",
)  # fmt: skip

MUHAMMAD_VARIANTS = (
    "MUHAMMAD", "MUHAMAD", "MUHAMMED", "MUHAMED", "MOHAMMAD", "MOHAMAD", "MOHAMMED", "MOHAMED",
    "MOCHAMMAD", "MOCHAMAD", "MOCHAMMED", "MUCHAMMAD", "MUCHAMAD", "MUKHAMMAD", "MUKHAMAD",
    "MOKHAMMAD", "MOKHAMAD", "MOEHAMMAD", "MOEHAMAD", "MOHAMMAT", "MUHAMMAT", "MOCHAMAT",
    "MOCH", "MOH", "MOHD", "MUH", "MUHD", "MHD", "MUCH",
)  # fmt: skip
SITI_VARIANTS = ("SITI", "SITTI", "SITIE")
AHMAD_VARIANTS = ("AHMAD", "ACHMAD", "AKHMAD", "AHMED", "ACHMED", "AHMAT", "ACHMAT")
ABDUL_VARIANTS = ("ABDUL", "ABD", "ABDOEL", "ABDOL")
FIRST_WORD_ABBREVIATIONS = {"M": "MUHAMMAD", "ST": "SITI"}

# Latin letters (ASCII, Latin-1, Latin Extended-A/B): what KTP names are written in. Not
# `\p{L}`: RE2 builds a large automaton for it and pyarrow compiles each pattern per call.
LETTERS = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"
UPPER = "A-Z\u00c0-\u00d6\u00d8-\u00de"
_L = f"[{LETTERS}]"

_CODES = ("name_invalid", "name_title")
_NULL = pa.scalar(None, pa.string())


def _degree_pattern() -> str:
    r"""One regex for all degrees, grouped by their first letter to keep it small (pyarrow
    compiles a pattern on every call): `S\.\s?(?:PD(?:\.\s?)?I|PD|...)\.?|...`."""
    by_first: dict[str, list[str]] = {}
    for degree in DEGREES:
        first, *rest = degree.split(".")
        by_first.setdefault(first, []).append(r"(?:\.\s?)?".join(rest))
    dotted = [first + r"\.\s?" + _alternation(rests) for first, rests in by_first.items()]
    return "(?:" + _alternation(dotted + list(DOTLESS_DEGREES)) + r"\.?)"


def _alternation(patterns: list[str]) -> str:
    return "(?:" + "|".join(sorted(patterns, key=len, reverse=True)) + ")"


_TITLE = _alternation(list(PREFIX_TITLES))
_PREFIX = (
    r"^(?P<titles>(?:" + _TITLE + r"(?:\s*\.\s*,?\s*|\s*,\s*|\s+))+)"
    r"(?P<rest>" + _L + ".*)$"
)
_DEGREE = _degree_pattern()
# After a comma a degree or a Hajj/academic title (`SUTRISNO, H.`); after a space a degree only.
_TRAILING = r"(?:\s*,\s*(?:" + _DEGREE + "|" + _TITLE + r"\.?)|\s+" + _DEGREE + r")+$"
_SUFFIX = "^.*" + _L + ".*?" + _TRAILING  # titles after something with a letter in it
_SUFFIX_TITLES = "(?P<titles>" + _TRAILING[:-1] + ")$"  # unanchored start: leftmost = longest
_ONLY_TITLES = r"^(?:" + _TITLE + r"(?:\.\s*|\s+|$))+$"
_PLAIN = f"^[{UPPER}]+(?: [{UPPER}]+)*$"  # upper-case words, single spaces: nothing to clean
_EDGE = r"^[\s.,'\-]+|[\s,'\-]+$"  # a final dot may end a degree or an initial: kept here


def names_normalise(*, values: pa.Array | pa.ChunkedArray) -> ParsedColumn:
    """Display names with titles removed; `extra["titles"]` holds what was removed."""
    texts, indices = distinct(blank_to_null(as_text(values)))
    names, titles = _normalise_distinct(texts)
    invalid = ~_matches(names, _L) | _matches(names, _ONLY_TITLES)
    invalid |= _matches(names, r"(?:[0-9][^0-9]*){8}")
    titled = to_numpy_bool(pc.is_valid(titles))
    issues = issues_from_flags(list(zip(_CODES, [invalid, titled], strict=True)), len(texts))
    names = pc.if_else(pa.array(invalid), _NULL, names)
    parsed = ParsedColumn(values=names, issues=issues, extra={"titles": titles})
    return spread(parsed, indices)


def _normalise_distinct(texts: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Clean names until nothing changes (taking a title off can expose more to strip).

    Most names are already plain upper-case words without titles: only the others, and on
    later rounds only those still not plain, pay for the clean-up regexes."""
    names = pc.utf8_upper(pc.utf8_normalize(texts, form="NFC"))  # É, not E + accent
    titles = pa.nulls(len(texts), pa.string())
    todo = _needs_cleaning(names)
    for _ in range(6):
        if not todo.any():
            break
        rows, mask = np.flatnonzero(todo), pa.array(todo)
        before = names.filter(mask)
        cleaned, found = _normalise_once(before)
        names = pc.replace_with_mask(names, mask, cleaned)
        titles = pc.replace_with_mask(titles, mask, _join(titles.filter(mask), found))
        again = to_numpy_bool(pc.not_equal(cleaned, before)) & _needs_cleaning(cleaned)
        todo = np.zeros(len(texts), dtype=bool)
        todo[rows[again]] = True
    return names, titles


def _needs_cleaning(names: pa.Array) -> np.ndarray:
    return ~_matches(names, _PLAIN) | _matches(names, _PREFIX) | _matches(names, _SUFFIX)


def _matches(values: pa.Array, pattern: str) -> np.ndarray:
    return to_numpy_bool(pc.match_substring_regex(values, pattern))


def _normalise_once(names: pa.Array) -> tuple[pa.Array, pa.Array]:
    # Patterns match only what must change where they can (`  +`, not `\s+`): a row without
    # a match costs RE2 next to nothing, a rewritten row much more.
    s = _sub(names, "[`´‘’]", "'")
    s = _sub(s, f"[^{LETTERS}0-9 .,'\\-]+", " ")  # tabs and the like included
    s = _sub(s, " +([.,])", r"\1")
    s = _sub(s, ",,+", ",")
    s = _sub(s, r"\.\.+", ".")
    s = _squeeze(_sub(s, _EDGE, ""))

    s, before = _prefix_titles(s)
    s, after = _suffix_titles(s)
    found = _join(before, after)

    s = pc.replace_substring(s, ",", " ")
    s = _sub(s, r"\.(" + _L + ")", r". \1")
    s = _sub(s, r"(^| )['\-]+|['\-]+( |$)", r"\1\2")
    s = _squeeze(_sub(s, _EDGE, ""))
    s = _sub(s, "(" + _L + _L + r")\.$", r"\1")  # a dot after a whole final word, not `ALI M.`
    return s, found


def _prefix_titles(names: pa.Array) -> tuple[pa.Array, pa.Array]:
    """(names without the titles before them, those titles or null)."""
    hit = _matches(names, _PREFIX)
    if not hit.any():  # captures make RE2 leave its fast matcher: only rows that match
        return names, pa.nulls(len(names), pa.string())
    mask = pa.array(hit)
    parts = pc.extract_regex(names.filter(mask), _PREFIX)
    return _replaced(
        names, mask, pc.struct_field(parts, ["rest"]), pc.struct_field(parts, ["titles"])
    )


def _suffix_titles(names: pa.Array) -> tuple[pa.Array, pa.Array]:
    """(names without the titles after them, those titles or null). The titles are found
    from the end, not with a lazy `^(.*?)` capture, which RE2 runs far slower."""
    hit = _matches(names, _SUFFIX)
    if not hit.any():
        return names, pa.nulls(len(names), pa.string())
    mask = pa.array(hit)
    part = names.filter(mask)
    titles = pc.struct_field(pc.extract_regex(part, _SUFFIX_TITLES), ["titles"])
    return _replaced(names, mask, _sub(part, _TRAILING, ""), titles)


def _replaced(
    names: pa.Array, mask: pa.Array, rest: pa.Array, titles: pa.Array
) -> tuple[pa.Array, pa.Array]:
    nothing = pa.nulls(len(names), pa.string())
    return pc.replace_with_mask(names, mask, rest), pc.replace_with_mask(nothing, mask, titles)


def _join(left: pa.Array, right: pa.Array) -> pa.Array:
    """Title texts side by side, commas dropped; null when both are null."""
    if left.null_count == len(left):
        joined = right
    elif right.null_count == len(right):
        joined = left
    else:
        joined = pc.binary_join_element_wise(
            left, right, " ", null_handling="replace", null_replacement=""
        )
    joined = _squeeze(pc.replace_substring(joined, ",", " "))
    return pc.if_else(pc.equal(joined, ""), _NULL, joined)


def _sub(values: pa.Array, pattern: str, replacement: str) -> pa.Array:
    return pc.replace_substring_regex(values, pattern, replacement)


def _squeeze(values: pa.Array) -> pa.Array:
    """Single spaces, none at the ends (other whitespace is gone by now)."""
    if pc.any(pc.match_substring(values, "  ")).as_py():
        values = _sub(values, "  +", " ")
    return pc.utf8_trim(values, characters=" ")


# --- comparison keys -----------------------------------------------------------------------


def name_key(*, values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Linkage key per name (see the module docstring for the rules); null for no letters.

    Meant for the output of `names_normalise` (titles already removed)."""
    texts, indices = distinct(as_text(values))
    return _keys_of_names(texts).take(indices)


def _keys_of_names(texts: pa.Array) -> pa.Array:
    text = pc.utf8_upper(texts)
    text = _sub(pc.utf8_normalize(text, form="NFKD"), "['`´‘’\u0300-\u036f]", "")  # É -> E
    text = _sub(text, f"[^{LETTERS}]+", " ")
    text = pc.utf8_trim_whitespace(text)
    text = pc.if_else(pc.equal(text, ""), _NULL, text)
    words = pc.split_pattern(text, " ")
    flat = pc.list_flatten(words)
    tokens, token_indices = distinct(flat)
    keys = _token_keys(tokens).take(token_indices)

    offsets = words.offsets.to_numpy()
    lengths = np.diff(offsets)
    first = np.zeros(len(flat), dtype=bool)
    first[offsets[:-1][lengths >= 2]] = True  # first word of names with two words or more
    for short, full in FIRST_WORD_ABBREVIATIONS.items():
        hit = first & to_numpy_bool(pc.equal(flat, short))
        keys = pc.if_else(pa.array(hit), full, keys)
    rebuilt = pa.ListArray.from_arrays(words.offsets, keys, mask=pc.is_null(words))
    return pc.binary_join(rebuilt, " ")


def _token_keys(tokens: pa.Array) -> pa.Array:
    keys = _spelling_rules(tokens)
    for canonical, members in _variant_keys().items():
        keys = pc.if_else(pc.is_in(keys, value_set=members), canonical, keys)
    return keys


def _spelling_rules(tokens: pa.Array) -> pa.Array:
    """Rules 2-8 of the module docstring on single words."""
    s = pc.replace_substring(tokens, "OE", "U")
    s = _sub(s, "KH|CH", "H")
    s = _sub(s, "([^AEIOU])Y$", r"\1I")  # before J -> Y: an old final TJ (ERITJ) is C
    s = pc.replace_substring(s, "J", "Y")
    s = pc.replace_substring(pc.replace_substring(s, "DY", "Y"), "TY", "C")
    for letter in ascii_uppercase:  # RE2 has no back-references: one pass per letter
        s = _sub(s, letter + "{2,}", letter)
    return s


@functools.cache
def _variant_keys() -> dict[str, pa.Array]:
    """Each family's spellings after the spelling rules, so unlisted spellings that the rules
    bring together (`MOCHAMMAD` and `MOKHAMAD`) are caught as well."""
    families = {
        "MUHAMMAD": MUHAMMAD_VARIANTS,
        "SITI": SITI_VARIANTS,
        "AHMAD": AHMAD_VARIANTS,
        "ABDUL": ABDUL_VARIANTS,
    }
    return {
        canonical: pc.unique(_spelling_rules(pa.array(members, pa.string())))
        for canonical, members in families.items()
    }
