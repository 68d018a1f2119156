import pytest

from neas_mm.search import (bootstrap_interval, kendall_tau, rank_agreement,
                            rank_agreement_over_seeds,
                            spearman_rho, top_k_overlap)


def test_kendall_tau_by_hand():
    assert kendall_tau([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1)
    assert kendall_tau([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1)
    # One discordant pair of six: (6 - 2 * 1) / 6.
    assert kendall_tau([1, 2, 3, 4], [1, 2, 4, 3]) == pytest.approx(4 / 6)
    # A constant scoring has no ranking: 0, not NaN.
    assert kendall_tau([1, 2, 3], [5, 5, 5]) == 0.0


def test_spearman_rho_by_hand():
    # d = (0, 0, 1, -1): 1 - 6 * 2 / (4 * 15).
    assert spearman_rho([1, 2, 3, 4], [1, 2, 4, 3]) == pytest.approx(0.8)


def test_top_k_overlap():
    a = [0.9, 0.8, 0.1, 0.2]
    assert top_k_overlap(a, [1, 2, 3, 4], 2) == 0.0
    assert top_k_overlap(a, [4, 3, 1, 2], 2) == 1.0
    assert top_k_overlap(a, [4, 1, 3, 2], 2) == 0.5
    with pytest.raises(ValueError, match='k must be in'):
        top_k_overlap(a, a, 5)


def test_bootstrap_interval_is_deterministic_and_covers_the_mean():
    data = [0.1, 0.5, 0.3, 0.9, 0.7, 0.2, 0.4, 0.8]

    def mean(idx):
        return sum(data[i] for i in idx) / len(idx)

    lo, hi = bootstrap_interval(mean, len(data), rounds=500)
    assert lo < sum(data) / len(data) < hi
    assert hi - lo < 0.5
    assert (lo, hi) == bootstrap_interval(mean, len(data), rounds=500)
    with pytest.raises(ValueError, match='level'):
        bootstrap_interval(mean, len(data), level=1.5)


def test_rank_agreement_has_intervals_around_tau():
    a = list(range(12))
    b = [0, 2, 1, 3, 5, 4, 6, 8, 7, 9, 11, 10]
    out = rank_agreement(a, b, k=3, rounds=300)
    lo, hi = out['kendall_tau_ci95']
    assert lo <= out['kendall_tau'] <= hi
    assert 0.6 < out['kendall_tau'] < 1
    assert out['top_k'] == 3
    with pytest.raises(ValueError, match='same'):
        rank_agreement([1, 2], [1, 2, 3])


def test_agreement_over_seeds_averages_the_scorings():
    truth = list(range(10))
    good, reversed_ = list(range(10)), list(range(10))[::-1]
    out = rank_agreement_over_seeds([good, reversed_], truth, k=3,
                                    rounds=200)
    assert out['kendall_tau_per_seed'] == pytest.approx([1.0, -1.0])
    assert out['kendall_tau'] == pytest.approx(0.0, abs=1e-9)
    assert out['spearman_rho'] == pytest.approx(0.0, abs=1e-9)
    assert out['top_k_overlap'] == 0.5
    # Every resample keeps the two seeds opposite: the mean stays 0.
    assert out['kendall_tau_ci95'] == pytest.approx([0.0, 0.0], abs=1e-9)
    single = rank_agreement_over_seeds([good], truth, k=3, rounds=200)
    assert single['kendall_tau'] == pytest.approx(1.0)
    with pytest.raises(ValueError, match='same'):
        rank_agreement_over_seeds([good, [1, 2]], truth)


def test_paired_tau_difference():
    import random

    from neas_mm.search import paired_tau_difference
    rng = random.Random(0)
    truth = [rng.random() for _ in range(80)]
    # a: truth plus noise; b: the same noise plus as much again. They
    # share the first noise, so pairing resolves their difference where
    # two separate intervals overlap.
    shared = [rng.gauss(0, 0.2) for _ in truth]
    a = [t + e for t, e in zip(truth, shared)]
    b = [t + e + rng.gauss(0, 0.2) for t, e in zip(truth, shared)]
    out = paired_tau_difference([a], [b], truth)
    assert out['difference'] == pytest.approx(
        kendall_tau(a, truth) - kendall_tau(b, truth))
    low, high = out['difference_ci95']
    assert 0 < low <= out['difference'] <= high and out['resolved']
    separate = rank_agreement(a, truth)['kendall_tau_ci95'][0], \
        rank_agreement(b, truth)['kendall_tau_ci95'][1]
    assert separate[0] < separate[1]  # unpaired intervals overlap
    # A method against itself: difference 0, not resolved.
    same = paired_tau_difference([a, b], [a, b], truth, same_runs=True)
    assert same['difference'] == 0 and same['difference_ci95'] == (0, 0)
    assert not same['resolved']
    with pytest.raises(ValueError, match='same >= 3 items'):
        paired_tau_difference([a[:5]], [b], truth)
    with pytest.raises(ValueError, match='as many runs'):
        paired_tau_difference([a], [a, b], truth, same_runs=True)


def test_paired_tau_difference_counts_run_spread():
    import random

    from neas_mm.search import paired_tau_difference
    rng = random.Random(1)
    truth = [rng.random() for _ in range(30)]
    # Method a's two runs disagree wildly; b's run is the truth's middle.
    good = [t + rng.gauss(0, 0.05) for t in truth]
    bad = [rng.random() for _ in truth]
    mid = [t + rng.gauss(0, 0.3) for t in truth]
    spread = paired_tau_difference([good, bad], [mid], truth)
    steady = paired_tau_difference([good, good], [mid], truth)
    width = spread['difference_ci95'][1] - spread['difference_ci95'][0]
    assert width > steady['difference_ci95'][1] - \
        steady['difference_ci95'][0] + 0.2
