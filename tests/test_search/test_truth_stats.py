import random

import pytest

from neas_mm.search import (ceiling_tau, mean_reliability, noise_and_spread,
                            resolvable_tau_difference, seed_tau,
                            single_seed_reliability)


def table(noise, archs=40, seeds=3, seed=0):
    rng = random.Random(seed)
    true = [0.5 + 0.01 * a for a in range(archs)]  # 0.4 span
    return [[t + rng.gauss(0, noise) for _ in range(seeds)] for t in true]


def test_reliability_falls_with_seed_noise():
    assert single_seed_reliability(table(1e-6)) == pytest.approx(1, abs=1e-6)
    quiet, noisy = table(0.01), table(0.2)
    assert single_seed_reliability(quiet) > 0.95
    assert single_seed_reliability(noisy) < 0.5
    assert mean_reliability(0.5, 3) == pytest.approx(0.75)
    assert mean_reliability(0.9, 1) == pytest.approx(0.9)


def test_seed_tau_and_its_interval():
    tau, (lo, hi) = seed_tau(table(0.01))
    assert tau > 0.8 and lo <= tau <= hi
    noisy_tau, (noisy_lo, _) = seed_tau(table(0.5))
    assert noisy_tau < 0.4 and noisy_lo < 0.2


def test_spread_and_noise_are_separated():
    spread = noise_and_spread(table(0.02, seeds=8))
    assert spread['seed_std'] == pytest.approx(0.02, rel=0.2)
    assert spread['span'] == pytest.approx(0.39, abs=0.05)
    assert spread['best'] == pytest.approx(0.89, abs=0.05)
    # 40 levels 0.01 apart: the true std is that of range(40) x 0.01.
    assert spread['true_std'] == pytest.approx(0.1169, rel=0.1)
    with pytest.raises(ValueError, match='>= 3 architectures'):
        noise_and_spread([[0.1, 0.2]])


def test_ceiling_tau_tracks_the_truths_noise():
    assert ceiling_tau(table(0.001)) > 0.95
    assert ceiling_tau(table(0.05)) < ceiling_tau(table(0.01))
    # More seeds in the truth's mean lift the ceiling.
    noisy = table(0.05, seeds=3)
    assert ceiling_tau(noisy, truth_seeds=12) > ceiling_tau(noisy)
    # Pure noise: nothing to rank.
    rng = random.Random(0)
    assert ceiling_tau([[0.5 + rng.gauss(0, 0.1) for _ in range(3)]
                        for _ in range(30)]) < 0.2


def test_resolvable_difference_shrinks_with_more_archs():
    def proxy(archs):
        rng = random.Random(1)
        truth = [a / archs for a in range(archs)]
        return [t + rng.gauss(0, 0.3) for t in truth], truth
    small = resolvable_tau_difference(*proxy(16))
    large = resolvable_tau_difference(*proxy(200))
    assert 0 < large < small < 1
    with pytest.raises(ValueError, match='>= 3 paired values'):
        resolvable_tau_difference([1, 2], [1, 2])


def test_resolvable_at_each_tau_level_shrinks_with_more_archs():
    from neas_mm.search import resolvable_at
    few = resolvable_at([i / 16 for i in range(16)], taus=(0.3, 0.7))
    many = resolvable_at([i / 96 for i in range(96)], taus=(0.3, 0.7))
    assert set(few) == {'0.3', '0.7'}
    for key in few:
        assert 0 < many[key] < few[key] < 1
    # A better proxy has a tighter tau, so smaller differences resolve.
    assert many['0.7'] < many['0.3']
