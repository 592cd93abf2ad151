"""Villages (desa/kelurahan) to their dotted Kemendagri code, from a code or from a name.

Per row the inputs are a village code and/or a village name, optionally the district and
regency names, and for the whole list `within`: the dotted area code the list is known to
cover (e.g. the uploading officer's regency). Each distinct (code, name, district, regency)
combination is resolved once and the answer spread back to its rows.

1. A code, dotted (`35.10.09.2001`) or compact (`3510092001`), that is a real village wins
   (method `code`). Outside `within` it is `village_outside_area`; when a name is given too
   and does not fit that village, `village_mismatch` (one of the two is wrong; no guess).
   A code that is no village, with a name given, falls back to the name with the warning
   `village_code_unknown`.
2. A name is compared as a key: upper case, punctuation and spaces dropped and a leading
   `DESA`/`DS.`/`KEL.`/`KELURAHAN`/`KALURAHAN`/`NAGARI` taken off, on both sides, so
   `GENTENGWETAN`, `Desa Genteng Wetan` and `Gentengwetan` meet. The villages searched are
   those in `within`, narrowed by the regency and district names when given (found the same
   way, `KAB.`/`KOTA`/`KEC.` taken off; one that cannot be found is skipped with the warning
   `village_regency_unknown`/`village_district_unknown`).
   - exactly one village with that key: method `name_exact`;
   - several (names repeat across Indonesia: 100 villages are called Sidomulyo):
     `village_ambiguous`, never a guess;
   - none: the closest key by `rapidfuzz.fuzz.ratio`; accepted (method `name_fuzzy`, warning
     `village_fuzzy`, the score kept) only when it scores at least `FUZZY_MIN`, belongs to one
     village, and no other key comes within `FUZZY_MARGIN` of it; else `village_ambiguous`
     (close rivals) or `village_unknown`.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz import fuzz, process

from bansos.areas import catalog
from bansos.intake.parsed import ParsedColumn, as_text, blank_to_null, distinct, spread

FUZZY_MIN = 85.0  # one typo in an 8-letter name scores about 88
FUZZY_MARGIN = 5.0  # a rival key this close makes the best one no better than a guess
VILLAGE_PREFIXES = ("DESA", "DS", "KEL", "KELURAHAN", "KALURAHAN", "NAGARI")
DISTRICT_PREFIXES = ("KECAMATAN", "KEC", "DISTRIK")
REGENCY_KINDS = {"KAB": "KAB", "KABUPATEN": "KAB", "KOTA": "KOTA", "KOTAMADYA": "KOTA"}

_VILLAGE_CODE = re.compile(r"(\d{2})\.(\d{2})\.(\d{2})\.(\d{4})|(\d{10})")
_SEP = "\x1f"  # joins a row's inputs into one text for de-duplication
_NULL = "\x00"  # stands for a missing input inside that text


@dataclass(frozen=True)
class PlaceColumn(ParsedColumn):
    """`values`: dotted village code or null; extra `method` (code, name_exact, name_fuzzy)
    and `score` (100 for code and exact name, the fuzzy score otherwise)."""

    @property
    def method(self) -> pa.Array:
        return self.extra["method"]

    @property
    def score(self) -> pa.Array:
        return self.extra["score"]


@dataclass(frozen=True)
class _Answer:
    code: str | None = None
    method: str | None = None
    score: float | None = None
    issues: tuple[str, ...] = ()


def villages_resolve(
    *,
    codes: pa.Array | pa.ChunkedArray | None,
    names: pa.Array | pa.ChunkedArray | None,
    district_names: pa.Array | pa.ChunkedArray | None = None,
    regency_names: pa.Array | pa.ChunkedArray | None = None,
    within: str | None = None,
) -> PlaceColumn:
    """Resolve each row's village (see the module docstring)."""
    inputs = [codes, names, district_names, regency_names]
    lengths = {len(a) for a in inputs if a is not None}
    if not lengths:
        raise ValueError("give village codes or names")
    if len(lengths) > 1:
        raise ValueError(f"input arrays differ in length: {sorted(lengths)}")
    if within is not None and within not in catalog.by_code():
        raise ValueError(f"`within` is not a known area code: {within!r}")
    n = lengths.pop()
    texts = [pa.nulls(n, pa.string()) if a is None else blank_to_null(as_text(a)) for a in inputs]
    joined = pc.binary_join_element_wise(
        *texts, _SEP, null_handling="replace", null_replacement=_NULL
    )
    combos, indices = distinct(joined)
    answers = [_resolve(*_split(combo), within=within or "") for combo in combos.to_pylist()]
    parsed = ParsedColumn(
        values=pa.array([a.code for a in answers], pa.string()),
        issues=pa.array([";".join(a.issues) or None for a in answers], pa.string()),
        extra={
            "method": pa.array([a.method for a in answers], pa.string()),
            "score": pa.array([a.score for a in answers], pa.float64()),
        },
    )
    out = spread(parsed, indices)
    return PlaceColumn(values=out.values, issues=out.issues, extra=out.extra)


def _split(combo: str) -> list[str | None]:
    return [None if part == _NULL else part for part in combo.split(_SEP)]


def _resolve(
    code: str | None, name: str | None, district: str | None, regency: str | None, *, within: str
) -> _Answer:
    warnings: tuple[str, ...] = ()
    if code is not None:
        dotted = _dotted_village(code)
        if dotted is not None:
            return _by_code(dotted, name, within=within)
        if name is None:
            return _Answer(issues=("village_unknown",))
        warnings = ("village_code_unknown",)
    if name is None:
        return _Answer(issues=("village_unknown",))
    scope, narrowing = _scope(district, regency, within=within)
    answer = _by_name(name, scope)
    return _Answer(answer.code, answer.method, answer.score, warnings + narrowing + answer.issues)


def _dotted_village(code: str) -> str | None:
    match = _VILLAGE_CODE.fullmatch(re.sub(r"[\s']", "", code))
    if match is None:
        return None
    dotted = catalog.dotted(match.group(0))
    return dotted if dotted in _villages() else None


def _by_code(code: str, name: str | None, *, within: str) -> _Answer:
    if within and not _under(code, within):
        return _Answer(issues=("village_outside_area",))
    if name is not None:
        given, known = place_key(name, VILLAGE_PREFIXES), _villages()[code]
        if given != known and fuzz.ratio(given, known) < FUZZY_MIN:
            return _Answer(issues=("village_mismatch",))
    return _Answer(code, "code", 100.0)


def _by_name(name: str, scope: tuple[str, ...]) -> _Answer:
    key = place_key(name, VILLAGE_PREFIXES)
    if not key:
        return _Answer(issues=("village_unknown",))
    keys = _keys_under(scope)
    exact = keys.get(key, ())
    if len(exact) == 1:
        return _Answer(exact[0], "name_exact", 100.0)
    if exact:
        return _Answer(issues=("village_ambiguous",))
    close = process.extract(
        key, _choices(scope), scorer=fuzz.ratio, limit=2, score_cutoff=FUZZY_MIN - FUZZY_MARGIN
    )
    if not close or close[0][1] < FUZZY_MIN:
        return _Answer(issues=("village_unknown",))
    best_key, best_score, _ = close[0]
    rival = len(close) > 1 and close[1][1] > best_score - FUZZY_MARGIN
    if rival or len(keys[best_key]) > 1:
        return _Answer(issues=("village_ambiguous",))
    return _Answer(keys[best_key][0], "name_fuzzy", round(best_score, 1), ("village_fuzzy",))


def _scope(
    district: str | None, regency: str | None, *, within: str
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The area codes to search in, and warnings for names that could not narrow it."""
    scope: tuple[str, ...] = (within,)
    warnings: tuple[str, ...] = ()
    if regency is not None:
        found = _regencies(regency, scope)
        scope, warnings = (found, warnings) if found else (scope, ("village_regency_unknown",))
    if district is not None:
        found = _districts(district, scope)
        if found:
            scope = found
        else:
            warnings += ("village_district_unknown",)
    return scope, warnings


def _regencies(name: str, scope: tuple[str, ...]) -> tuple[str, ...]:
    kind, key = regency_key(name)
    found = _area_match(key, "regency", scope)
    same_kind = tuple(c for c in found if kind and _regency_kinds()[c[:5]] == kind)
    return same_kind or found


def regency_key(name: str) -> tuple[str | None, str]:
    """(`KAB`, `KOTA` or None, key of the bare name): `KOTA ADM. JAKARTA PUSAT` ->
    (`KOTA`, `JAKARTAPUSAT`); `KAB. ADM. KEP. SERIBU` -> (`KAB`, `KEPULAUANSERIBU`)."""
    words = _words(name)
    kind = REGENCY_KINDS.get(words[0]) if len(words) > 1 else None
    words = words[1:] if kind else words
    if len(words) > 1 and words[0] in ("ADM", "ADMINISTRASI"):
        words = words[1:]
    return kind, "".join("KEPULAUAN" if w == "KEP" else w for w in words)


def _districts(name: str, scope: tuple[str, ...]) -> tuple[str, ...]:
    return _area_match(_district_key(name), "district", scope)


@functools.cache
def _area_match(key: str, level: str, scope: tuple[str, ...]) -> tuple[str, ...]:
    """The parts of `scope` inside the areas of `level` whose key is `key` (else the single
    closest one). An area around a scope code (the regency of a `within` district) keeps
    the narrower scope code."""
    if not key:
        return ()
    areas: list[tuple[str, str]] = []  # (narrowed code, key)
    for prefix in scope:
        for code, area_key in _areas(level):
            if _under(code, prefix):
                areas.append((code, area_key))
            elif _under(prefix, code):
                areas.append((prefix, area_key))
    exact = tuple(dict.fromkeys(c for c, k in areas if k == key))
    if exact:
        return exact
    close = process.extract(
        key, [k for _, k in areas], scorer=fuzz.ratio, limit=2, score_cutoff=FUZZY_MIN
    )
    if len(close) == 1 or (close and close[1][1] <= close[0][1] - FUZZY_MARGIN):
        return (areas[close[0][2]][0],)
    return ()


def place_key(name: str, prefixes: tuple[str, ...]) -> str:
    """Upper-case letters and digits only, an administrative word in front taken off."""
    words = _words(name)
    if len(words) > 1 and words[0] in prefixes:
        words = words[1:]
    return "".join(words)


def _words(name: str) -> list[str]:
    return re.sub(r"[^A-Z0-9]+", " ", name.upper().replace("'", "")).split()


def _under(code: str, prefix: str) -> bool:
    return not prefix or code == prefix or code.startswith(prefix + ".")


@functools.cache
def _villages() -> dict[str, str]:
    """Dotted village code -> name key."""
    return {
        r.code: place_key(r.name, VILLAGE_PREFIXES)
        for r in catalog.regions()
        if r.level == "village"
    }


@functools.cache
def _sorted_villages() -> tuple[list[str], list[str]]:
    codes = sorted(_villages())
    return codes, [_villages()[c] for c in codes]


@functools.cache
def _keys_under(scope: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """Name key -> village codes, for the villages under any of the `scope` codes."""
    codes, keys = _sorted_villages()
    out: dict[str, list[str]] = {}
    for prefix in scope:
        start = bisect.bisect_left(codes, prefix + "." if prefix else "")
        stop = bisect.bisect_left(codes, prefix + "/") if prefix else len(codes)
        for code, key in zip(codes[start:stop], keys[start:stop], strict=True):
            out.setdefault(key, []).append(code)
    return {key: tuple(found) for key, found in out.items()}


@functools.cache
def _choices(scope: tuple[str, ...]) -> list[str]:
    return list(_keys_under(scope))


@functools.cache
def _areas(level: str) -> tuple[tuple[str, str], ...]:
    """(code, key) of every regency or district."""
    return tuple(
        (r.code, regency_key(r.name)[1] if level == "regency" else _district_key(r.name))
        for r in catalog.regions()
        if r.level == level
    )


@functools.cache
def _regency_kinds() -> dict[str, str | None]:
    return {r.code: regency_key(r.name)[0] for r in catalog.regions() if r.level == "regency"}


def _district_key(name: str) -> str:
    return place_key(name, DISTRICT_PREFIXES)
