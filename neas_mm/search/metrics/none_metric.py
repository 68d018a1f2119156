from typing import Dict, Sequence, Tuple

from neas_mm.registry import TASK_UTILS
from neas_mm.space import SearchSpace
from ..shrink_stats import EnsembleSample

ComboKey = Tuple[int, Tuple[str, ...]]


@TASK_UTILS.register_module()
class NoneMetric:
    """No shrinking (the baseline without space shrinking): scores nothing,
    so nothing is dropped."""
    name = 'none'
    per_layer = True

    def score(self, samples: Sequence[EnsembleSample],
              space: SearchSpace) -> Dict[ComboKey, float]:
        return {}
