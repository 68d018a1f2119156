from typing import Dict, Sequence, Tuple

import numpy as np

from neas_mm.registry import TASK_UTILS
from neas_mm.space import SearchSpace
from ..dpp_kernel import quality_matrix
from ..shrink_stats import EnsembleSample, gather_layer_statistics

ComboKey = Tuple[int, Tuple[str, ...]]


@TASK_UTILS.register_module()
class AccuracyMetric:
    """The paper's accuracy baseline (Table 2), adapted to combinations: a
    combination h scores the mean over paths p of the accuracy of path p
    when it uses h_p, with no regard for diversity. Ranked within each
    layer.

    Args:
        min_quality: Floor of an operator's mean accuracy.
    """
    name = 'accuracy'
    per_layer = True

    def __init__(self, min_quality: float = 0.0) -> None:
        self.min_quality = min_quality

    def score(self, samples: Sequence[EnsembleSample],
              space: SearchSpace) -> Dict[ComboKey, float]:
        stats = gather_layer_statistics(samples, space.layer_ops, beta=1.0)
        scores = {}
        for m in space.splittable_layers:  # the layers whose combos drop
            layer = stats[m]
            quality = quality_matrix(layer, 1.0, self.min_quality)
            for combo in space.combos[m]:
                scores[(m, combo)] = float(np.mean(
                    [quality[p, layer.index[op]]
                     for p, op in enumerate(combo)]))
        return scores
