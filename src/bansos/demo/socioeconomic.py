"""The socio-economic profile of each household: a latent true per-capita expenditure and the
proxy-means-test (PMT) variables that BPS would observe.

The latent log expenditure comes from region, the household's wealth, head's education and
occupation, household size and noise. The proxies are then drawn from the expenditure with
noise, so that a regression of log expenditure on them recovers an R^2 of about 0.4-0.6, as
real PMT models do.
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np

from bansos.demo import attributes as attr
from bansos.targeting.deciles import deciles_rank

MEDIAN_PCE = 1_050_000.0  # rupiah per person per month, national-ish median
LOG_SD = 0.55  # spread of log expenditure used to standardise it for the proxies
PROXY_SIGNAL = 0.22  # how strongly each proxy follows expenditure (tuned: R^2 ~ 0.5)

# Province effect on log expenditure (rough: Jakarta and Kalimantan Timur high, NTT and Papua
# low). Not official figures.
PROVINCE_EFFECT = {
    "11": -0.1, "12": 0.0, "13": 0.05, "14": 0.1, "15": 0.0, "16": -0.05, "17": -0.08,
    "18": -0.1, "19": 0.15, "21": 0.3, "31": 0.55, "32": 0.05, "33": -0.12, "34": 0.1,
    "35": -0.05, "36": 0.15, "51": 0.2, "52": -0.15, "53": -0.35, "61": -0.05, "62": 0.05,
    "63": 0.1, "64": 0.3, "65": 0.15, "71": 0.05, "72": -0.1, "73": 0.0, "74": -0.1,
    "75": -0.2, "76": -0.2, "81": -0.25, "82": -0.1, "91": -0.4, "92": -0.3,
}  # fmt: skip
OCCUPATION_EFFECT = np.array(
    [-0.1, 0.0, -0.05, -0.08, -0.25, -0.2, -0.12, 0.05, 0.1, 0.12, 0.3, 0.25, 0.3, 0.15]
)

# Ordinal proxies, worst to best, with national-ish shares and (loading on standardised
# expenditure, urban shift).
ORDINAL = {
    "floor_material": (
        ["TANAH", "BAMBU", "KAYU/PAPAN", "SEMEN/BATA MERAH", "UBIN/TEGEL/TERASO",
         "KERAMIK/MARMER/GRANIT"],
        [0.05, 0.02, 0.08, 0.25, 0.10, 0.50], 1.0, 0.6),
    "wall_material": (
        ["LAINNYA", "ANYAMAN BAMBU", "BATANG KAYU", "KAYU/PAPAN",
         "PLESTERAN ANYAMAN BAMBU/KAWAT", "TEMBOK"],
        [0.01, 0.06, 0.02, 0.17, 0.04, 0.70], 0.9, 0.5),
    "roof_material": (
        ["JERAMI/IJUK/DAUN", "KAYU/SIRAP", "SENG", "ASBES", "GENTENG", "BETON"],
        [0.02, 0.03, 0.30, 0.10, 0.50, 0.05], 0.6, 0.3),
    "water_source": (
        ["AIR HUJAN", "AIR SUNGAI/DANAU", "MATA AIR TAK TERLINDUNG", "SUMUR TAK TERLINDUNG",
         "MATA AIR TERLINDUNG", "SUMUR TERLINDUNG", "SUMUR BOR/POMPA", "LEDENG",
         "AIR KEMASAN/ISI ULANG"],
        [0.03, 0.03, 0.03, 0.06, 0.07, 0.18, 0.20, 0.10, 0.30], 0.8, 0.8),
    "sanitation": (["TIDAK ADA", "BERSAMA", "SENDIRI"], [0.07, 0.13, 0.80], 0.9, 0.3),
    "electricity": (
        ["TIDAK ADA", "NON-PLN", "PLN NON-METERAN", "450", "900", "1300", "2200"],
        [0.01, 0.02, 0.02, 0.25, 0.45, 0.15, 0.10], 1.0, 0.4),
    "cooking_fuel": (
        ["KAYU BAKAR", "ARANG/BRIKET", "MINYAK TANAH", "ELPIJI 3 KG",
         "ELPIJI 5,5 KG/BLUE GAZ", "ELPIJI 12 KG/GAS KOTA", "LISTRIK"],
        [0.12, 0.01, 0.02, 0.70, 0.07, 0.06, 0.02], 0.9, 0.7),
}  # fmt: skip
OWNERSHIP = np.array(["MILIK SENDIRI", "KONTRAK/SEWA", "BEBAS SEWA", "DINAS"], dtype=object)
# (intercept, loading on standardised expenditure, urban shift) of yes/no assets.
ASSETS = {
    "has_car": (-2.8, 1.3, 0.3),
    "has_fridge": (0.2, 1.1, 0.5),
    "has_ac": (-3.6, 1.5, 1.0),
    "has_gold_10g": (-1.6, 0.8, 0.0),
    "has_land": (0.4, 0.3, -1.4),
    "has_livestock": (-0.9, 0.1, -1.2),
    "has_tv": (1.8, 1.0, 0.0),
}


def latent_log_pce(*, rng: np.random.Generator, wealth: np.ndarray, region_effect: np.ndarray,
                   head_education: np.ndarray, head_occupation: np.ndarray, size: np.ndarray,
                   urban: np.ndarray) -> np.ndarray:
    """Natural log of true per-capita monthly expenditure, one per household."""
    return (
        np.log(MEDIAN_PCE)
        + region_effect
        + 0.42 * wealth
        + OCCUPATION_EFFECT[head_occupation]
        + 0.05 * (head_education - attr.SMA)
        + 0.18 * urban
        - 0.35 * np.log(np.maximum(size, 1) / 3.7)
        + rng.normal(0.0, 0.28, len(wealth))
    )


def region_effects(*, rng: np.random.Generator, province: np.ndarray, regency_index: np.ndarray,
                   n_regencies: int) -> np.ndarray:
    """Per village: province effect + a random regency and village effect."""
    base = np.array([PROVINCE_EFFECT.get(p, 0.0) for p in province])
    regency = rng.normal(0.0, 0.12, n_regencies)[regency_index]
    return base + regency + rng.normal(0.0, 0.08, len(province))


def _ordinal(rng: np.random.Generator, z: np.ndarray, urban: np.ndarray, shares: list[float],
             loading: float, urban_shift: float) -> np.ndarray:
    """Category index of a latent (loading*z + shift*urban + noise) cut at the points where a
    nationally typical population would have the given shares."""
    a = loading * PROXY_SIGNAL
    spread = NormalDist(mu=urban_shift * 0.45, sigma=float(np.sqrt(a * a + 1.0)))
    cuts = [spread.inv_cdf(min(max(c, 1e-9), 1 - 1e-9)) for c in np.cumsum(shares)[:-1]]
    latent = a * z + urban_shift * urban + rng.normal(0.0, 1.0, len(z))
    return np.searchsorted(np.array(cuts), latent)


def _logistic(rng: np.random.Generator, x: np.ndarray) -> np.ndarray:
    return rng.random(len(x)) < 1.0 / (1.0 + np.exp(-x))


def pmt_variables(*, rng: np.random.Generator, log_pce: np.ndarray, size: np.ndarray,
                  urban: np.ndarray, java_bali: np.ndarray, formal_head: np.ndarray
                  ) -> dict[str, np.ndarray]:
    """The household PMT variables (house, utilities, assets) drawn from true expenditure."""
    n = len(log_pce)
    z = (log_pce - np.log(MEDIAN_PCE)) / LOG_SD
    s = PROXY_SIGNAL
    out: dict[str, np.ndarray] = {}
    area = np.exp(3.35 + 0.3 * s * z + 0.35 * np.log(size) - 0.15 * urban + rng.normal(0, 0.35, n))
    out["floor_area_m2"] = np.clip(np.rint(area), 9, 600).astype(np.int32)
    for name, (labels, shares, loading, shift) in ORDINAL.items():
        zz = z + (0.8 * java_bali if name == "roof_material" else 0.0)  # genteng on Java
        code = _ordinal(rng, zz, urban, shares, loading, shift)
        out[name] = np.array(labels, dtype=object)[code]
    electricity = out.pop("electricity")
    metered = np.isin(electricity, ["450", "900", "1300", "2200"])
    out["lighting"] = np.where(metered, "PLN METERAN", np.where(
        electricity == "PLN NON-METERAN", "PLN NON-METERAN", electricity)).astype(object)
    out["electricity_va"] = np.where(metered, electricity, "0").astype(np.int32)
    ownership_w = np.column_stack([
        np.full(n, 0.82), np.where(urban, 0.3, 0.05), np.full(n, 0.07),
        np.where(formal_head, 0.08, 0.005)])
    cum = np.cumsum(ownership_w, axis=1)
    out["house_ownership"] = OWNERSHIP[(cum < (rng.random(n) * cum[:, -1])[:, None]).sum(1)]
    out["motorcycles"] = np.minimum(
        rng.poisson(np.exp(-0.1 + 0.45 * s * z + 0.2 * np.log(size))), 4).astype(np.int8)
    for name, (intercept, loading, shift) in ASSETS.items():
        out[name] = _logistic(rng, intercept + loading * s * z + shift * urban)
    out["smartphones"] = np.minimum(
        rng.poisson(np.exp(0.1 + 0.3 * s * z + 0.35 * np.log(size))), 6).astype(np.int8)
    return out


def deciles(*, log_pce: np.ndarray, persons: np.ndarray) -> np.ndarray:
    """Welfare decile 1-10 per household: equal tenths of persons, poorest first (the same
    ranking the targeting app uses, so the demo's truth and the system's deciles agree)."""
    return deciles_rank(score=log_pce, persons=persons)
