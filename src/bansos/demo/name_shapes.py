"""How each naming culture shapes a personal name (given names only; family names are added by
`names.person_names`, because children inherit them from the household).

Every builder takes (rng, female, birth_year, birth_order) arrays for n persons and returns a
list of name parts: object arrays of words, None where a part is absent.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bansos.demo import names as nm
from bansos.demo.rng import pick, pick_mixed, present

Parts = list[np.ndarray]
Builder = Callable[[np.random.Generator, np.ndarray, np.ndarray, np.ndarray], Parts]


def _by_sex(female: np.ndarray, if_female: np.ndarray, if_male: np.ndarray) -> np.ndarray:
    return np.where(female, if_female, if_male)


def _pair(rng: np.random.Generator, female: np.ndarray, table: str, male_key: str = "male",
          female_key: str = "female") -> np.ndarray:
    """One word per person from a table's male or female pool."""
    pool = nm.pools()[table]
    n = len(female)
    return _by_sex(female, pick(rng, pool[female_key], n), pick(rng, pool[male_key], n))


def _muslim_prefix(rng: np.random.Generator, female: np.ndarray, male_p: float, female_p: float
                   ) -> np.ndarray:
    """Muhammad/Moch./Muh. (and Ahmad) for men, Siti/Nur for women."""
    pre = nm.pools()["prefix"]
    n = len(female)
    male = pick_mixed(rng, n, (pre["muhammad"], 0.8), (pre["ahmad"], 0.2))
    words = _by_sex(female, pick(rng, pre["muslim_female"], n), male)
    return present(rng, words, np.where(female, female_p, male_p))


def _javanese(rng: np.random.Generator, female: np.ndarray, year: np.ndarray, order: np.ndarray
              ) -> Parts:
    pools = nm.pools()
    n = len(female)
    jav, mus = pools["javanese"], pools["muslim"]
    # Eko, Dwi, Tri, Catur: first to fourth child; Sri for women; else a Muslim prefix.
    order_word = present(rng, pools["prefix"]["javanese_order"][np.minimum(order, 3)],
                         np.where(female & (order == 0), 0.0, 0.12))  # Eko is a man's name
    sri = present(rng, np.full(n, "SRI", dtype=object), 0.22)
    prefix = np.where(order_word == None, _muslim_prefix(rng, female, 0.08, 0.06), order_word)  # noqa: E711
    prefix = np.where(female & (sri != None), sri, prefix)  # noqa: E711
    given = _by_sex(female, pick_mixed(rng, n, (jav["female"], 0.75), (mus["female"], 0.25)),
                    pick_mixed(rng, n, (jav["male"], 0.75), (mus["male"], 0.25)))
    second = _pair(rng, female, "javanese", "second_male", "second_female")
    return [prefix, given, present(rng, second, np.where(year < 1970, 0.2, 0.55))]


def _sundanese(rng: np.random.Generator, female: np.ndarray, year: np.ndarray, order: np.ndarray
               ) -> Parts:
    pools = nm.pools()
    n = len(female)
    sun, mus = pools["sundanese"], pools["muslim"]
    given = _by_sex(female, pick_mixed(rng, n, (sun["female"], 0.85), (mus["female"], 0.15)),
                    pick_mixed(rng, n, (sun["male"], 0.8), (mus["male"], 0.2)))
    second = _pair(rng, female, "sundanese", "second_male", "second_female")
    return [_muslim_prefix(rng, female, 0.06, 0.05), given, present(rng, second, 0.7)]


def _balinese(rng: np.random.Generator, female: np.ndarray, year: np.ndarray, order: np.ndarray
              ) -> Parts:
    pools = nm.pools()
    bali, pre = pools["bali"], pools["prefix"]
    n = len(female)
    slot = order % 4  # the fifth child starts the cycle again (Wayan Balik)
    order_word = np.empty(n, dtype=object)
    for k in range(4):
        at = slot == k
        male_k = pick(rng, np.array(bali["order_male"][k], dtype=object), int(at.sum()))
        female_k = pick(rng, np.array(bali["order_female"][k], dtype=object), int(at.sum()))
        order_word[at] = np.where(female[at], female_k, male_k)
    caste = rng.random(n) < 0.08  # Brahmana/Ksatria/Wesia titles replace I/Ni
    title = _by_sex(female, pick(rng, pre["bali_caste_female"], n),
                    pick(rng, pre["bali_caste_male"], n))
    i_ni = np.where(female, "NI", "I").astype(object)
    luh = present(rng, np.full(n, "LUH", dtype=object), np.where(female & (slot != 0), 0.15, 0))
    given = _pair(rng, female, "bali", "given_male", "given_female")
    second = _pair(rng, female, "bali", "given_male", "given_female")
    return [
        np.where(caste, title, i_ni),
        np.where(caste, None, luh),
        present(rng, order_word, np.where(caste, 0.4, 1.0)),
        given,
        present(rng, second, 0.15),
    ]


def _muslim_culture(table: str, second_p: float, noble: tuple[str, str, float] | None
                    ) -> Builder:
    """Aceh, Minang, Malay, Bugis, Buton, Madurese, Sasak: prefix + given (+ second)."""

    def build(rng: np.random.Generator, female: np.ndarray, year: np.ndarray, order: np.ndarray
              ) -> Parts:
        pools = nm.pools()
        n = len(female)
        local, mus = pools[table], pools["muslim"]
        prefix = _muslim_prefix(rng, female, 0.15, 0.1)
        if noble is not None:  # Teuku/Cut, Andi, La Ode/Wa Ode, Lalu/Baiq, Abd.
            male_key, female_key, share = noble
            title = _by_sex(female, pick(rng, pools["prefix"][female_key], n),
                            pick(rng, pools["prefix"][male_key], n))
            prefix = np.where(rng.random(n) < share, title, prefix)
        given = _by_sex(female, pick_mixed(rng, n, (local["female"], 0.7), (mus["female"], 0.3)),
                        pick_mixed(rng, n, (local["male"], 0.7), (mus["male"], 0.3)))
        second = _by_sex(female, pick_mixed(rng, n, (local["female"], 0.5), (mus["female"], 0.5)),
                         pick_mixed(rng, n, (local["male"], 0.5), (mus["male"], 0.5)))
        return [prefix, given, present(rng, second, second_p)]

    return build


def _dayak(rng: np.random.Generator, female: np.ndarray, year: np.ndarray, order: np.ndarray
           ) -> Parts:
    christian = _pair(rng, female, "christian")
    muslim = _pair(rng, female, "malay")
    given = np.where(rng.random(len(female)) < 0.65, christian, muslim)
    return [given, present(rng, _pair(rng, female, "dayak"), 0.7)]


def _christian(table: str, other: str, second_p: float) -> Builder:
    """NTT (Catholic) and Papua (Protestant) given names; the family name comes later."""

    def build(rng: np.random.Generator, female: np.ndarray, year: np.ndarray, order: np.ndarray
              ) -> Parts:
        n = len(female)
        first = np.where(rng.random(n) < 0.75, _pair(rng, female, table), _pair(rng, female, other))
        return [first, present(rng, _pair(rng, female, table), second_p)]

    return build


def _batak(rng: np.random.Generator, female: np.ndarray, year: np.ndarray, order: np.ndarray
           ) -> Parts:
    n = len(female)
    local = _pair(rng, female, "batak", "given_male", "given_female")
    christian = _pair(rng, female, "protestant")
    return [np.where(rng.random(n) < 0.65, local, christian)]


def _minahasa(rng: np.random.Generator, female: np.ndarray, year: np.ndarray, order: np.ndarray
              ) -> Parts:
    n = len(female)
    local = _pair(rng, female, "minahasa", "given_male", "given_female")
    christian = _pair(rng, female, "protestant")
    first = np.where(rng.random(n) < 0.6, local, christian)
    return [first, present(rng, _pair(rng, female, "protestant"), 0.2)]


def _maluku(rng: np.random.Generator, female: np.ndarray, year: np.ndarray, order: np.ndarray
            ) -> Parts:
    n = len(female)
    muslim = np.where(rng.random(n) < 0.45, _pair(rng, female, "muslim"), None)
    return [np.where(muslim == None, _pair(rng, female, "protestant"), muslim)]  # noqa: E711


def _chinese(rng: np.random.Generator, female: np.ndarray, year: np.ndarray, order: np.ndarray
             ) -> Parts:
    return [_pair(rng, female, "chinese", "given_male", "given_female")]


def modern(rng: np.random.Generator, female: np.ndarray) -> Parts:
    """The pan-Indonesian names most children born after ~2000 get (Rizky Pratama, Aulia Putri)."""
    given = _pair(rng, female, "modern")
    second = _pair(rng, female, "modern", "second_male", "second_female")
    return [_muslim_prefix(rng, female, 0.15, 0.03), given, present(rng, second, 0.7)]


BUILDERS: dict[int, Builder] = {
    nm.JAVANESE: _javanese,
    nm.SUNDANESE: _sundanese,
    nm.BALINESE: _balinese,
    nm.BATAK: _batak,
    nm.MANDAILING: _muslim_culture("malay", 0.3, None),
    nm.MINANG: _muslim_culture("minang", 0.25, None),
    nm.MALAY: _muslim_culture("malay", 0.4, None),
    nm.ACEH: _muslim_culture("aceh", 0.45, ("aceh_noble_male", "aceh_noble_female", 0.06)),
    nm.BUGIS: _muslim_culture("bugis", 0.35, ("bugis_noble", "bugis_noble", 0.08)),
    nm.BUTON: _muslim_culture("bugis", 0.35, ("buton_male", "buton_female", 0.3)),
    nm.MADURESE: _muslim_culture("madurese", 0.25, ("abdul", "muslim_female", 0.12)),
    nm.SASAK: _muslim_culture("sasak", 0.35, ("sasak_noble_male", "sasak_noble_female", 0.1)),
    nm.NTT: _christian("christian", "protestant", 0.3),
    nm.PAPUA: _christian("protestant", "christian", 0.2),
    nm.MINAHASA: _minahasa,
    nm.MALUKU: _maluku,
    nm.DAYAK: _dayak,
    nm.CHINESE: _chinese,
}


def _join(parts: Parts) -> np.ndarray:
    """Words joined by single spaces, absent parts skipped (vectorised in Arrow)."""
    arrays = [pa.array(p, type=pa.string()) for p in parts]
    joined = pc.binary_join_element_wise(*arrays, " ", null_handling="skip")
    return np.asarray(joined.to_numpy(zero_copy_only=False), dtype=object)


def _modern_share(year: np.ndarray) -> np.ndarray:
    """Share of babies given a pan-Indonesian modern name, rising from the 1990s."""
    return np.clip((year - 1988) / 25.0, 0.0, 0.85)


def _given_names(rng: np.random.Generator, culture: np.ndarray, female: np.ndarray,
                 year: np.ndarray, order: np.ndarray) -> np.ndarray:
    out = np.empty(len(culture), dtype=object)
    for c in np.unique(culture):
        idx = np.flatnonzero(culture == c)
        young = np.zeros(len(idx), dtype=bool)
        if int(c) in nm.MODERNISING:
            young = rng.random(len(idx)) < _modern_share(year[idx])
        old_idx, new_idx = idx[~young], idx[young]
        if len(old_idx):
            parts = BUILDERS[int(c)](rng, female[old_idx], year[old_idx], order[old_idx])
            out[old_idx] = _join(parts)
        if len(new_idx):
            out[new_idx] = _join(modern(rng, female[new_idx]))
    return out


def _family_names(rng: np.random.Generator, culture: np.ndarray, female: np.ndarray,
                  household: np.ndarray, inherits: np.ndarray) -> np.ndarray:
    """Family names: the household's for its blood line, an own draw for in-marrying members."""
    out = np.full(len(culture), None, dtype=object)
    first_of_household = np.searchsorted(household, household, side="left")
    for c in nm.FAMILY_POOLS:
        idx = np.flatnonzero(culture == c)
        if not len(idx):
            continue
        pool = nm.family_pool(c)
        house = pick(rng, pool, len(culture))  # the household's line, read at its first row
        names = np.where(inherits[idx], house[first_of_household[idx]], pick(rng, pool, len(idx)))
        if c == nm.BATAK:  # women may write "br." (boru) before their marga
            boru = pick(rng, nm.pools()["prefix"]["batak_boru"], len(idx))
            use = female[idx] & (rng.random(len(idx)) < 0.3)
            names = np.where(use, boru + " " + names, names)
        if c == nm.CHINESE:  # many Chinese-Indonesian families have no surname on the KTP
            names = np.where(rng.random(len(culture))[first_of_household[idx]] < 0.75, names,
                             None)
        out[idx] = names
    return out


def _old_spelling(rng: np.random.Generator, names: np.ndarray, year: np.ndarray) -> np.ndarray:
    """Some people born before the 1972 spelling reform still write their name the old way."""
    share = np.select([year < 1955, year < 1972, year < 1980], [0.35, 0.15, 0.03], 0.0)
    idx = np.flatnonzero(rng.random(len(names)) < share)
    out = names.copy()
    out[idx] = [nm.respell(names[i], old=True) for i in idx]
    return out


def person_names(*, rng: np.random.Generator, culture: np.ndarray, female: np.ndarray,
                 birth_year: np.ndarray, birth_order: np.ndarray, household: np.ndarray,
                 inherits_family: np.ndarray) -> np.ndarray:
    """Full names (upper case, KTP style) for persons sorted by household.

    culture: the person's naming culture; birth_order: 0 for a first child (Balinese Wayan,
    Javanese Eko); inherits_family: True where the person carries the household's family name
    (head if male, children, grandchildren, head's father).
    """
    given = _given_names(rng, culture, female, birth_year, birth_order)
    given = _old_spelling(rng, given, birth_year)  # family names keep their own spelling
    family = _family_names(rng, culture, female, household, inherits_family)
    return _join([given, family])
