"""Evolution over decision vectors (any :class:`DecisionSpace`): uniform
crossover and per-decision mutation, as pure functions of a
``random.Random``."""
import random
from typing import List, Sequence


def crossover_decisions(a: Sequence[int], b: Sequence[int],
                        rng: random.Random) -> List[int]:
    """Each decision from either parent with probability 1/2."""
    if len(a) != len(b):
        raise ValueError(f'parents of {len(a)} and {len(b)} decisions')
    return [x if rng.random() < 0.5 else y for x, y in zip(a, b)]


def mutate_decisions(decisions: Sequence[int], sizes: Sequence[int],
                     rng: random.Random, prob: float = 0.1) -> List[int]:
    """Each decision redrawn among its other values with probability
    ``prob``; at least one (of those with a choice) always is."""
    if not 0.0 <= prob <= 1.0:
        raise ValueError(f'prob must be in [0, 1], got {prob!r}')
    out = list(decisions)
    free = [t for t, n in enumerate(sizes) if n > 1]
    if not free:
        return out
    chosen = [t for t in free if rng.random() < prob] or [rng.choice(free)]
    for t in chosen:
        value = rng.randrange(sizes[t] - 1)
        out[t] = value + (value >= out[t])
    return out
