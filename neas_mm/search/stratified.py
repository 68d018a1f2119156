"""Architectures drawn from a space, stratified over FLOPs."""
import random
from typing import Callable, List

from neas_mm.space import EnsembleArch, SearchSpace


def stratified_by_flops(space: SearchSpace, flops: Callable[[EnsembleArch],
                                                            float],
                        num: int, seed: int = 0,
                        pool_size: int = 2000) -> List[EnsembleArch]:
    """``num`` distinct architectures, one from each FLOPs quantile bin.

    ``pool_size`` architectures are drawn uniformly from ``space`` (seeded),
    sorted by ``flops`` and cut into ``num`` bins of equal count; one
    architecture is drawn from each bin. The result is sorted by FLOPs and
    is a function of (space, num, seed, pool_size) only.

    Args:
        space: The space to draw from.
        flops: Cost of an architecture (e.g. ``FlopsTable.macs``).
        num: Number of architectures (>= 1, <= the distinct pool size).
        seed: Seed of the draws.
        pool_size: Uniform draws the bins are cut from.
    """
    if num < 1:
        raise ValueError(f'num must be >= 1, got {num!r}')
    rng = random.Random(seed)
    pool = {}
    for _ in range(pool_size):
        arch = space.sample(rng)
        pool[str(arch.to_arch_list())] = arch
    if len(pool) < num:
        raise ValueError(f'the space gave {len(pool)} distinct '
                         f'architectures in {pool_size} draws, fewer than '
                         f'num={num}')
    ranked = sorted(pool.values(), key=lambda a: (flops(a),
                                                  a.to_arch_list()))
    picks = []
    for b in range(num):
        lo = b * len(ranked) // num
        hi = (b + 1) * len(ranked) // num
        picks.append(ranked[rng.randrange(lo, hi)])
    return picks
