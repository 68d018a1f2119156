from typing import Dict, Sequence, Tuple

from neas_mm.registry import TASK_UTILS
from neas_mm.space import SearchSpace
from ..dpp_kernel import (dpp_kernel, log_det_scores, quality_vector,
                          similarity_matrix)
from ..shrink_stats import EnsembleSample, gather_layer_statistics

ComboKey = Tuple[int, Tuple[str, ...]]


@TASK_UTILS.register_module()
class DiversityMetric:
    """NEAS's diversity score (Eq. 4-8): log det of the DPP sub-kernel of
    each combination, from sampled ensembles.

    Args:
        beta: Scale of feature distances in exp(-beta * d) (paper: 1e-3).
        gamma: Weight of the accuracy quality term r (Eq. 7).
        jitter: Added to the diagonal of S to keep it positive definite.
        min_quality: Floor of r, so a 0 % accuracy path gives a finite score.
    """
    name = 'diversity'

    def __init__(self, beta: float = 1e-3, gamma: float = 1.0,
                 jitter: float = 1e-6, min_quality: float = 1e-3) -> None:
        if beta <= 0:
            raise ValueError(f'beta must be > 0, got {beta!r}')
        if gamma <= 0:
            raise ValueError(f'gamma must be > 0, got {gamma!r}')
        self.beta, self.gamma = beta, gamma
        self.jitter, self.min_quality = jitter, min_quality

    def score(self, samples: Sequence[EnsembleSample],
              space: SearchSpace) -> Dict[ComboKey, float]:
        """Score of every surviving combination, keyed (layer, combo)."""
        stats = gather_layer_statistics(samples, space.layer_ops, self.beta)
        scores = {}
        for m, layer in enumerate(stats):
            kernel = dpp_kernel(similarity_matrix(layer, self.jitter),
                                quality_vector(layer, self.gamma,
                                               self.min_quality))
            for combo, value in log_det_scores(kernel, layer.index,
                                               space.combos[m]).items():
                scores[(m, combo)] = value
        return scores
