"""The NEAS diversity score (paper Eq. 4-8) from gathered layer statistics.

For layer m with operators O_1..O_N, gathered from the samples in which m is
after the split:

* ``S[i, j]`` (Eq. 5-6), i != j, is the mean of exp(-beta * d(p, q)) over
  the sampled (ensemble, path p, path q != p) with path p using O_i and path
  q using O_j at m, where d is the mean L2 distance between the two paths'
  outputs in a space they share (class probabilities); ``S[i, i] = 1``, a
  path's similarity to itself;
* ``r[p, i]`` (Eq. 7) is the mean accuracy of path p when it uses O_i at m,
  raised to the power gamma. Path positions are kept apart because each
  path owns its tail, so (a, b) and (b, a) are different ensembles;
* for a combination h = (h_1..h_K), ``L_h = diag(r_h) S_h diag(r_h)`` with
  ``r_h[p] = r[p, h_p]`` and ``S_h`` the rows and columns of h's operators
  (Eq. 4), and ``Score(h) = det(L_h)`` (Eq. 8).

Why r is raised to gamma: the paper multiplies the accuracy by gamma, but
``det(diag(g r) S diag(g r)) = g^(2K) det(diag(r) S diag(r))`` for every h
alike, so a factor can never change which combination ranks lower. With the
power, ``log Score(h) = 2 gamma sum_p log r_h[p] + log det S_h``: gamma = 1
ranks exactly as the paper's kernel, gamma -> 0 by diversity alone, larger
gamma leans on accuracy.

Numerical rules: a pair never observed together takes the mean of the
layer's observed pairs (no evidence either way; 0 when none); S is projected
onto the positive semi-definite cone and ``jitter`` is added to its
diagonal, so every sub-kernel is positive definite. An accuracy never
observed at a path position takes the operator's mean over positions, then
the layer's mean; accuracies are floored at ``min_quality``. Scores are
log-determinants, which are finite and order combinations as det does.
"""
from typing import Dict, Sequence, Tuple

import numpy as np

from .shrink_stats import LayerStatistics


def nearest_psd(matrix: np.ndarray) -> np.ndarray:
    """The symmetric positive semi-definite matrix nearest in Frobenius
    norm (eigenvalues clipped at 0)."""
    sym = (matrix + matrix.T) / 2
    values, vectors = np.linalg.eigh(sym)
    return (vectors * np.clip(values, 0, None)) @ vectors.T


def similarity_matrix(stats: LayerStatistics,
                      jitter: float = 1e-6) -> np.ndarray:
    """Estimated S of one layer: unit diagonal, symmetric, filled, PSD plus
    jitter."""
    count = stats.pair_count + stats.pair_count.T
    total = stats.sim_sum + stats.sim_sum.T
    observed = count > 0
    sim = np.where(observed, total / np.maximum(count, 1), np.nan)
    fill = sim[observed].mean() if observed.any() else 0.0
    sim = np.where(np.isnan(sim), fill, sim)
    np.fill_diagonal(sim, 1.0)
    return nearest_psd(sim) + jitter * np.eye(len(sim))


def quality_vector(stats: LayerStatistics,
                   min_quality: float = 0.0) -> np.ndarray:
    """(N,) mean accuracy of the paths using each operator, whatever their
    position; unobserved operators take the layer's mean."""
    total, count = stats.acc_sum.sum(0), stats.acc_count.sum(0)
    seen = count > 0
    acc = np.where(seen, total / np.maximum(count, 1), np.nan)
    fill = acc[seen].mean() if seen.any() else 1.0
    return np.maximum(np.where(seen, acc, fill), min_quality)


def quality_matrix(stats: LayerStatistics, gamma: float = 1.0,
                   min_quality: float = 1e-3) -> np.ndarray:
    """(K, N) r of Eq. 7 per path position: the mean accuracy of path p
    using operator i, floored at ``min_quality``, to the power gamma."""
    seen = stats.acc_count > 0
    acc = np.where(seen, stats.acc_sum / np.maximum(stats.acc_count, 1),
                   np.nan)
    acc = np.where(seen, acc, quality_vector(stats)[None, :])
    return np.maximum(acc, min_quality)**gamma


def dpp_kernel(similarity: np.ndarray, quality: np.ndarray) -> np.ndarray:
    """L = diag(r) S diag(r) (Eq. 4) for one quality vector r."""
    return quality[:, None] * similarity * quality[None, :]


def log_det_scores(similarity: np.ndarray, quality: np.ndarray,
                   index: Dict[str, int],
                   combos: Sequence[Tuple[str, ...]]
                   ) -> Dict[Tuple[str, ...], float]:
    """log det L_h of each combination (Eq. 8), with ``quality`` the (K, N)
    per-position r: path p of h contributes ``quality[p, h_p]``."""
    scores = {}
    for combo in combos:
        idx = [index[op] for op in combo]
        r = quality[np.arange(len(idx)), idx]
        kernel = dpp_kernel(similarity[np.ix_(idx, idx)], r)
        sign, logdet = np.linalg.slogdet(kernel)
        scores[combo] = float(logdet) if sign > 0 else float('-inf')
    return scores
