import random

from neas_mm.registry import TASK_UTILS
from neas_mm.space import EnsembleArch, SearchSpace


@TASK_UTILS.register_module()
class KPathSampler:
    """Draws the ensemble architecture of each training iteration.

    Draw ``i`` depends only on ``(seed, i)`` and the current space: it is
    reproducible, survives a resume (the model keeps ``i`` in its
    checkpoint), and every DDP rank draws the same architecture in the same
    iteration without any communication.

    Args:
        seed: Seed of the draws.
    """

    def __init__(self, seed: int = 0) -> None:
        self.seed = int(seed)

    def sample(self, space: SearchSpace, index: int) -> EnsembleArch:
        """Draw ``index``: split, shared operators and combinations, each
        uniformly from what the space still allows."""
        return space.sample(random.Random(f'{self.seed}:{index}'))
