"""Welfare deciles (desil 1-10): equal tenths of persons, poorest first, optionally within
groups such as regencies. Pure numpy; one sort for all groups together."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

UNRANKED = 0  # decile of a household without a score


def deciles_rank(*, score: np.ndarray, persons: np.ndarray,
                 groups: np.ndarray | None = None) -> np.ndarray:
    """Welfare decile 1-10 per household (int8); lowest score = poorest = decile 1.

    Tenths are of persons, not households: a household goes to the tenth its cumulative-person
    midpoint falls in. With `groups`, households are ranked within their group. A NaN score
    gives 0 (unranked) and takes no share of the tenths. Ties keep input order."""
    score = np.asarray(score, dtype=np.float64)
    persons = np.asarray(persons)
    if persons.shape != score.shape:
        raise ValueError("score and persons must have the same length")
    # Integer sums keep the result identical to the generator's own (integer) arithmetic.
    persons = persons.astype(np.int64 if persons.dtype.kind in "iub" else np.float64)
    if (persons < 0).any():
        raise ValueError("persons must not be negative")
    out = np.full(len(score), UNRANKED, dtype=np.int8)
    ranked = np.flatnonzero(~np.isnan(score))
    if not len(ranked):
        return out
    group = _group_codes(groups, ranked)
    # lexsort is stable: equal (group, score) pairs stay in input order.
    sort = np.lexsort((score[ranked], group))
    order, group_sorted = ranked[sort], group[sort]
    p = persons[order]
    cum = np.cumsum(p)
    starts = np.flatnonzero(np.r_[True, group_sorted[1:] != group_sorted[:-1]])
    sizes = np.diff(np.r_[starts, len(order)])
    within = cum - np.repeat(cum[starts] - p[starts], sizes)  # persons so far in the group
    totals = np.repeat(within[starts + sizes - 1], sizes)
    mid = within - p / 2.0
    decile = np.floor(mid * 10.0 / np.where(totals > 0, totals, 1)).astype(np.int64) + 1
    out[order] = np.minimum(decile, 10)
    return out


def _group_codes(groups: np.ndarray | None, ranked: np.ndarray) -> np.ndarray:
    """Integer code per ranked household; hashing through Arrow avoids sorting strings."""
    if groups is None:
        return np.zeros(len(ranked), dtype=np.int64)
    groups = np.asarray(groups)
    if groups.dtype.kind in "iub":
        return groups[ranked].astype(np.int64)
    encoded = pc.dictionary_encode(pa.array(groups[ranked], from_pandas=True))
    return pc.fill_null(encoded.indices, -1).to_numpy().astype(np.int64)
