from typing import Dict, Sequence, Tuple

import numpy as np

from neas_mm.registry import TASK_UTILS
from neas_mm.space import SearchSpace
from ..dpp_kernel import quality_vector
from ..shrink_stats import EnsembleSample, gather_layer_statistics

ComboKey = Tuple[int, Tuple[str, ...]]


@TASK_UTILS.register_module()
class SENASMetric:
    """SE-NAS's operator score (its Eq. 5-7), lifted to combinations.

    Selection importance SI_o is the mean accuracy of the sampled paths
    containing operator o at its layer (Eq. 5); selection confidence SC_o is
    the variance of SI over the candidates of that layer (Eq. 6); the score
    is normalize(SI_o) / normalize(SC_o) (Eq. 7), where normalize divides by
    the mean over all scored operators. Operators of a confident layer (high
    variance) with low importance score lowest. A combination scores the
    mean of its operators' scores.

    Args:
        eps: Floor of the variance, for a layer whose candidates tie.
    """
    name = 'senas'

    def __init__(self, eps: float = 1e-8) -> None:
        self.eps = eps

    def score(self, samples: Sequence[EnsembleSample],
              space: SearchSpace) -> Dict[ComboKey, float]:
        stats = gather_layer_statistics(samples, space.layer_ops, beta=1.0)
        importance = [quality_vector(layer, 1.0, 0.0) for layer in stats]
        confidence = [np.full(len(si), max(si.var(), self.eps))
                      for si in importance]
        si_mean = np.mean(np.concatenate(importance)) or 1.0
        sc_mean = np.mean(np.concatenate(confidence))
        scores = {}
        for m, layer in enumerate(stats):
            op_score = (importance[m] / si_mean) / (confidence[m] / sc_mean)
            for combo in space.combos[m]:
                scores[(m, combo)] = float(
                    np.mean([op_score[layer.index[op]] for op in combo]))
        return scores
