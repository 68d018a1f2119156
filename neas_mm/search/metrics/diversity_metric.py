from typing import Dict, Sequence, Tuple, Union

from neas_mm.registry import TASK_UTILS
from neas_mm.space import SearchSpace
from ..dpp_kernel import log_det_scores, quality_matrix, similarity_matrix
from ..shrink_stats import (EnsembleSample, gather_layer_statistics,
                            median_distance)

ComboKey = Tuple[int, Tuple[str, ...]]


@TASK_UTILS.register_module()
class DiversityMetric:
    """NEAS's diversity score (Eq. 4-8): log det of the DPP sub-kernel of
    each combination, from sampled ensembles (see ``dpp_kernel``).

    Scores are ranked within each layer (``per_layer``): a layer's kernel
    is estimated from its own observations, and determinants of different
    layers' kernels have no common scale.

    Args:
        beta: Scale of output distances in exp(-beta * d). ``'auto'``: one
            over the median distance between two paths in the samples, so
            S spreads over (0, 1) whatever the output space (the paper's
            1e-3 was set for raw feature maps, not for probabilities).
        gamma: Exponent of the accuracy quality term r (Eq. 7): 1 ranks as
            the paper's kernel, 0 by diversity alone, larger values lean
            on accuracy.
        jitter: Added to the diagonal of S to keep it positive definite.
        min_quality: Floor of r, so a 0 % accuracy path gives a finite score.
    """
    name = 'diversity'
    per_layer = True

    def __init__(self, beta: Union[float, str] = 'auto', gamma: float = 1.0,
                 jitter: float = 1e-6, min_quality: float = 1e-3) -> None:
        if beta != 'auto' and not (isinstance(beta, (int, float))
                                   and beta > 0):
            raise ValueError(f"beta must be > 0 or 'auto', got {beta!r}")
        if not isinstance(gamma, (int, float)) or gamma < 0:
            raise ValueError(f'gamma must be >= 0, got {gamma!r}')
        self.beta, self.gamma = beta, gamma
        self.jitter, self.min_quality = jitter, min_quality

    def resolve_beta(self, samples: Sequence[EnsembleSample]) -> float:
        """The beta used on these samples."""
        if self.beta == 'auto':
            return 1.0 / median_distance(samples)
        return float(self.beta)

    def score(self, samples: Sequence[EnsembleSample],
              space: SearchSpace) -> Dict[ComboKey, float]:
        """Score of every surviving combination, keyed (layer, combo)."""
        stats = gather_layer_statistics(samples, space.layer_ops,
                                        self.resolve_beta(samples))
        scores = {}
        for m in space.splittable_layers:  # the layers whose combos drop
            layer = stats[m]
            values = log_det_scores(
                similarity_matrix(layer, self.jitter),
                quality_matrix(layer, self.gamma, self.min_quality),
                layer.index, space.combos[m])
            for combo, value in values.items():
                scores[(m, combo)] = value
        return scores
