"""The cluster stage of linkage: records joined by declared matches are one person.

A cluster is a connected component of the graph whose nodes are the records and whose edges
are the pairs at or above the threshold (so a chain A~B, B~C puts A and C together even if the
pair A-C scored low or was never a candidate). Each record's cluster id is the smallest uid in
its component: deterministic, and a record without a match is its own cluster (its own uid).

Pure numpy, no graph library: min-label propagation over the edges (`np.minimum.at`) followed
by pointer jumping (`label = label[label]`), repeated until nothing changes. Each round is a
few vectorised passes over the edges; pointer jumping halves the remaining path lengths, so
long chains need O(log n) rounds rather than O(n).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def clusters_from_pairs(*, uids: np.ndarray | pa.Array | pa.ChunkedArray, pairs: pa.Table,
                        threshold: float) -> pa.Array:
    """Per uid of `uids` (in their order), the smallest uid of its cluster (`pa.int64()`).

    `pairs` has `uid_l`, `uid_r` and `match_probability`; only pairs with a probability at or
    above `threshold` join records. Every uid of a kept pair must be in `uids`."""
    ids = _int64(uids)
    if len(np.unique(ids)) != len(ids):
        raise ValueError("uids must be unique")
    kept = pairs.filter(pc.greater_equal(pairs["match_probability"], threshold))
    order = np.argsort(ids, kind="stable")
    left = _positions(ids, order, _int64(kept["uid_l"]))
    right = _positions(ids, order, _int64(kept["uid_r"]))
    # Labels are ranks in uid order, so the smallest label of a component is its smallest uid.
    rank = np.empty(len(ids), dtype=np.int64)
    rank[order] = np.arange(len(ids), dtype=np.int64)
    labels = np.arange(len(ids), dtype=np.int64)
    left, right = rank[left], rank[right]
    while True:
        before = labels.copy()
        low = np.minimum(labels[left], labels[right])
        np.minimum.at(labels, left, low)
        np.minimum.at(labels, right, low)
        labels = _jump(labels)
        if np.array_equal(labels, before):
            break
    return pa.array(ids[order][labels[rank]], pa.int64())


def clusters_summary(*, clusters: pa.Array) -> dict[str, int]:
    """Counts for a run summary: clusters, those of two records or more, the largest size."""
    if len(clusters) == 0:
        return {"clusters": 0, "clusters_multi": 0, "records_in_multi": 0, "largest": 0}
    _, sizes = np.unique(_int64(clusters), return_counts=True)
    multi = sizes >= 2
    return {"clusters": int(len(sizes)), "clusters_multi": int(multi.sum()),
            "records_in_multi": int(sizes[multi].sum()), "largest": int(sizes.max())}


def _jump(labels: np.ndarray) -> np.ndarray:
    """Follow labels to their roots: each pass halves the length of every chain."""
    while True:
        jumped = labels[labels]
        if np.array_equal(jumped, labels):
            return labels
        labels = jumped


def _positions(ids: np.ndarray, order: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Index into `ids` of each of `wanted`; ValueError if one is not there."""
    found = np.searchsorted(ids, wanted, sorter=order)
    found = np.minimum(found, max(len(ids) - 1, 0))
    if len(wanted) and (len(ids) == 0 or not np.array_equal(ids[order][found], wanted)):
        raise ValueError("pairs name uids that are not in uids")
    return order[found] if len(wanted) else np.zeros(0, dtype=np.int64)


def _int64(values: np.ndarray | pa.Array | pa.ChunkedArray) -> np.ndarray:
    if isinstance(values, pa.ChunkedArray | pa.Array):
        if values.null_count:
            raise ValueError("uids must not be null")
        return np.asarray(values.cast(pa.int64()).to_numpy(zero_copy_only=False), np.int64)
    return np.asarray(values, dtype=np.int64)
