import hashlib
import random
from typing import Dict, Sequence, Tuple

from neas_mm.registry import TASK_UTILS
from neas_mm.space import SearchSpace
from ..shrink_stats import EnsembleSample

ComboKey = Tuple[int, Tuple[str, ...]]


@TASK_UTILS.register_module()
class RandomMetric:
    """The control: a random score per combination, so shrinking drops
    combinations at random (ranked within each layer, as the diversity
    metric is). The draw depends on ``seed`` and on the sampled ensembles,
    so a resumed run drops the same combinations.

    Args:
        seed: Seed of the scores.
    """
    name = 'random'
    per_layer = True

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed

    def score(self, samples: Sequence[EnsembleSample],
              space: SearchSpace) -> Dict[ComboKey, float]:
        digest = hashlib.sha256(repr([s.arch.to_dict() for s in samples])
                                .encode()).hexdigest()
        rng = random.Random(f'{self.seed}:{digest}')
        return {(m, combo): rng.random() for m in space.splittable_layers
                for combo in space.combos[m]}
