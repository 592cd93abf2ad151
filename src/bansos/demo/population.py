"""Household composition: who lives with whom, their sex and age.

Households are drawn by type (couple with children, single parent, three generations, single
elderly...), then expanded into persons, all vectorised. Persons come out sorted by household,
the head first, then spouse, children (oldest first), parents, grandchildren, in-laws, others.
"""

from __future__ import annotations

import numpy as np

# Roles in the household (the relationship to the head, before sex decides ISTRI/SUAMI).
HEAD, SPOUSE, CHILD, PARENT, PARENT_IN_LAW, GRANDCHILD, CHILD_IN_LAW, OTHER = range(8)
N_ROLES = 8
ROLE_LABEL = np.array(
    ["KEPALA KELUARGA", "ISTRI", "ANAK", "ORANG TUA", "MERTUA", "CUCU", "MENANTU", "FAMILI LAIN"],
    dtype=object,
)

# Household types with their shares.
NUCLEAR, COUPLE, SINGLE_PARENT, WITH_PARENTS, THREE_GEN, SINGLE_ELDERLY, SINGLE_ADULT = range(7)
WITH_RELATIVE = 7
TYPE_SHARE = np.array([0.50, 0.10, 0.09, 0.09, 0.07, 0.06, 0.04, 0.05])
FEMALE_HEAD_SHARE = np.array([0.02, 0.02, 0.75, 0.02, 0.10, 0.62, 0.30, 0.02])
DAYS_PER_YEAR = 365.2425


def relationship_labels(role: np.ndarray, female: np.ndarray) -> np.ndarray:
    """KK relationship names; a spouse is ISTRI or SUAMI by sex."""
    labels = ROLE_LABEL[role]
    return np.where((role == SPOUSE) & ~female, "SUAMI", labels)


def household_counts(*, rng: np.random.Generator, persons: int
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Household types, head ages and the (n_households, N_ROLES) member counts, summing to
    exactly `persons` (a few single-person households top up the remainder)."""
    n0 = int(persons / 3.7 * 1.08) + 20
    kind = rng.choice(len(TYPE_SHARE), size=n0, p=TYPE_SHARE)
    head_age = _head_ages(rng, kind)
    counts = np.zeros((n0, N_ROLES), dtype=np.int64)
    counts[:, HEAD] = 1
    with_spouse = np.isin(kind, [NUCLEAR, COUPLE, WITH_PARENTS, WITH_RELATIVE])
    with_spouse |= (kind == THREE_GEN) & (rng.random(n0) < 0.8)
    counts[:, SPOUSE] = with_spouse
    child_mean = np.array([1.2, 0, 0.9, 1.0, 0.5, 0, 0, 1.1])[kind]
    has_children = np.isin(kind, [NUCLEAR, SINGLE_PARENT, WITH_PARENTS, THREE_GEN, WITH_RELATIVE])
    # Room for children: about one per two years of the younger parent's age past 18.
    room = np.floor(np.clip(head_age - 22, 0, 30) / 2.0).astype(np.int64)
    extra = np.minimum(np.minimum(rng.poisson(child_mean), 6), room)
    counts[:, CHILD] = np.where(has_children, 1 + extra, 0)
    n_parents = 1 + (rng.random(n0) < 0.3)
    in_law = rng.random(n0) < 0.45
    counts[:, PARENT] = np.where((kind == WITH_PARENTS) & ~in_law, n_parents, 0)
    counts[:, PARENT_IN_LAW] = np.where((kind == WITH_PARENTS) & in_law, n_parents, 0)
    counts[:, GRANDCHILD] = np.where(kind == THREE_GEN, 1 + rng.poisson(0.7, n0), 0)
    counts[:, CHILD_IN_LAW] = (kind == THREE_GEN) & (rng.random(n0) < 0.5)
    counts[:, OTHER] = np.where(kind == WITH_RELATIVE, 1 + (rng.random(n0) < 0.2), 0)
    total = np.cumsum(counts.sum(axis=1))
    keep = int(np.searchsorted(total, persons, side="right"))
    rest = persons - (int(total[keep - 1]) if keep else 0)
    top_up = np.zeros((rest, N_ROLES), dtype=np.int64)
    top_up[:, HEAD] = 1
    kind = np.r_[kind[:keep], np.full(rest, SINGLE_ADULT)]
    head_age = np.r_[head_age[:keep], rng.uniform(19, 45, rest)]
    counts = np.vstack([counts[:keep], top_up])
    order = rng.permutation(len(kind))  # spread the top-up households over the villages
    return kind[order], head_age[order], counts[order]


def expand(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per person: household index, role and index within the role (0 = first child...)."""
    n_h = len(counts)
    flat = counts.ravel()
    roles = np.tile(np.arange(N_ROLES), n_h)
    role = np.repeat(roles, flat)
    household = np.repeat(np.repeat(np.arange(n_h), N_ROLES), flat)
    starts = np.cumsum(flat) - flat
    within = np.arange(len(role)) - np.repeat(starts, flat)
    return household, role.astype(np.int8), within


def _head_ages(rng: np.random.Generator, kind: np.ndarray) -> np.ndarray:
    n = len(kind)
    mean = np.array([41, 64, 45, 36, 60, 70, 30, 43], dtype=float)[kind]
    sd = np.array([10, 8, 11, 8, 8, 7, 8, 10], dtype=float)[kind]
    low = np.array([22, 50, 24, 22, 46, 58, 19, 24], dtype=float)[kind]
    high = np.array([70, 90, 78, 58, 88, 96, 45, 70], dtype=float)[kind]
    age = np.clip(rng.normal(mean, sd), low, high)
    young_couple = (kind == COUPLE) & (rng.random(n) < 0.4)
    return np.where(young_couple, rng.uniform(20, 32, n), age)


def sexes_and_ages(*, rng: np.random.Generator, kind: np.ndarray, head_age: np.ndarray,
                   household: np.ndarray, role: np.ndarray, within: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Sex (True = female) and age in years (float) for every person."""
    n_h, n = len(kind), len(role)
    head_female = rng.random(n_h) < FEMALE_HEAD_SHARE[kind]
    gap = rng.normal(4.0, 3.5, n_h)
    spouse_age = np.where(head_female, head_age + np.abs(gap), head_age - gap)
    spouse_age = np.clip(spouse_age, 18, head_age + 10)
    has_spouse = np.bincount(household[role == SPOUSE], minlength=n_h) > 0
    young_parent = np.where(has_spouse, np.minimum(head_age, spouse_age), head_age)
    female = rng.random(n) < 0.49
    age = rng.uniform(5, 70, n)  # OTHER relatives; the roles below overwrite
    h = household
    female = np.where(role == HEAD, head_female[h], female)
    female = np.where(role == SPOUSE, ~head_female[h], female)
    age = np.where(role == HEAD, head_age[h], age)
    age = np.where(role == SPOUSE, spouse_age[h], age)
    age = _children_ages(rng, kind, household, role, young_parent, age)
    age = _elder_ages(rng, household, role, within, head_age, spouse_age, has_spouse, age)
    female = np.where((role == PARENT) | (role == PARENT_IN_LAW), _elder_female(
        rng, household, role, within), female)
    return female, age


def _children_ages(rng: np.random.Generator, kind: np.ndarray, household: np.ndarray,
                   role: np.ndarray, young_parent: np.ndarray, age: np.ndarray) -> np.ndarray:
    """Children between 18 and 45 years younger than the younger parent, oldest first; 1.5% of
    later children are twins of the previous one; grandchildren younger than the children."""
    kids = np.flatnonzero(role == CHILD)
    h = household[kids]
    ref = young_parent[h]
    three_gen = kind[h] == THREE_GEN
    hi = np.maximum(ref - 18, 0.05)
    hi = np.where(three_gen, hi, np.minimum(hi, 30))
    lo = np.where(three_gen, np.maximum(19, ref - 45), np.maximum(0, ref - 45))
    lo = np.minimum(lo, hi)
    kid_age = _spaced(rng, h, lo, hi)
    twin = (rng.random(len(kids)) < 0.015) & np.r_[False, h[1:] == h[:-1]]
    twin_src = np.maximum.accumulate(np.where(~twin, np.arange(len(kids)), 0))
    kid_age = kid_age[twin_src]  # chains of twins (triplets) share the first one's age
    age = age.copy()
    age[kids] = kid_age
    oldest = np.zeros(len(young_parent))
    np.maximum.at(oldest, h, kid_age)
    grand = np.flatnonzero(role == GRANDCHILD)
    g_hi = np.clip(oldest[household[grand]] - 18, 0.05, 15)
    age[grand] = rng.uniform(0, g_hi)
    in_law = np.flatnonzero(role == CHILD_IN_LAW)
    age[in_law] = np.clip(oldest[household[in_law]] + rng.normal(0, 3, len(in_law)), 19, 60)
    return age


def _spaced(rng: np.random.Generator, h: np.ndarray, lo: np.ndarray, hi: np.ndarray
            ) -> np.ndarray:
    """Ages of siblings (rows grouped by household h), oldest first, born 1.3+ years apart
    within [lo, hi]; gaps shrink when the span is too short for that many children."""
    first = np.r_[True, h[1:] != h[:-1]]
    gap = np.where(first, 0.0, 1.3 + rng.exponential(1.7, len(h)))
    cum = np.cumsum(gap)
    start_idx = np.maximum.accumulate(np.where(first, np.arange(len(h)), 0))
    cum_in = cum - cum[start_idx]
    last = np.r_[h[1:] != h[:-1], True]
    total = np.zeros(int(h.max()) + 1 if len(h) else 0)
    total[h[last]] = cum_in[last]
    span = hi - lo
    scale = np.minimum(1.0, span / np.maximum(total[h], 1e-9))
    slack = np.maximum(span - total[h] * scale, 0)
    oldest = hi - rng.random(len(h)) * slack
    return np.maximum(oldest[start_idx] - cum_in * scale, 0.01)


def _elder_ages(rng: np.random.Generator, household: np.ndarray, role: np.ndarray,
                within: np.ndarray, head_age: np.ndarray, spouse_age: np.ndarray,
                has_spouse: np.ndarray, age: np.ndarray) -> np.ndarray:
    """Parents (ORANG TUA) 20-35 years older than the head, in-laws than the spouse."""
    age = age.copy()
    elders = np.flatnonzero((role == PARENT) | (role == PARENT_IN_LAW))
    h = household[elders]
    child_age = np.where((role[elders] == PARENT_IN_LAW) & has_spouse[h], spouse_age[h],
                         head_age[h])
    age[elders] = np.minimum(child_age + rng.uniform(20, 35, len(elders)), 98)
    others = np.flatnonzero(role == OTHER)
    age[others] = np.minimum(age[others], head_age[household[others]] + 15)
    return age


def _elder_female(rng: np.random.Generator, household: np.ndarray, role: np.ndarray,
                  within: np.ndarray) -> np.ndarray:
    """One living parent is most often the widowed mother; two parents are a couple."""
    n = len(role)
    pair = np.r_[household[1:] == household[:-1], False] & (role == np.r_[role[1:], -1])
    second = within == 1
    single_female = rng.random(n) < 0.75
    return np.where(second, True, np.where(pair, False, single_female))
