"""FairKPathSampler: FairNAS-style decks in the NEAS space."""
import collections

from neas_mm.models import FairKPathSampler, KPathSampler
from neas_mm.registry import TASK_UTILS
from neas_mm.space import SearchSpace

OPS = ['k3_e4', 'k5_e4', 'k7_e4']


def test_every_combination_once_per_round():
    # Layer 1 always splits: 6 ordered pairs of distinct operators, so
    # each round of 6 draws holds each exactly once.
    space = SearchSpace(2, (1, 1), (1, 1), ops=OPS)
    sampler = FairKPathSampler(seed=3)
    n = len(space.combos[1])
    draws = [sampler.sample(space, i).layer_ops(1) for i in range(4 * n)]
    for r in range(4):
        assert sorted(draws[r * n:(r + 1) * n]) == sorted(space.combos[1])
    # Rounds are shuffled differently.
    assert draws[:n] != draws[n:2 * n]


def test_fairer_than_uniform_with_random_split_points():
    space = SearchSpace(2, (2, 2, 2), (2, 6), ops=OPS)

    def imbalance(sampler) -> int:
        counts = collections.Counter()
        for i in range(600):
            arch = sampler.sample(space, i)
            for m in range(arch.split, space.num_layers):
                counts[(m, arch.layer_ops(m))] += 1
        spread = []
        for m in range(2, space.num_layers):
            layer = [counts[(m, c)] for c in space.combos[m]]
            spread.append(max(layer) - min(layer))
        return max(spread)

    assert imbalance(FairKPathSampler(seed=0)) <= 1
    assert imbalance(KPathSampler(seed=0)) > 3


def test_shared_operators_dealt_fairly():
    # Layers before the (random) split point are shared: their operator
    # comes from the shared deck, which must stay balanced too.
    space = SearchSpace(2, (2, 2, 2), (2, 6), ops=OPS)
    sampler = FairKPathSampler(seed=0)
    counts = collections.Counter()
    for i in range(600):
        arch = sampler.sample(space, i)
        for m in range(arch.split):
            counts[(m, arch.layer_ops(m)[0])] += 1
    for m in range(6):
        layer = [counts[(m, op)] for op in space.shared_ops(m)]
        assert sum(layer) > 0 and max(layer) - min(layer) <= 1, (m, layer)



def test_draw_depends_only_on_seed_and_index():
    space = SearchSpace(2, (2, 2, 2), (2, 6), ops=OPS)
    ordered = FairKPathSampler(seed=1)
    forward = [ordered.sample(space, i) for i in range(50)]
    # A fresh sampler (a resume) asked for step 37 alone, and the first
    # one asked backwards, give the same draws.
    assert FairKPathSampler(seed=1).sample(space, 37) == forward[37]
    assert [ordered.sample(space, i) for i in reversed(range(50))] == \
        forward[::-1]
    assert FairKPathSampler(seed=2).sample(space, 37) != forward[37] or \
        FairKPathSampler(seed=2).sample(space, 38) != forward[38]


def test_survives_a_shrink_and_draws_only_survivors():
    space = SearchSpace(2, (1, 1), (1, 1), ops=OPS)
    sampler = FairKPathSampler(seed=0)
    for i in range(5):
        sampler.sample(space, i)
    dropped = space.combos[1][0]
    space.remove(1, dropped)
    draws = {sampler.sample(space, i).layer_ops(1) for i in range(5, 40)}
    assert dropped not in draws
    assert draws == set(space.combos[1])


def test_registered():
    sampler = TASK_UTILS.build(dict(type='neas_mm.FairKPathSampler',
                                    seed=4))
    assert isinstance(sampler, FairKPathSampler) and sampler.seed == 4
