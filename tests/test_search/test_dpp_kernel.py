import itertools
import math

import numpy as np
import pytest

from neas_mm.search import (EnsembleSample, dpp_kernel,
                            gather_layer_statistics, log_det_scores,
                            nearest_psd, quality_vector, similarity_matrix)
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


def test_similarity_quality_kernel_and_scores_by_hand():
    beta = 0.1
    stats = gather_layer_statistics(hand_example(), OPS, beta)[0]
    sim = similarity_matrix(stats, jitter=0.0)
    e1, e2 = math.exp(-1), math.exp(-2)
    fill = (e1 + e2) / 2  # b and c were never paired: mean off-diagonal
    expected = np.array([[1, e1, e2], [e1, 1, fill], [e2, fill, 1]])
    np.testing.assert_allclose(sim, expected, atol=1e-12)
    r = quality_vector(stats, gamma=2.0)
    np.testing.assert_allclose(r, [1.6, 1.2, 0.8])
    kernel = dpp_kernel(sim, r)
    np.testing.assert_allclose(kernel, np.outer(r, r) * expected)
    scores = log_det_scores(kernel, stats.index, [(A, B), (B, A), (B, C)])
    ab = 1.6**2 * 1.2**2 * (1 - e1**2)
    assert scores[(A, B)] == pytest.approx(math.log(ab))
    assert scores[(B, A)] == scores[(A, B)]
    bc = 1.2**2 * 0.8**2 * (1 - fill**2)
    assert scores[(B, C)] == pytest.approx(math.log(bc))


def test_shared_layer_pairs_feed_the_diagonal():
    # Both paths use A at a shared layer: S_AA averages p = q (1) and
    # p != q (exp(-beta d)).
    arch = EnsembleArch(split=1, shared=[A], paths=[[], []],
                        stage_depths=(1, ))
    sample = EnsembleSample(arch, [[0, 10], [10, 0]], [0.5, 0.5])
    stats = gather_layer_statistics([sample], OPS, 0.1)[0]
    sim = similarity_matrix(stats, jitter=0.0)
    assert sim[0, 0] == pytest.approx((2 + 2 * math.exp(-1)) / 4)


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
    kernel = dpp_kernel(sim, quality_vector(stats))
    scores = log_det_scores(kernel, stats.index,
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
    r = rng.uniform(0.1, 1.0, n)
    index = {str(i): i for i in range(n)}
    kernel = dpp_kernel(sim, r)
    checked = 0
    for i, i2, j in itertools.permutations(range(n), 3):
        if sim[i, j] < sim[i2, j] and r[i] > r[i2]:
            s = log_det_scores(kernel, index, [(str(i), str(j)),
                                               (str(i2), str(j))])
            assert s[(str(i), str(j))] > s[(str(i2), str(j))]
            checked += 1
    assert checked > 0
