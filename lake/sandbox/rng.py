"""Hash-based randomness: every number in the sandbox world is a pure function of its key.

`unit(seed, "streams", isrc, day)` is the same float on every run, on every machine, whatever
else was computed before: no shared `random.Random` stream whose state depends on call order.
That is what keeps a past day's value fixed when the world's `today` moves forward.
"""

from __future__ import annotations

import hashlib
import random

_SCALE = float(1 << 53)


def _digest(seed: int, key: tuple[object, ...]) -> bytes:
    # str() of a date is its ISO form: keys are stable text across runs and machines
    text = "\x1f".join(map(str, (seed, *key)))
    return hashlib.blake2b(text.encode(), digest_size=32).digest()


def units(seed: int, *key: object) -> tuple[float, float, float, float]:
    """Four independent uniform floats in [0, 1) for `key` (one hash)."""
    raw = _digest(seed, key)
    return tuple(  # type: ignore[return-value]
        (int.from_bytes(raw[i : i + 8], "big") >> 11) / _SCALE for i in range(0, 32, 8)
    )


def unit(seed: int, *key: object) -> float:
    """One uniform float in [0, 1) for `key`."""
    return units(seed, *key)[0]


def rng(seed: int, *key: object) -> random.Random:
    """A `random.Random` seeded from `key`: for building the catalogue (lists, choices)."""
    return random.Random(int.from_bytes(_digest(seed, key), "big"))


def between(u: float, low: float, high: float) -> float:
    """Map a uniform `u` onto [low, high)."""
    return low + (high - low) * u
