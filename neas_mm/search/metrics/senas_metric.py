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
    mean of its operators' scores. The confidence term ranks layers against
    each other, so the scores are compared across layers (``per_layer`` is
    False): within one layer it is a constant.

    Args:
        eps: Floor of the variance, for a layer whose candidates tie.
    """
    name = 'senas'
    per_layer = False

    def __init__(self, eps: float = 1e-8) -> None:
        self.eps = eps

    def score(self, samples: Sequence[EnsembleSample],
              space: SearchSpace) -> Dict[ComboKey, float]:
        stats = gather_layer_statistics(samples, space.layer_ops, beta=1.0)
        layers = list(space.splittable_layers)
        importance = [quality_vector(stats[m]) for m in layers]
        # The variance over the operators still in the layer's combinations.
        alive = [[stats[m].index[op] for op in stats[m].ops
                  if any(op in c for c in space.combos[m])] for m in layers]
        confidence = [np.full(len(si), max(si[idx].var(), self.eps))
                      for si, idx in zip(importance, alive)]
        si_mean = np.mean(np.concatenate(importance)) or 1.0
        sc_mean = np.mean(np.concatenate(confidence))
        scores = {}
        for m, si, sc in zip(layers, importance, confidence):
            op_score = (si / si_mean) / (sc / sc_mean)
            for combo in space.combos[m]:
                scores[(m, combo)] = float(
                    np.mean([op_score[stats[m].index[op]] for op in combo]))
        return scores
