import itertools
import math

import numpy as np
import pytest

from neas_mm.search import (EnsembleSample, gather_layer_statistics,
                            log_det_scores, median_distance, nearest_psd,
                            quality_matrix, similarity_matrix)
from neas_mm.space import EnsembleArch

A, B, C = 'k3_e4', 'k5_e4', 'k7_e4'
OPS = [(A, B, C)]


def one_layer(paths, dist, acc):
    arch = EnsembleArch(split=0, shared=[], paths=[[p] for p in paths],
                        stage_depths=(1, ))
    return EnsembleSample(arch, dist, acc)


def hand_example():
    return [one_layer((A, B), [[0, 10], [10, 0]], [0.8, 0.6]),
            one_layer((A, C), [[0, 20], [20, 0]], [0.8, 0.4])]


def test_similarity_quality_and_scores_by_hand():
    beta = 0.1
    stats = gather_layer_statistics(hand_example(), OPS, beta)[0]
    sim = similarity_matrix(stats, jitter=0.0)
    e1, e2 = math.exp(-1), math.exp(-2)
    fill = (e1 + e2) / 2  # b and c were never paired: mean of the observed
    expected = np.array([[1, e1, e2], [e1, 1, fill], [e2, fill, 1]])
    np.testing.assert_allclose(sim, expected, atol=1e-12)
    # r per path position: A was path 0 twice (0.8); B and C were path 1.
    # Unobserved positions take the operator's mean over positions.
    r = quality_matrix(stats, gamma=1.0)
    np.testing.assert_allclose(r, [[0.8, 0.6, 0.4], [0.8, 0.6, 0.4]])
    scores = log_det_scores(sim, r, stats.index, [(A, B), (B, C)])
    assert scores[(A, B)] == pytest.approx(
        math.log(0.8**2 * 0.6**2 * (1 - e1**2)))
    assert scores[(B, C)] == pytest.approx(
        math.log(0.6**2 * 0.4**2 * (1 - fill**2)))


def test_layers_before_the_split_are_not_gathered():
    # The layer is shared (split=1): both paths use A, which says nothing
    # about A's combinations. Before, this lowered S_AA below 1, so layers
    # that are often shared scored lower whatever their operators.
    arch = EnsembleArch(split=1, shared=[A], paths=[[], []],
                        stage_depths=(1, ))
    sample = EnsembleSample(arch, [[0, 10], [10, 0]], [0.5, 0.5])
    stats = gather_layer_statistics([sample], OPS, 0.1)[0]
    assert stats.num_observed == 0
    assert stats.pair_count.sum() == 0 and stats.acc_count.sum() == 0
    np.testing.assert_allclose(similarity_matrix(stats, jitter=0.0),
                               np.eye(3))


def test_self_similarity_is_one_at_every_layer():
    samples = [one_layer(ops, [[0, d], [d, 0]], [0.5, 0.5])
               for ops, d in (((A, B), 1.0), ((B, C), 3.0), ((C, A), 9.0))]
    sim = similarity_matrix(gather_layer_statistics(samples, OPS, 0.5)[0],
                            jitter=0.0)
    np.testing.assert_allclose(np.diag(sim), 1.0)


def two_candidates():
    """(A, B): similar paths, both accurate; (A, C): diverse, C weak."""
    return [one_layer((A, B), [[0, 0.1], [0.1, 0]], [0.9, 0.9]),
            one_layer((A, C), [[0, 4], [4, 0]], [0.9, 0.5])]


def test_gamma_trades_accuracy_against_diversity():
    stats = gather_layer_statistics(two_candidates(), OPS, 1.0)[0]
    sim = similarity_matrix(stats)

    def ranking(gamma):
        s = log_det_scores(sim, quality_matrix(stats, gamma), stats.index,
                           [(A, B), (A, C)])
        return max(s, key=s.get)

    assert ranking(0.0) == (A, C)  # diversity alone
    assert ranking(1.0) == (A, C)
    assert ranking(8.0) == (A, B)  # accuracy dominates


def test_gamma_zero_ignores_accuracy():
    stats = gather_layer_statistics(two_candidates(), OPS, 1.0)[0]
    np.testing.assert_allclose(quality_matrix(stats, 0.0), 1.0)


def test_twins_differ_when_path_positions_differ():
    # Path 1 is strong with C, path 0 weak with it: (A, C) puts C on the
    # strong tail, (C, A) on the weak one.
    samples = [one_layer((A, C), [[0, 2], [2, 0]], [0.8, 0.9]),
               one_layer((C, A), [[0, 2], [2, 0]], [0.3, 0.8])]
    stats = gather_layer_statistics(samples, OPS, 1.0)[0]
    s = log_det_scores(similarity_matrix(stats), quality_matrix(stats),
                       stats.index, [(A, C), (C, A)])
    assert s[(A, C)] > s[(C, A)]


def test_median_distance_sets_the_scale():
    samples = [one_layer((A, B), [[0, d], [d, 0]], [1, 1])
               for d in (0.1, 0.2, 0.4)]
    assert median_distance(samples) == pytest.approx(0.2)
    assert median_distance([]) == 1.0


@pytest.mark.parametrize('seed', range(20))
def test_estimated_kernel_is_psd_and_never_nan(seed):
    rng = np.random.RandomState(seed)
    ops = ('k3_e4', 'k3_e6', 'k5_e4', 'k5_e6', 'k7_e4', 'k7_e6', 'skip')
    samples = []
    for _ in range(rng.randint(1, 6)):  # few samples: many unseen pairs
        paths = rng.choice(len(ops), 3, replace=False)
        firsts = rng.choice(len(ops) - 1, 3, replace=False)  # no skip
        d = rng.uniform(0, 50, (3, 3))
        d = np.triu(d, 1) + np.triu(d, 1).T
        arch = EnsembleArch(split=0, shared=[],
                            paths=[[ops[f], ops[p]]
                                   for f, p in zip(firsts, paths)],
                            stage_depths=(2, ))
        acc = rng.uniform(0, 1, 3) * (rng.rand() > 0.3)  # zeros too
        samples.append(EnsembleSample(arch, d, acc))
    stats = gather_layer_statistics(samples, [ops, ops], 0.05)[1]
    sim = similarity_matrix(stats)
    assert np.allclose(sim, sim.T)
    assert np.linalg.eigvalsh(sim).min() > 0
    scores = log_det_scores(sim, quality_matrix(stats), stats.index,
                            list(itertools.permutations(ops, 3)))
    assert all(np.isfinite(v) for v in scores.values())


def test_nearest_psd_clips_negative_eigenvalues():
    m = np.array([[1.0, 2.0], [2.0, 1.0]])  # eigenvalues 3, -1
    psd = nearest_psd(m)
    assert np.linalg.eigvalsh(psd).min() >= -1e-12
    np.testing.assert_allclose(psd, [[1.5, 1.5], [1.5, 1.5]])


@pytest.mark.parametrize('seed', range(200))
def test_paper_property_eq9(seed):
    """Swapping operator i' for i, where i is less similar to every other
    member (S_ij < S_i'j) and of higher quality (r_i > r_i'), raises the
    score (Eq. 9; unit self-similarity as for an exact kernel)."""
    rng = np.random.RandomState(seed)
    n = 7
    feats = rng.normal(size=(n, 4))
    dist = np.linalg.norm(feats[:, None] - feats[None], axis=2)
    sim = np.exp(-0.7 * dist)  # a PSD (Laplacian) kernel, unit diagonal
    r = np.tile(rng.uniform(0.1, 1.0, n), (2, 1))  # same at both positions
    index = {str(i): i for i in range(n)}
    checked = 0
    for i, i2, j in itertools.permutations(range(n), 3):
        if sim[i, j] < sim[i2, j] and r[0, i] > r[0, i2]:
            s = log_det_scores(sim, r, index, [(str(i), str(j)),
                                               (str(i2), str(j))])
            assert s[(str(i), str(j))] > s[(str(i2), str(j))]
            checked += 1
    assert checked > 0
