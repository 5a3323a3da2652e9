"""Counter-based random streams for the synthetic generator: every value about a local day comes from (seed, stream,
date ordinal) alone, so any sub-range of days regenerates identically (see generate.py)."""

from __future__ import annotations

import numpy as np


def _splitmix64(x: np.ndarray) -> np.ndarray:
    z = x + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def _hash_uniform(seed: int, stream: int, ordinals: np.ndarray) -> np.ndarray:
    """Uniform (0, 1) per ordinal, a pure function of (seed, stream, ordinal)."""
    with np.errstate(over="ignore"):
        key = _splitmix64(
            np.array([seed & (2**64 - 1)], dtype=np.uint64)
            ^ np.uint64((stream * 0x632BE59BD9B4E019) & (2**64 - 1))
        )
        h = _splitmix64(np.atleast_1d(ordinals).astype(np.uint64) ^ key)
        h = _splitmix64(h + key)
    return ((h >> np.uint64(11)).astype(np.float64) + 0.5) / float(2**53)


def _hash_normal(seed: int, stream: int, ordinals: np.ndarray) -> np.ndarray:
    u1 = _hash_uniform(seed, stream, ordinals)
    u2 = _hash_uniform(seed, stream + 1000, ordinals)
    return np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)


def _rng(seed: int, ordinal: int, stream: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([seed & (2**63 - 1), ordinal, stream]))


_MASK64 = 2**64 - 1


def _splitmix64_int(z: int) -> int:
    z = (z + 0x9E3779B97F4A7C15) & _MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
    return z ^ (z >> 31)


def _hash_u1(seed: int, stream: int, ordinal: int) -> float:
    """`_hash_uniform` for one ordinal, in plain integers (the same value, several times faster for a scalar)."""
    key = _splitmix64_int((seed & _MASK64) ^ ((stream * 0x632BE59BD9B4E019) & _MASK64))
    h = _splitmix64_int((ordinal & _MASK64) ^ key)
    h = _splitmix64_int((h + key) & _MASK64)
    return ((h >> 11) + 0.5) / float(2**53)
