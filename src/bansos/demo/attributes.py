"""Person attributes: education, current school level, occupation, disability, pregnancy.

All depend on age, sex, the household's latent wealth (`wealth`, standard normal) and the
village (urban, coastal), so that the PMT proxies built later stay coherent with them.
Labels follow the civil-registry (Dukcapil) vocabulary.
"""

from __future__ import annotations

import numpy as np

from bansos.demo import population as pop
from bansos.demo.rng import categorical

EDUCATION = np.array(["TIDAK/BELUM SEKOLAH", "SD", "SMP", "SMA", "D1-D3", "S1+"], dtype=object)
NO_SCHOOL, SD, SMP, SMA, DIPLOMA, BACHELOR = range(6)
SCHOOL_LEVEL = np.array([None, "SD", "SMP", "SMA"], dtype=object)  # current school, 6-21

OCCUPATION = np.array([
    "BELUM/TIDAK BEKERJA", "PELAJAR/MAHASISWA", "MENGURUS RUMAH TANGGA", "PETANI/PEKEBUN",
    "BURUH TANI/PERKEBUNAN", "BURUH HARIAN LEPAS", "NELAYAN/PERIKANAN", "PEDAGANG",
    "WIRASWASTA", "KARYAWAN SWASTA", "PEGAWAI NEGERI SIPIL (PNS)",
    "TENTARA NASIONAL INDONESIA (TNI)", "KEPOLISIAN RI (POLRI)", "PENSIUNAN",
], dtype=object)  # fmt: skip
(NOT_WORKING, STUDENT, HOMEMAKER, FARMER, FARM_LABOURER, DAY_LABOURER, FISHER, TRADER,
 SELF_EMPLOYED, PRIVATE_EMPLOYEE, CIVIL_SERVANT, ARMY, POLICE, RETIRED) = range(14)
DISABILITY = np.array(["TIDAK ADA", "RINGAN", "BERAT"], dtype=object)

_BASE_MALE = [0.05, 0, 0.0, 0.22, 0.10, 0.16, 0.0, 0.07, 0.14, 0.16, 0.018, 0.006, 0.006, 0]
_BASE_FEMALE = [0.06, 0, 0.55, 0.08, 0.06, 0.04, 0.0, 0.09, 0.06, 0.08, 0.016, 0.001, 0.002, 0]
_FORMAL = [PRIVATE_EMPLOYEE, CIVIL_SERVANT, ARMY, POLICE]
_MANUAL = [FARM_LABOURER, DAY_LABOURER]
_FARM = [FARMER, FARM_LABOURER]


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def schooling(*, rng: np.random.Generator, age: np.ndarray, birth_year: np.ndarray,
              wealth: np.ndarray, urban: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Completed education code, current school level code (0 = none) and university flag."""
    n = len(age)
    years = np.floor(age)
    level = np.select([years < 6, years <= 12, years <= 15, years <= 18], [0, SD, SMP, SMA], 0)
    p_enrol = np.select(
        [level == SD, level == SMP, level == SMA],
        [0.985, _sigmoid(2.3 + 0.8 * wealth), _sigmoid(1.1 + 0.9 * wealth)],
        0.0,
    )
    late_sma = (years >= 19) & (years <= 21) & (rng.random(n) < 0.06)
    enrolled = (rng.random(n) < p_enrol) | late_sma
    school = np.where(enrolled, np.where(late_sma, SMA, level), 0)
    university = (years >= 19) & (years <= 23) & ~late_sma
    university &= rng.random(n) < _sigmoid(-1.3 + 0.9 * wealth + 0.4 * urban)
    # Adults: an ordinal draw that rises with wealth, town life and later birth cohorts.
    latent = 0.8 * wealth + 0.4 * urban + (birth_year - 1975) * 0.04 + rng.normal(0, 1, n)
    adult = np.searchsorted(np.array([-1.5, 0.1, 0.7, 1.9, 2.3]), latent)
    dropout = np.where(rng.random(n) < 0.6, level - 1, np.maximum(level - 2, 0))
    education = np.select(
        [years < 6, school > 0, university, years <= 18],
        [NO_SCHOOL, school - 1, SMA, np.maximum(dropout, 0)],
        np.minimum(adult, np.where(years <= 21, SMA, BACHELOR)),
    )
    return education.astype(np.int8), school.astype(np.int8), university


def _occupation_weights(*, female: np.ndarray, age: np.ndarray, education: np.ndarray,
                        wealth: np.ndarray, urban: np.ndarray, coastal: np.ndarray,
                        role: np.ndarray) -> np.ndarray:
    w = np.where(female[:, None], np.array(_BASE_FEMALE), np.array(_BASE_MALE))
    w[:, _FARM] *= np.where(urban, 0.1, 2.0)[:, None]
    w[:, [PRIVATE_EMPLOYEE, DAY_LABOURER, TRADER]] *= np.where(urban, 1.6, 0.7)[:, None]
    w[:, FISHER] = np.where(coastal, np.where(female, 0.02, 0.3), 0.0)
    high = education >= SMA
    w[:, _FORMAL] *= np.where(high, 3.0, np.where(education <= SD, 0.08, 0.6))[:, None]
    w[:, CIVIL_SERVANT] *= np.where(education >= DIPLOMA, 3.0, 1.0)
    w[:, _MANUAL + _FARM] *= np.where(high, 0.4, np.where(education <= SD, 1.5, 1.0))[:, None]
    w[:, _FORMAL + [SELF_EMPLOYED, TRADER]] *= np.exp(0.6 * wealth)[:, None]
    w[:, _MANUAL] *= np.exp(-0.5 * wealth)[:, None]
    young, old = age < 25, age >= 60
    w[:, NOT_WORKING] *= np.where(young, 4.0, np.where(age >= 70, 8.0, 1.0))
    w[:, _FORMAL] *= np.where(old, 0.0, np.where(young, 0.3, 1.0))[:, None]
    w[:, RETIRED] = np.where(age >= 58, np.where(high, 0.6, 0.04), 0.0)
    w[:, HOMEMAKER] *= np.where(role == pop.HEAD, 0.4, 1.3)
    return w


def occupations(*, rng: np.random.Generator, female: np.ndarray, age: np.ndarray,
                education: np.ndarray, school: np.ndarray, university: np.ndarray,
                wealth: np.ndarray, urban: np.ndarray, coastal: np.ndarray, role: np.ndarray
                ) -> np.ndarray:
    """Occupation code per person (children and students first, then a weighted draw)."""
    out = np.full(len(age), NOT_WORKING, dtype=np.int8)
    student = (school > 0) | university
    out[student] = STUDENT
    adult = np.flatnonzero((age >= 15) & ~student)
    weights = _occupation_weights(
        female=female[adult], age=age[adult], education=education[adult], wealth=wealth[adult],
        urban=urban[adult], coastal=coastal[adult], role=role[adult],
    )
    out[adult] = categorical(rng, weights)
    return out


def disabilities(*, rng: np.random.Generator, age: np.ndarray) -> np.ndarray:
    """0 none, 1 mild, 2 severe; about 2% severe overall, more among the old."""
    severe_p = 0.016 + 0.0009 * np.maximum(age - 45, 0)
    u = rng.random(len(age))
    return np.select([u < severe_p, u < 3 * severe_p], [2, 1], 0).astype(np.int8)


def pregnancies(*, rng: np.random.Generator, female: np.ndarray, age: np.ndarray,
                role: np.ndarray, married: np.ndarray) -> np.ndarray:
    """Some married women of 18-40 are pregnant at the reference date."""
    p = np.where(age < 35, 0.10, 0.04)
    wife = (role == pop.SPOUSE) | (role == pop.HEAD) | (role == pop.CHILD_IN_LAW)
    return female & wife & married & (age >= 18) & (age < 41) & (rng.random(len(age)) < p)
