import random
from typing import Any, Dict, List, Sequence, Tuple

import numpy as np

from neas_mm.registry import TASK_UTILS
from neas_mm.search.operator_diversity import combo_probabilities
from neas_mm.space import EnsembleArch, SearchSpace


@TASK_UTILS.register_module()
class DiversityKPathSampler:
    """EnNAS diversity-based sampling (section 3.3) of the K-tuple at every
    layer after the split: path 1's operator uniformly, each next path's
    operator the more likely the more its outputs differ from those already
    drawn (Eq. 5, normalised over the layer's surviving combinations). The
    split point and the shared operators are uniform, as in
    :class:`KPathSampler`; so is every layer without a diversity table yet.

    Draw ``i`` depends only on ``(seed, i)``, the space and the tables,
    which ``OperatorDiversityHook`` measures (once an epoch, on rank 0,
    then broadcast): every DDP rank draws the same ensemble. The tables are
    in ``state_dict`` (kept in the classifier's checkpoint state).

    Args:
        seed: Seed of the draws.
    """

    def __init__(self, seed: int = 0) -> None:
        self.seed = int(seed)
        # layer -> (operator names, (T, T) diversity)
        self.diversity: Dict[int, Tuple[List[str], np.ndarray]] = {}
        self._cache: Dict[Any, Tuple[list, list]] = {}

    def set_diversity(self, tables: Dict[int, Tuple[Sequence[str],
                                                    np.ndarray]]) -> None:
        self.diversity = {int(m): (list(ops), np.asarray(zeta, float))
                          for m, (ops, zeta) in tables.items()}
        self._cache = {}

    def _layer_choices(self, space: SearchSpace, m: int
                       ) -> Tuple[list, list]:
        key = (m, tuple(space.combos[m]))
        if key not in self._cache:
            ops, zeta = self.diversity[m]
            probs = combo_probabilities(zeta, ops, space.combos[m])
            self._cache[key] = (list(probs), list(probs.values()))
        return self._cache[key]

    def sample(self, space: SearchSpace, index: int) -> EnsembleArch:
        """Draw ``index`` from what the space still allows."""
        def pick(m: int, rng: random.Random) -> Tuple[str, ...]:
            if m not in self.diversity:
                return rng.choice(space.combos[m])
            choices, weights = self._layer_choices(space, m)
            return rng.choices(choices, weights)[0]

        return space.sample(random.Random(f'{self.seed}:{index}'),
                            pick_combo=pick)

    def state_dict(self) -> Dict[str, Any]:
        return {str(m): [ops, zeta.tolist()]
                for m, (ops, zeta) in self.diversity.items()}

    def load_state_dict(self, state: Dict[str, Any]) -> None:
        self.set_diversity({int(m): (ops, np.array(zeta))
                            for m, (ops, zeta) in state.items()})
