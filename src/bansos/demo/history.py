"""Time: when each family card (KK) was formed and issued, who died in the last three years,
who moved in from another household, and the membership history that records it.

Dates are int64 days since 1970-01-01 here; the writers turn them into dates.

Simplifications, on purpose: when a head dies the spouse becomes head of the same household
and KK (Dukcapil would re-issue the card), and the successor's membership row carries the new
relationship from its start; ORANG TUA and MERTUA swap accordingly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from bansos.demo import population as pop

YEAR = 365.2425
SIAK_START = int(np.datetime64("2008-01-01", "D").astype(np.int64))  # 16-digit KKs from here
SIAK_END = int(np.datetime64("2013-12-31", "D").astype(np.int64))
RECORDS_START = int(np.datetime64("2000-01-01", "D").astype(np.int64))


@dataclass(frozen=True)
class Movers:
    """Earlier memberships: one row per person who lived in another household before."""

    person: np.ndarray  # person index
    household: np.ndarray  # the earlier household's index
    relationship: np.ndarray  # in the earlier household
    start: np.ndarray
    end: np.ndarray
    reason: np.ndarray  # split | married | moved


def formation_dates(*, rng: np.random.Generator, kind: np.ndarray, head_birth: np.ndarray,
                    household: np.ndarray, role: np.ndarray, birth: np.ndarray, as_of: int
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Date each household was formed (marriage or moving out) and its KK issue date.

    A couple's household is dated by the younger partner, who was at least 17 then: dating
    it by the head alone married wives much younger than their husband as children."""
    n_h = len(kind)
    years = np.select([kind == pop.SINGLE_ADULT, kind == pop.SINGLE_ELDERLY],
                      [rng.uniform(18, 24, n_h), rng.uniform(22, 35, n_h)],
                      rng.uniform(19, 28, n_h))
    spouse = role == pop.SPOUSE
    younger_birth = head_birth.copy()
    np.maximum.at(younger_birth, household[spouse], birth[spouse])
    formed = younger_birth + (years * YEAR).astype(np.int64)
    kids = role == pop.CHILD
    oldest_birth = np.full(n_h, np.iinfo(np.int64).max)
    np.minimum.at(oldest_birth, household[kids], birth[kids])
    before_kids = oldest_birth - (rng.uniform(0.2, 2.0, n_h) * YEAR).astype(np.int64)
    formed = np.minimum(formed, before_kids)
    # Children are 18+ years younger than the younger parent, so this floor stays before them.
    formed = np.maximum(formed, younger_birth + int(17 * YEAR))
    formed = np.minimum(formed, as_of - 30)
    migrated = rng.integers(SIAK_START, SIAK_END + 1, n_h)
    issued = np.where(formed >= SIAK_START, formed, migrated)
    return formed, np.minimum(issued, as_of - 1)


def membership_starts(*, rng: np.random.Generator, household: np.ndarray, role: np.ndarray,
                      birth: np.ndarray, formed: np.ndarray, as_of: int) -> np.ndarray:
    """When each person joined their current household (a child-in-law married in at 17+)."""
    of_age = np.where(role == pop.CHILD_IN_LAW, birth + int(17 * YEAR), birth)
    start = np.maximum(of_age, formed[household])
    joined_later = np.isin(role, [pop.PARENT, pop.PARENT_IN_LAW, pop.CHILD_IN_LAW, pop.OTHER])
    span = np.maximum(as_of - 1 - start, 0)
    moved_in = start + (rng.random(len(role)) * span).astype(np.int64)
    return np.where(joined_later, moved_in, start)


def _mortality_3y(age: np.ndarray) -> np.ndarray:
    """Probability of dying within three years (Gompertz-like, ~0.6% a year overall)."""
    yearly = 0.0006 + 0.00008 * np.exp(0.085 * age)
    return 1.0 - np.exp(-3.0 * yearly)


def deaths(*, rng: np.random.Generator, household: np.ndarray, role: np.ndarray,
           age: np.ndarray, start: np.ndarray, as_of: int) -> np.ndarray:
    """Death date per person (-1 = alive). Nobody in a one-person household dies (the
    household would vanish), a head dies only when a spouse survives to take over."""
    n_h = int(household.max()) + 1 if len(household) else 0
    size = np.bincount(household, minlength=n_h)
    dies = rng.random(len(role)) < _mortality_3y(age)
    dies &= size[household] > 1
    spouse_alive = np.zeros(n_h, dtype=bool)
    spouse_alive[household[(role == pop.SPOUSE) & ~dies]] = True
    dies &= (role != pop.HEAD) | spouse_alive[household]
    head_dead = np.zeros(n_h, dtype=bool)
    head_dead[household[(role == pop.HEAD) & dies]] = True
    dies &= ~((role == pop.SPOUSE) & head_dead[household])  # keep one of the two alive
    earliest = np.maximum(start + 1, as_of - int(3 * YEAR))
    dies &= earliest < as_of - 1
    when = earliest + (rng.random(len(role)) * (as_of - 1 - earliest)).astype(np.int64)
    return np.where(dies, when, -1)


def succession(*, household: np.ndarray, role: np.ndarray, death: np.ndarray) -> np.ndarray:
    """Roles after deaths: a widowed spouse becomes head; ORANG TUA and MERTUA swap."""
    n_h = int(household.max()) + 1 if len(household) else 0
    head_dead = np.zeros(n_h, dtype=bool)
    head_dead[household[(role == pop.HEAD) & (death >= 0)]] = True
    hit = head_dead[household]
    new = role.copy()
    new[hit & (role == pop.SPOUSE)] = pop.HEAD
    new[hit & (role == pop.PARENT)] = pop.PARENT_IN_LAW
    new[hit & (role == pop.PARENT_IN_LAW)] = pop.PARENT
    return new


def _find_households(rng: np.random.Generator, *, movers: np.ndarray, current: np.ndarray,
                     district_of: np.ndarray, ok: Callable[[np.ndarray, np.ndarray], np.ndarray], tries: int = 8) -> np.ndarray:
    """For each mover a random other household, mostly in the same district, that satisfies
    `ok(mover_rows, candidates)`; -1 where none was found."""
    n_h = len(district_of)
    starts = np.searchsorted(district_of, district_of, side="left")
    ends = np.searchsorted(district_of, district_of, side="right")
    found = np.full(len(movers), -1, dtype=np.int64)
    for _ in range(tries):
        todo = np.flatnonzero(found < 0)
        if not len(todo):
            break
        h = current[todo]
        local = starts[h] + (rng.random(len(todo)) * (ends[h] - starts[h])).astype(np.int64)
        anywhere = rng.integers(0, n_h, len(todo))
        cand = np.where(rng.random(len(todo)) < 0.8, local, anywhere)
        good = (cand != h) & ok(todo, cand)
        found[todo[good]] = cand[good]
    return found


def _mover_candidates(*, rng: np.random.Generator, kind: np.ndarray, formed: np.ndarray,
                      household: np.ndarray, role: np.ndarray, birth: np.ndarray,
                      start: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Who had an earlier household: (person index, relationship there, end date, reason)."""
    n = len(role)
    u = rng.random(n)
    f = formed[household]
    recent = f >= RECORDS_START
    young_head = (f - birth) < 35 * YEAR
    own_kind = np.isin(kind[household], [pop.NUCLEAR, pop.COUPLE, pop.SINGLE_ADULT,
                                         pop.WITH_RELATIVE, pop.SINGLE_PARENT])
    split = (role == pop.HEAD) & recent & young_head & own_kind & (u < 0.7)
    married = (role == pop.SPOUSE) & recent & (u < 0.6)
    married |= (role == pop.CHILD_IN_LAW) & (u < 0.8)
    elder = np.isin(role, [pop.PARENT, pop.PARENT_IN_LAW]) & (u < 0.3)
    other = (role == pop.OTHER) & (u < 0.6)
    person = np.flatnonzero(split | married | elder | other)
    relationship = np.select(
        [elder[person], other[person] & (rng.random(len(person)) < 0.5)],
        ["ORANG TUA", "FAMILI LAIN"], "ANAK").astype(object)
    reason = np.select([split[person], married[person]], ["split", "married"], "moved")
    end = np.where(split[person] | (role[person] == pop.SPOUSE), f[person], start[person])
    return person, relationship, end, reason.astype(object)


def earlier_households(*, rng: np.random.Generator, kind: np.ndarray, formed: np.ndarray,
                       head_age: np.ndarray, district_of: np.ndarray, household: np.ndarray,
                       role: np.ndarray, age: np.ndarray, birth: np.ndarray, start: np.ndarray
                       ) -> Movers:
    """Earlier memberships of people who split off, married in or moved in."""
    person, relationship, end, reason = _mover_candidates(
        rng=rng, kind=kind, formed=formed, household=household, role=role, birth=birth,
        start=start)
    as_child = relationship == "ANAK"
    as_parent = relationship == "ORANG TUA"

    def plausible(rows: np.ndarray, cand: np.ndarray) -> np.ndarray:
        p = person[rows]
        existed = formed[cand] < end[rows] - 365
        parent_ok = head_age[cand] >= age[p] + 17
        child_ok = head_age[cand] <= age[p] - 17
        return existed & np.where(as_child[rows], parent_ok,
                                  np.where(as_parent[rows], child_ok, True))

    found = _find_households(rng, movers=person, current=household[person],
                             district_of=district_of, ok=plausible)
    keep = found >= 0
    person, found, end = person[keep], found[keep], end[keep]
    relationship, reason, as_child = relationship[keep], reason[keep], as_child[keep]
    stay = (rng.uniform(1, 10, len(person)) * YEAR).astype(np.int64)
    began = np.where(as_child, birth[person], end - stay)
    began = np.maximum(np.maximum(began, formed[found]), birth[person])
    return Movers(person=person, household=found, relationship=relationship, start=began,
                  end=end, reason=reason)
