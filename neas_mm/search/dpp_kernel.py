"""The NEAS diversity score (paper Eq. 4-8) from gathered layer statistics.

For layer m with operators O_1..O_N:

* ``S[i, j]`` (Eq. 5-6) is the mean of exp(-beta * d(p, q)) over the sampled
  (ensemble, path p, path q) with path p using O_i and path q using O_j at m,
  where d is the mean L2 distance of the two paths' pooled features; the
  diagonal includes p = q (distance 0);
* ``r[i]`` (Eq. 7) is gamma times the mean accuracy of the sampled paths
  that use O_i at m;
* ``L = diag(r) S diag(r)`` (Eq. 4) and ``Score(h) = det(L_h)`` (Eq. 8), the
  determinant of the principal submatrix of the combination's operators.

Numerical rules: S is symmetrised; a pair never observed together takes the
mean of the layer's observed off-diagonal similarities (no evidence either
way), an unobserved diagonal entry takes 1 (a path's similarity to itself);
S is projected onto the positive semi-definite cone (negative eigenvalues
clipped) and ``jitter`` is added to its diagonal, so every sub-kernel is
positive definite; r is floored at ``min_quality`` and unobserved operators
take the layer's mean quality. Scores are returned as log-determinants,
which are finite and order combinations exactly as det does.
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
    """Estimated S of one layer: symmetric, filled, PSD plus jitter."""
    count = stats.pair_count + stats.pair_count.T
    total = stats.sim_sum + stats.sim_sum.T
    observed = count > 0
    sim = np.where(observed, total / np.maximum(count, 1), np.nan)
    off = observed & ~np.eye(len(sim), dtype=bool)
    fill = sim[off].mean() if off.any() else 0.0
    sim = np.where(np.isnan(sim), fill, sim)
    diag_unseen = ~observed.diagonal()
    sim[diag_unseen, diag_unseen] = 1.0
    return nearest_psd(sim) + jitter * np.eye(len(sim))


def quality_vector(stats: LayerStatistics, gamma: float = 1.0,
                   min_quality: float = 1e-3) -> np.ndarray:
    """Estimated r of one layer (Eq. 7), floored at ``min_quality``."""
    seen = stats.acc_count > 0
    acc = np.where(seen, stats.acc_sum / np.maximum(stats.acc_count, 1),
                   np.nan)
    fill = acc[seen].mean() if seen.any() else 1.0
    acc = np.where(seen, acc, fill)
    return np.maximum(gamma * acc, min_quality)


def dpp_kernel(similarity: np.ndarray, quality: np.ndarray) -> np.ndarray:
    """L = diag(r) S diag(r) (Eq. 4)."""
    return quality[:, None] * similarity * quality[None, :]


def log_det_scores(kernel: np.ndarray, index: Dict[str, int],
                   combos: Sequence[Tuple[str, ...]]
                   ) -> Dict[Tuple[str, ...], float]:
    """log det of the principal submatrix of each combination (Eq. 8)."""
    scores = {}
    for combo in combos:
        idx = [index[op] for op in combo]
        sign, logdet = np.linalg.slogdet(kernel[np.ix_(idx, idx)])
        scores[combo] = float(logdet) if sign > 0 else float('-inf')
    return scores
