"""Where the synthetic people live: the villages under the requested region codes, with a
random size, urban/rural and coastal flags, RW/RT structure and Indonesian-style addresses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bansos.areas import catalog
from bansos.demo import names as nm
from bansos.demo.rng import pick

ROMAN = np.array(["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"],
                 dtype=object)


@dataclass(frozen=True)
class Villages:
    """One row per village (all arrays the same length, sorted by code)."""

    code: np.ndarray  # dotted, e.g. "35.10.09.2001"
    name: np.ndarray
    district_code: np.ndarray  # dotted
    district_name: np.ndarray
    district_compact: np.ndarray  # int64, e.g. 351009 (starts every NIK and KK)
    regency_code: np.ndarray
    regency_name: np.ndarray
    province_code: np.ndarray
    urban: np.ndarray  # kelurahan (code 1xxx) or in a city (KOTA, regency code >= 71)
    coastal: np.ndarray
    weight: np.ndarray  # relative population size

    def __len__(self) -> int:
        return len(self.code)


def select_villages(*, regions: Sequence[str], rng: np.random.Generator) -> Villages:
    """The villages under the given dotted codes of any level, each with a random size."""
    by_code = catalog.by_code()
    chosen: dict[str, catalog.Region] = {}
    for code in regions:
        code = code.strip()
        if code not in by_code:
            raise ValueError(f"unknown region code: {code!r}")
        for region in catalog.descendants(code, level="village"):
            chosen[region.code] = region
    if not chosen:
        raise ValueError(f"no villages under {list(regions)!r}")
    rows = [chosen[c] for c in sorted(chosen)]
    codes = np.array([r.code for r in rows], dtype=object)
    district = np.array([c[:8] for c in codes], dtype=object)
    regency = np.array([c[:5] for c in codes], dtype=object)
    kelurahan = np.array([c[9] == "1" for c in codes])
    city = np.array([int(c[3:5]) >= 71 for c in codes])
    urban = kelurahan | city
    n = len(rows)
    return Villages(
        code=codes,
        name=np.array([r.name for r in rows], dtype=object),
        district_code=district,
        district_name=np.array([by_code[d].name for d in district], dtype=object),
        district_compact=np.array([int(d.replace(".", "")) for d in district], dtype=np.int64),
        regency_code=regency,
        regency_name=np.array([by_code[r].name for r in regency], dtype=object),
        province_code=np.array([c[:2] for c in codes], dtype=object),
        urban=urban,
        coastal=rng.random(n) < 0.15,
        weight=rng.lognormal(0.0, 0.6, n) * np.where(urban, 1.8, 1.0),
    )


def town_name(regency_name: str) -> str:
    """`KAB. BANYUWANGI` -> `BANYUWANGI`; `KOTA ADM. JAKARTA SELATAN` -> `JAKARTA SELATAN`."""
    for prefix in ("KAB. ADM. ", "KOTA ADM. ", "KAB. ", "KOTA "):
        if regency_name.startswith(prefix):
            return regency_name[len(prefix):]
    return regency_name


def household_cultures(*, rng: np.random.Generator, villages: Villages, village: np.ndarray
                       ) -> np.ndarray:
    """A naming culture per household, drawn from its regency's or province's mix."""
    keys = np.array([r if r in nm.PROVINCE_MIX else r[:2] for r in villages.regency_code],
                    dtype=object)[village]
    out = np.empty(len(village), dtype=np.int8)
    for key in np.unique(keys):
        idx = np.flatnonzero(keys == key)
        mix = nm.culture_mix(str(key))
        cultures = np.array(list(mix), dtype=np.int8)
        weights = np.array(list(mix.values()), dtype=float)
        out[idx] = rng.choice(cultures, size=len(idx), p=weights / weights.sum())
    return out


def neighbourhoods(*, rng: np.random.Generator, villages: Villages, village: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray]:
    """RW and RT numbers (1-based ints) per household: a village has a few RWs, an RW a few RTs."""
    n_v = len(villages)
    n_rw = 2 + rng.poisson(np.where(villages.urban, 5.0, 2.5), n_v)
    rw = 1 + (rng.random(len(village)) * n_rw[village]).astype(np.int64)
    n_rt = 2 + (village * 7 + rw * 3) % 6  # varies by RW without another table
    rt = 1 + (rng.random(len(village)) * n_rt).astype(np.int64)
    return rw, rt


def addresses(*, rng: np.random.Generator, villages: Villages, village: np.ndarray,
              rw: np.ndarray, rt: np.ndarray, culture: np.ndarray) -> np.ndarray:
    """Street addresses in towns, hamlet (dusun, kampung, banjar) names in villages."""
    places = nm.pools()["places"]
    n = len(village)
    offset = (village * 2654435761) % 9973  # a fixed per-village shift into the name pools
    streets = places["streets"][(offset + rw * 7 + rt * 3) % len(places["streets"])]
    number = rng.integers(1, 160, n).astype(str).astype(object)
    gang = pick(rng, places["gang"], n)
    use_gang = rng.random(n) < 0.25
    street = np.where(use_gang, "JL. " + streets + " GG. " + gang, "JL. " + streets)
    street = street + " NO. " + number
    dusun_jav = "DUSUN " + places["dusun_javanese"][(offset + rw) % len(places["dusun_javanese"])]
    kampung = "KP. " + places["kampung_sundanese"][(offset + rw) % len(places["kampung_sundanese"])]
    banjar = "BANJAR " + places["banjar_bali"][(offset + rw) % len(places["banjar_bali"])]
    generic = "DUSUN " + ROMAN[(rw - 1) % len(ROMAN)]
    rural = np.select(
        [culture == nm.JAVANESE, culture == nm.SUNDANESE, culture == nm.BALINESE],
        [dusun_jav, kampung, banjar],
        generic,
    )
    return np.where(villages.urban[village], street, rural)


def birth_places(*, rng: np.random.Generator, villages: Villages, village: np.ndarray
                 ) -> np.ndarray:
    """Birth town per person: mostly the home regency, some another regency of the province,
    a few a big city."""
    n = len(village)
    home = np.array([town_name(r) for r in villages.regency_name], dtype=object)[village]
    province = villages.province_code[village]
    other = home.copy()
    for prov in np.unique(province):
        towns = np.array(
            [town_name(r.name) for r in catalog.descendants(str(prov), level="regency")],
            dtype=object,
        )
        idx = np.flatnonzero(province == prov)
        other[idx] = pick(rng, towns, len(idx))
    city = pick(rng, nm.pools()["places"]["cities"], n)
    u = rng.random(n)
    return np.where(u < 0.82, home, np.where(u < 0.94, other, city))
