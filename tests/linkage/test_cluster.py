"""Connected components of the declared matches: golden cases and a check against a plain
union-find on random graphs."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from bansos.linkage.cluster import clusters_from_pairs, clusters_summary


def pairs(*edges: tuple[int, int, float]) -> pa.Table:
    left, right, probability = zip(*edges, strict=True) if edges else ((), (), ())
    return pa.table({"uid_l": pa.array(left, pa.int64()), "uid_r": pa.array(right, pa.int64()),
                     "match_probability": pa.array(probability, pa.float64())})


def test_chain_and_singletons():
    # 1-2-3 chained (1 and 3 never compared), 5-6, 4 and 7 alone.
    got = clusters_from_pairs(uids=np.array([1, 2, 3, 4, 5, 6, 7]),
                              pairs=pairs((1, 2, 0.99), (2, 3, 0.95), (5, 6, 0.91)),
                              threshold=0.9)
    assert got.to_pylist() == [1, 1, 1, 4, 5, 5, 7]


def test_pairs_below_the_threshold_do_not_join():
    got = clusters_from_pairs(uids=pa.array([10, 20, 30]),
                              pairs=pairs((10, 20, 0.89), (20, 30, 0.9)), threshold=0.9)
    assert got.to_pylist() == [10, 20, 20]


def test_ids_in_any_order_and_negative():
    # Registry records carry negative uids; the cluster id is the smallest uid.
    got = clusters_from_pairs(uids=[7, -3, 5, 2, -8],
                              pairs=pairs((5, 7, 1.0), (-3, 2, 1.0), (2, -8, 0.97)),
                              threshold=0.5)
    assert got.to_pylist() == [5, -8, 5, -8, -8]


def test_long_chain_in_reverse_order():
    n = 2_000
    edges = [(i, i - 1, 0.99) for i in range(n - 1, 0, -1)]
    got = clusters_from_pairs(uids=np.arange(n), pairs=pairs(*edges), threshold=0.9)
    assert set(got.to_pylist()) == {0}


def test_star_and_cycle():
    got = clusters_from_pairs(
        uids=np.arange(1, 9),
        pairs=pairs((4, 1, 1.0), (4, 2, 1.0), (4, 3, 1.0), (5, 6, 1.0), (6, 7, 1.0),
                    (7, 5, 1.0)),
        threshold=0.9)
    assert got.to_pylist() == [1, 1, 1, 1, 5, 5, 5, 8]


def test_no_pairs_and_no_records():
    assert clusters_from_pairs(uids=[3, 1], pairs=pairs(), threshold=0.9).to_pylist() == [3, 1]
    assert clusters_from_pairs(uids=[], pairs=pairs(), threshold=0.9).to_pylist() == []


def test_unknown_or_repeated_uids_are_refused():
    with pytest.raises(ValueError, match="not in uids"):
        clusters_from_pairs(uids=[1, 2], pairs=pairs((1, 3, 1.0)), threshold=0.9)
    with pytest.raises(ValueError, match="unique"):
        clusters_from_pairs(uids=[1, 1], pairs=pairs(), threshold=0.9)


def test_matches_a_plain_union_find_on_random_graphs():
    rng = np.random.default_rng(5)
    for _ in range(20):
        n = int(rng.integers(1, 300))
        uids = rng.permutation(np.arange(-n, 2 * n))[:n]
        m = int(rng.integers(0, 2 * n))
        left, right = rng.choice(uids, m), rng.choice(uids, m)
        keep = left != right
        probability = rng.random(m)
        table = pa.table({"uid_l": left[keep], "uid_r": right[keep],
                          "match_probability": probability[keep]})
        got = clusters_from_pairs(uids=uids, pairs=table, threshold=0.5).to_pylist()
        assert got == _reference(uids, left[keep], right[keep], probability[keep] >= 0.5)


def _reference(uids, left, right, kept) -> list[int]:
    parent = {int(u): int(u) for u in uids}

    def root(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    for a, b, k in zip(left, right, kept, strict=True):
        if k:
            ra, rb = root(int(a)), root(int(b))
            parent[max(ra, rb)] = min(ra, rb)
    return [root(int(u)) for u in uids]


def test_summary_counts():
    clusters = pa.array([1, 1, 1, 4, 5, 5, 7])
    assert clusters_summary(clusters=clusters) == {
        "clusters": 4, "clusters_multi": 2, "records_in_multi": 5, "largest": 3}
    assert clusters_summary(clusters=pa.array([], pa.int64()))["clusters"] == 0
