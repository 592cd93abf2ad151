"""Who ends up on each program list.

Lists are decided on an *estimated* welfare decile (true expenditure seen through a noisy
proxy-means test), so they carry the real targeting errors: poor families left out, some
non-poor included, civil-servant families mostly (not always) screened out. They were drawn up
before the latest deaths: a deceased person often still appears.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from bansos.demo import attributes as attr
from bansos.demo import population as pop
from bansos.demo import socioeconomic as se
from bansos.demo.truth import Truth

PKH_COMPONENTS = ("BUMIL", "AUD", "SD", "SMP", "SMA", "DISABILITAS BERAT", "LANSIA")
DUPLICATE_RATE = 0.01
STALE_DECEASED = 0.5  # chance a deceased person is still on a list


@dataclass(frozen=True)
class Selection:
    """Rows of one list before ordering: the person per row and per-row extras."""

    person: np.ndarray
    duplicate: np.ndarray
    extra: dict[str, np.ndarray] = field(default_factory=dict)


def estimated_deciles(truth: Truth, rng: np.random.Generator) -> np.ndarray:
    """The decile the targeting saw: log expenditure plus PMT prediction error."""
    hh = truth.households
    noisy = hh["log_pce"] + rng.normal(0.0, 0.35, len(hh["log_pce"]))
    return se.deciles(log_pce=noisy, persons=np.maximum(hh["size"], 1))


def families(truth: Truth, rng: np.random.Generator, est: np.ndarray, *, cutoff: int,
             coverage: float) -> np.ndarray:
    """Household indices chosen for a family program with the given decile cutoff."""
    pp = truth.persons
    head = truth.households["head"]
    leak = np.where(est == cutoff + 1, 0.08, 0.02)
    p = np.where(est <= cutoff, coverage, leak)
    formal = np.isin(pp["occupation"][head], [attr.CIVIL_SERVANT, attr.ARMY, attr.POLICE])
    p = np.where(formal, p * 0.15, p)
    return np.flatnonzero(rng.random(len(est)) < p)


def _stale(truth: Truth, rng: np.random.Generator, person: np.ndarray) -> np.ndarray:
    """Keep living persons; keep the deceased with probability STALE_DECEASED."""
    dead = truth.persons["death"][person] >= 0
    return person[~dead | (rng.random(len(person)) < STALE_DECEASED)]


def _with_duplicates(rng: np.random.Generator, person: np.ndarray,
                     extra: dict[str, np.ndarray]) -> Selection:
    dup = np.flatnonzero(rng.random(len(person)) < DUPLICATE_RATE)
    return Selection(
        person=np.r_[person, person[dup]],
        duplicate=np.r_[np.zeros(len(person), bool), np.ones(len(dup), bool)],
        extra={k: np.r_[v, v[dup]] for k, v in extra.items()},
    )


def caretakers(truth: Truth, rng: np.random.Generator) -> np.ndarray:
    """Per household the person a family list names: the wife or female head (PKH's pengurus),
    else the head. If that person died, the list still names them half the time."""
    pp, hh = truth.persons, truth.households
    h, role0, female = pp["household"], pp["role0"], pp["female"]
    pick = np.flatnonzero(role0 == pop.HEAD).copy()
    wife = np.flatnonzero((role0 == pop.SPOUSE) & female)
    pick[h[wife]] = wife
    dead = pp["death"][pick] >= 0
    replace = dead & (rng.random(len(pick)) >= STALE_DECEASED)
    return np.where(replace, hh["head"], pick)


def heads(truth: Truth, rng: np.random.Generator) -> np.ndarray:
    """The KK head as the list knew it: a head who died is still named half the time."""
    pp = truth.persons
    original = np.flatnonzero(pp["role0"] == pop.HEAD)
    dead = pp["death"][original] >= 0
    replace = dead & (rng.random(len(original)) >= STALE_DECEASED)
    return np.where(replace, truth.households["head"], original)


def pkh_components(truth: Truth) -> np.ndarray:
    """Per person the PKH component (index into PKH_COMPONENTS) or -1."""
    pp = truth.persons
    age = pp["age"]
    return np.select(
        [pp["pregnant"], age < 6, pp["school"] == attr.SD, pp["school"] == attr.SMP,
         pp["school"] == attr.SMA, pp["disability"] == 2, age >= 70],
        list(range(7)), -1,
    )


def select_pkh(truth: Truth, rng: np.random.Generator, est: np.ndarray) -> Selection:
    """PKH: families of desil 1-4 with at least one component; a row per component member
    plus one for the caretaker (pengurus)."""
    pp = truth.persons
    component = pkh_components(truth)
    has = np.bincount(pp["household"][component >= 0], minlength=len(est)) > 0
    chosen = np.zeros(len(est), dtype=bool)
    chosen[families(truth, rng, est, cutoff=4, coverage=0.75)] = True
    chosen &= has
    members = _stale(truth, rng, np.flatnonzero(chosen[pp["household"]] & (component >= 0)))
    carer_of = caretakers(truth, rng)
    carers = carer_of[np.flatnonzero(chosen)]
    person = np.r_[carers, members]
    label = np.r_[np.full(len(carers), "PENGURUS", dtype=object),
                  np.array(PKH_COMPONENTS, dtype=object)[component[members]]]
    extra = {"component": label, "carer": carer_of[pp["household"][person]]}
    return _with_duplicates(rng, person, extra)


def select_bpnt(truth: Truth, rng: np.random.Generator, est: np.ndarray) -> Selection:
    """Sembako/BPNT: desil 1-5, one row per family naming the wife or the head."""
    chosen = families(truth, rng, est, cutoff=5, coverage=0.8)
    return _with_duplicates(rng, caretakers(truth, rng)[chosen], {})


def select_pbijk(truth: Truth, rng: np.random.Generator, est: np.ndarray) -> Selection:
    """PBI-JK: every member of desil 1-5 families (person-level)."""
    chosen = np.zeros(len(est), dtype=bool)
    chosen[families(truth, rng, est, cutoff=5, coverage=0.9)] = True
    members = _stale(truth, rng, np.flatnonzero(chosen[truth.persons["household"]]))
    return _with_duplicates(rng, members, {})


def select_pip(truth: Truth, rng: np.random.Generator, est: np.ndarray) -> Selection:
    """PIP: school children (SD/SMP/SMA) of poor families, chosen child by child."""
    pp = truth.persons
    student = np.flatnonzero(pp["school"] > 0)
    e = est[pp["household"][student]]
    p = np.where(e <= 4, 0.6, np.where(e == 5, 0.15, 0.03))
    chosen = _stale(truth, rng, student[rng.random(len(student)) < p])
    return _with_duplicates(rng, chosen, {})


def select_blt(truth: Truth, rng: np.random.Generator, est: np.ndarray) -> Selection:
    """BLT: desil 1-4, one row per family naming the KK head."""
    chosen = families(truth, rng, est, cutoff=4, coverage=0.85)
    return _with_duplicates(rng, heads(truth, rng)[chosen], {})
