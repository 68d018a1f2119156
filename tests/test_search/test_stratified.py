import random

import pytest

from neas_mm.search import stratified_by_flops
from neas_mm.space import SearchSpace


def cost(arch):
    """A FLOPs stand-in: count of non-skip operators, path layers twice."""
    return (sum(op != 'skip' for op in arch.shared) +
            2 * sum(op != 'skip' for path in arch.paths for op in path) +
            0.01 * arch.split)


def test_one_pick_per_flops_quantile_bin():
    space = SearchSpace(num_paths=2, stage_depths=(2, 2, 2, 2, 2),
                        split_range=(4, 10))
    picks = stratified_by_flops(space, cost, 8, seed=3, pool_size=400)
    assert len({str(a.to_arch_list()) for a in picks}) == 8
    # The same pool, sorted: pick b must lie in quantile bin b.
    rng = random.Random(3)
    pool = {str(a.to_arch_list()): a
            for a in (space.sample(rng) for _ in range(400))}
    ranked = sorted(pool.values(), key=lambda a: (cost(a),
                                                  a.to_arch_list()))
    for b, arch in enumerate(picks):
        lo, hi = b * len(ranked) // 8, (b + 1) * len(ranked) // 8
        assert cost(ranked[lo]) <= cost(arch) <= cost(ranked[hi - 1])
    assert [cost(a) for a in picks] == sorted(cost(a) for a in picks)
    again = stratified_by_flops(space, cost, 8, seed=3, pool_size=400)
    assert [a.to_arch_list() for a in again] == \
        [a.to_arch_list() for a in picks]


def test_too_many_picks_is_an_error():
    space = SearchSpace(num_paths=1, stage_depths=(1, ), split_range=(1, 1),
                        ops=('k3_e4', 'k5_e4'))
    with pytest.raises(ValueError, match='fewer than num=5'):
        stratified_by_flops(space, cost, 5, pool_size=50)
    with pytest.raises(ValueError, match='num must be >= 1'):
        stratified_by_flops(space, cost, 0)
