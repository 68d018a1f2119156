"""DiversityKPathSampler: EnNAS sequential sampling in the NEAS space."""
import collections

import numpy as np
import pytest

from neas_mm.models import DiversityKPathSampler
from neas_mm.search import combo_probabilities
from neas_mm.space import SearchSpace

OPS = ['k3_e4', 'k5_e4', 'k7_e4']
ZETA = np.array([[0.0, 0.1, 0.9],
                 [0.1, 0.0, 0.5],
                 [0.9, 0.5, 0.0]])


def small_space():
    """Layer 1 splits always (split range 1..1), three operators."""
    space = SearchSpace(2, (1, 1), (1, 1), ops=OPS)
    return space


def test_draws_follow_the_table():
    space = small_space()
    sampler = DiversityKPathSampler(seed=0)
    sampler.set_diversity({1: (OPS, ZETA)})
    draws = collections.Counter(
        sampler.sample(space, i).layer_ops(1) for i in range(6000))
    expected = combo_probabilities(ZETA, OPS, space.combos[1])
    for combo, p in expected.items():
        assert draws[combo] / 6000 == pytest.approx(p, abs=0.02), combo
    # The most diverse pair is drawn far more often than the least.
    assert draws[('k3_e4', 'k7_e4')] > 3 * draws[('k3_e4', 'k5_e4')]


def test_without_a_table_the_layer_is_uniform():
    space = small_space()
    draws = collections.Counter(
        DiversityKPathSampler(seed=0).sample(space, i).layer_ops(1)
        for i in range(6000))
    assert len(draws) == 6 and all(
        abs(n / 6000 - 1 / 6) < 0.02 for n in draws.values())


def test_shrunk_layers_draw_only_survivors():
    space = small_space()
    space.remove(1, ('k3_e4', 'k7_e4'))
    sampler = DiversityKPathSampler(seed=0)
    sampler.set_diversity({1: (OPS, ZETA)})
    assert all(space.contains(sampler.sample(space, i)) for i in range(300))


def test_state_round_trip_continues_the_same_draws():
    space = small_space()
    a = DiversityKPathSampler(seed=3)
    a.set_diversity({1: (OPS, ZETA)})
    b = DiversityKPathSampler(seed=3)
    b.load_state_dict(a.state_dict())
    assert [a.sample(space, i) for i in range(50, 80)] == \
        [b.sample(space, i) for i in range(50, 80)]
