"""Named random streams and small vectorised drawing helpers.

Each generation step draws from its own stream, derived from (seed, step name), so that a change
in one step does not shift the random numbers of every later step: outputs stay comparable
across versions and the whole run stays byte-for-byte deterministic for a given seed.
"""

from __future__ import annotations

import zlib

import numpy as np


def stream(seed: int, name: str) -> np.random.Generator:
    """The random generator of one named step (PCG64 seeded by seed and the step's name)."""
    entropy = [seed & 0xFFFFFFFFFFFFFFFF, zlib.crc32(name.encode("utf-8"))]
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(entropy)))


def pick(rng: np.random.Generator, pool: np.ndarray, n: int) -> np.ndarray:
    """n uniform draws (with replacement) from a pool."""
    return pool[rng.integers(0, len(pool), size=n)]


def pick_mixed(rng: np.random.Generator, n: int, *weighted: tuple[np.ndarray, float]) -> np.ndarray:
    """n draws, each first choosing a pool by weight, then a value uniformly in that pool."""
    weights = np.array([w for _, w in weighted], dtype=float)
    which = rng.choice(len(weighted), size=n, p=weights / weights.sum())
    out = np.empty(n, dtype=object)
    for k, (pool, _) in enumerate(weighted):
        at = which == k
        out[at] = pick(rng, pool, int(at.sum()))
    return out


def present(rng: np.random.Generator, values: np.ndarray, p: float | np.ndarray) -> np.ndarray:
    """`values` kept with probability p each, None elsewhere (an optional name part)."""
    keep = rng.random(len(values)) < p
    return np.where(keep, values, None)


def categorical(rng: np.random.Generator, weights: np.ndarray) -> np.ndarray:
    """One category index per row of an (n, k) matrix of non-negative weights."""
    cum = np.cumsum(weights, axis=1)
    u = rng.random(len(weights)) * cum[:, -1]
    return (cum < u[:, None]).sum(axis=1)


def group_rank(keys: np.ndarray) -> np.ndarray:
    """0-based rank of each row within its group of equal keys, in row order (stable)."""
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    starts = np.r_[0, np.flatnonzero(sorted_keys[1:] != sorted_keys[:-1]) + 1]
    lengths = np.diff(np.r_[starts, len(keys)])
    rank_sorted = np.arange(len(keys)) - np.repeat(starts, lengths)
    rank = np.empty(len(keys), dtype=np.int64)
    rank[order] = rank_sorted
    return rank
