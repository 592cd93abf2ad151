"""Welfare deciles: hand-computed tenths of persons, groups, unranked households, ties."""

from __future__ import annotations

import numpy as np
import pytest

from bansos.demo.socioeconomic import deciles as demo_deciles
from bansos.targeting.deciles import deciles_rank


def test_one_person_each_is_one_household_per_decile():
    score = np.arange(10, 0, -1, dtype=float)  # the last household is the poorest
    got = deciles_rank(score=score, persons=np.ones(10, dtype=int))
    assert got.tolist() == [10, 9, 8, 7, 6, 5, 4, 3, 2, 1]
    assert got.dtype == np.int8


def test_tenths_are_of_persons_by_midpoint():
    # Sorted: 5 persons (midpoint 2.5 of 10 -> decile 3), 3 (6.5 -> 7), 2 (9 -> 10).
    got = deciles_rank(score=np.array([1.0, 2.0, 3.0]), persons=np.array([5, 3, 2]))
    assert got.tolist() == [3, 7, 10]


def test_nan_score_is_unranked_and_takes_no_share():
    # Only 2 persons are ranked: midpoints 0.5 and 1.5 of 2 -> deciles 3 and 8.
    got = deciles_rank(score=np.array([np.nan, 1.0, 2.0]), persons=np.array([4, 1, 1]))
    assert got.tolist() == [0, 3, 8]
    assert deciles_rank(score=np.array([np.nan]), persons=np.array([3])).tolist() == [0]


def test_ties_keep_input_order():
    got = deciles_rank(score=np.array([5.0, 5.0]), persons=np.array([1, 1]))
    assert got.tolist() == [3, 8]  # the first listed counts as the poorer


def test_groups_rank_within_each_group():
    score = np.array([1.0, 2.0, 10.0, 20.0, 3.0])
    groups = np.array(["35.10", "35.10", "31.71", "31.71", "35.10"], dtype=object)
    got = deciles_rank(score=score, persons=np.ones(5, dtype=int), groups=groups)
    # 35.10: three persons, midpoints 0.5, 1.5, 2.5 of 3 -> 2, 6, 9; 31.71: 3, 8.
    assert got.tolist() == [2, 6, 3, 8, 9]
    as_numbers = deciles_rank(score=score, persons=np.ones(5, dtype=int),
                              groups=np.array([7, 7, 2, 2, 7]))
    assert as_numbers.tolist() == got.tolist()


def test_groups_equal_separate_rankings():
    rng = np.random.default_rng(3)
    n = 5000
    score = rng.normal(size=n)
    score[rng.random(n) < 0.02] = np.nan
    persons = rng.integers(1, 9, n)
    groups = rng.choice(np.array(["a", "b", "c", None], dtype=object), n)
    got = deciles_rank(score=score, persons=persons, groups=groups)
    for key in ("a", "b", "c", None):
        rows = np.array([g == key for g in groups])
        alone = deciles_rank(score=score[rows], persons=persons[rows])
        assert (got[rows] == alone).all()


def test_demo_generator_uses_the_same_ranking():
    rng = np.random.default_rng(11)
    score, persons = rng.normal(size=2000), rng.integers(1, 7, 2000)
    assert (demo_deciles(log_pce=score, persons=persons)
            == deciles_rank(score=score, persons=persons)).all()


def test_each_decile_holds_about_a_tenth_of_persons():
    rng = np.random.default_rng(5)
    persons = rng.integers(1, 8, 20000)
    got = deciles_rank(score=rng.normal(size=20000), persons=persons)
    shares = np.bincount(got, weights=persons, minlength=11)[1:] / persons.sum()
    assert np.allclose(shares, 0.1, atol=0.002)


def test_empty_and_bad_input():
    assert deciles_rank(score=np.array([]), persons=np.array([], dtype=int)).tolist() == []
    with pytest.raises(ValueError, match="same length"):
        deciles_rank(score=np.array([1.0]), persons=np.array([1, 2]))
    with pytest.raises(ValueError, match="negative"):
        deciles_rank(score=np.array([1.0]), persons=np.array([-1]))
