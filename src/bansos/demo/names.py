"""Indonesian personal names by naming culture, generated in bulk.

Pools live in `data/names.toml` (modern spelling, upper case as on a KTP). A *culture* decides
the shape of a name: Balinese birth-order names with I/Ni, Batak given name + marga, Javanese
single names, Muslim names with the Muhammad family of prefixes, Christian given + family names
in the east. Which cultures live where is `PROVINCE_MIX` below.
"""

from __future__ import annotations

import functools
import tomllib
from importlib import resources

import numpy as np

# Naming cultures (small ints so a population can carry one per household).
JAVANESE, SUNDANESE, BALINESE, BATAK, MANDAILING, MINANG, MALAY, ACEH = range(8)
BUGIS, BUTON, MADURESE, SASAK, NTT, PAPUA, MINAHASA, MALUKU, DAYAK, CHINESE = range(8, 18)
CULTURE_NAMES = (
    "javanese", "sundanese", "balinese", "batak", "mandailing", "minang", "malay", "aceh",
    "bugis", "buton", "madurese", "sasak", "ntt", "papua", "minahasa", "maluku", "dayak",
    "chinese",
)  # fmt: skip
# Cultures whose children carry the father's family name (marga, fam, surname).
FAMILY_NAME_CULTURES = frozenset({BATAK, MANDAILING, NTT, PAPUA, MINAHASA, MALUKU, CHINESE})
# Mostly Muslim cultures: where an older person may carry the Hajj title (H./Hj.).
MUSLIM_CULTURES = frozenset(
    {JAVANESE, SUNDANESE, MANDAILING, MINANG, MALAY, ACEH, BUGIS, BUTON, MADURESE, SASAK}
)
# Cultures where young people mostly get the pan-Indonesian "modern" names (Rizky, Aulia...).
MODERNISING = frozenset(
    {JAVANESE, SUNDANESE, MADURESE, ACEH, MINANG, MALAY, BUGIS, BUTON, SASAK, DAYAK}
)

# Province (or regency) code -> culture weights. Rough shares, not census figures.
PROVINCE_MIX: dict[str, dict[int, float]] = {
    "11": {ACEH: 0.92, JAVANESE: 0.05, BATAK: 0.03},
    "12": {BATAK: 0.4, MANDAILING: 0.12, MALAY: 0.16, JAVANESE: 0.28, CHINESE: 0.04},
    # Toba Batak highlands (Tapanuli Utara, Toba, Humbang Hasundutan, Samosir), then the
    # Mandailing/Angkola south (Tapanuli Selatan, Mandailing Natal, Padang Lawas, Sidempuan).
    "12.02": {BATAK: 0.93, MANDAILING: 0.02, JAVANESE: 0.03, MALAY: 0.02},
    "12.12": {BATAK: 0.93, MANDAILING: 0.02, JAVANESE: 0.03, MALAY: 0.02},
    "12.16": {BATAK: 0.95, JAVANESE: 0.03, MALAY: 0.02},
    "12.17": {BATAK: 0.96, JAVANESE: 0.02, MALAY: 0.02},
    "12.03": {MANDAILING: 0.75, BATAK: 0.12, JAVANESE: 0.1, MALAY: 0.03},
    "12.13": {MANDAILING: 0.85, MALAY: 0.07, JAVANESE: 0.08},
    "12.20": {MANDAILING: 0.82, BATAK: 0.05, JAVANESE: 0.13},
    "12.21": {MANDAILING: 0.8, BATAK: 0.05, JAVANESE: 0.15},
    "12.77": {MANDAILING: 0.8, BATAK: 0.08, JAVANESE: 0.08, MALAY: 0.04},
    "13": {MINANG: 0.9, JAVANESE: 0.06, MANDAILING: 0.04},
    "14": {MALAY: 0.55, JAVANESE: 0.25, MINANG: 0.12, BATAK: 0.08},
    "15": {MALAY: 0.6, JAVANESE: 0.3, MINANG: 0.1},
    "16": {MALAY: 0.7, JAVANESE: 0.28, SUNDANESE: 0.02},
    "17": {MALAY: 0.65, JAVANESE: 0.25, MINANG: 0.1},
    "18": {JAVANESE: 0.62, MALAY: 0.24, SUNDANESE: 0.14},
    "19": {MALAY: 0.7, CHINESE: 0.18, JAVANESE: 0.12},
    "21": {MALAY: 0.45, JAVANESE: 0.25, MINANG: 0.1, BATAK: 0.1, CHINESE: 0.1},
    "31": {JAVANESE: 0.38, SUNDANESE: 0.22, MALAY: 0.14, BATAK: 0.08, MINANG: 0.08, CHINESE: 0.1},
    "32": {SUNDANESE: 0.86, JAVANESE: 0.12, CHINESE: 0.02},
    "33": {JAVANESE: 0.98, CHINESE: 0.02},
    "34": {JAVANESE: 0.98, CHINESE: 0.02},
    "35": {JAVANESE: 0.9, MADURESE: 0.08, CHINESE: 0.02},
    "35.26": {MADURESE: 0.97, JAVANESE: 0.03},
    "35.27": {MADURESE: 0.97, JAVANESE: 0.03},
    "35.28": {MADURESE: 0.97, JAVANESE: 0.03},
    "35.29": {MADURESE: 0.97, JAVANESE: 0.03},
    "36": {SUNDANESE: 0.65, JAVANESE: 0.22, MALAY: 0.1, CHINESE: 0.03},
    "51": {BALINESE: 0.9, JAVANESE: 0.08, SASAK: 0.02},
    "52": {SASAK: 0.75, MALAY: 0.2, BALINESE: 0.05},
    "53": {NTT: 0.9, BUGIS: 0.05, MALAY: 0.05},
    "61": {MALAY: 0.42, DAYAK: 0.35, CHINESE: 0.11, JAVANESE: 0.12},
    "62": {DAYAK: 0.5, MALAY: 0.3, JAVANESE: 0.2},
    "63": {MALAY: 0.8, JAVANESE: 0.15, DAYAK: 0.05},
    "64": {JAVANESE: 0.33, BUGIS: 0.3, MALAY: 0.2, DAYAK: 0.12, BATAK: 0.05},
    "65": {BUGIS: 0.35, DAYAK: 0.3, JAVANESE: 0.25, MALAY: 0.1},
    "71": {MINAHASA: 0.78, BUGIS: 0.12, MALUKU: 0.1},
    "72": {BUGIS: 0.6, MINAHASA: 0.15, JAVANESE: 0.15, MALAY: 0.1},
    "73": {BUGIS: 0.86, NTT: 0.09, JAVANESE: 0.05},
    "74": {BUGIS: 0.5, BUTON: 0.35, JAVANESE: 0.15},
    "75": {BUGIS: 0.85, MINAHASA: 0.05, MALAY: 0.1},
    "76": {BUGIS: 0.9, JAVANESE: 0.1},
    "81": {MALUKU: 0.85, BUTON: 0.1, JAVANESE: 0.05},
    "82": {MALUKU: 0.8, BUGIS: 0.1, JAVANESE: 0.1},
    "91": {PAPUA: 0.7, JAVANESE: 0.15, BUGIS: 0.1, MALUKU: 0.05},
    "92": {PAPUA: 0.72, JAVANESE: 0.13, BUGIS: 0.1, MALUKU: 0.05},
}
DEFAULT_MIX = {JAVANESE: 0.5, MALAY: 0.3, BUGIS: 0.2}


def culture_mix(regency_code: str) -> dict[int, float]:
    """Culture weights for a dotted regency code (regency override, else province)."""
    return PROVINCE_MIX.get(regency_code) or PROVINCE_MIX.get(regency_code[:2], DEFAULT_MIX)


@functools.cache
def pools() -> dict[str, dict[str, np.ndarray]]:
    """The name pools as object arrays, by TOML table and key."""
    text = resources.files("bansos.demo").joinpath("data/names.toml").read_text("utf-8")
    out: dict[str, dict[str, np.ndarray]] = {}
    for table, entries in tomllib.loads(text).items():
        out[table] = {
            key: values if key.startswith("order") else np.array(values, dtype=object)
            for key, values in entries.items()
        }
    return out


def distinct_tokens() -> set[str]:
    """Every word that can appear in a generated name (for size checks)."""
    words: set[str] = set()
    for table, entries in pools().items():
        if table == "places":
            continue
        for values in entries.values():
            flat = [v for row in values for v in row] if isinstance(values[0], list) else values
            for value in flat:
                words.update(value.split())
    return words


# --- spelling ------------------------------------------------------------------------------


@functools.cache
def to_old_spelling(token: str) -> str:
    """Van Ophuijsen/Soewandi spelling of a modern word: Sukarno -> Soekarno, Joko -> Djoko,
    Cahyono -> Tjahjono, Nyoman -> Njoman, Syamsul -> Sjamsoel, Khairul -> Chairul. A final
    Y stays (Benny, Matulessy): it spells the vowel of Western-style names, never old J."""
    if any(mark in token for mark in ("DJ", "TJ", "SJ", "OE")):
        return token  # Djawa, Tjandra, Widjaja: already written the old way
    if len(token) > 1 and token.endswith("Y"):
        return to_old_spelling(token[:-1]) + "Y"
    s = token.replace("CH", "\0")  # Chalimah, Achmad: already old-style, keep as is
    s = s.replace("J", "DJ").replace("Y", "J").replace("C", "TJ").replace("KH", "CH")
    return s.replace("U", "OE").replace("\0", "CH")


@functools.cache
def to_new_spelling(token: str) -> str:
    """The reverse of `to_old_spelling` (EYD 1972): Soeharto -> Suharto, Djoko -> Joko."""
    s = token.replace("OE", "U").replace("DJ", "\0").replace("TJ", "\1").replace("J", "Y")
    return s.replace("CH", "KH").replace("\0", "J").replace("\1", "C")


@functools.cache
def _modern_words() -> frozenset[str]:
    return frozenset(distinct_tokens())


@functools.cache
def is_old_spelling(word: str) -> bool:
    """A pool word written the pre-1972 way: Soekarno, Djoko, Wajan. Letters alone cannot tell
    (Panji, Yoel, Simanjuntak are modern spellings), the pools of modern spellings can."""
    modern = _modern_words()
    return word not in modern and to_new_spelling(word) in modern


def has_old_spelling(name: str) -> bool:
    return any(is_old_spelling(word) for word in name.split(" "))


def respell(name: str, *, old: bool) -> str:
    """Every word of a name in old spelling (`old=True`), or its old-spelled words modern."""
    if old:
        return " ".join(to_old_spelling(word) for word in name.split(" "))
    return " ".join(to_new_spelling(w) if is_old_spelling(w) else w for w in name.split(" "))


FAMILY_POOLS = {
    BATAK: ("batak", "marga"),
    MANDAILING: ("batak", "mandailing"),
    NTT: ("christian", "family"),
    PAPUA: ("papua", "family"),
    MINAHASA: ("minahasa", "family"),
    MALUKU: ("maluku", "family"),
    CHINESE: ("chinese", "family"),
}


def family_pool(culture: int) -> np.ndarray:
    table, key = FAMILY_POOLS[culture]
    return pools()[table][key]
