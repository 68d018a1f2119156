import random
from typing import Any, Dict, Sequence, Tuple

from neas_mm.registry import TASK_UTILS
from neas_mm.space import EnsembleArch, SearchSpace


@TASK_UTILS.register_module()
class FairKPathSampler:
    """Fair draws of the K-path ensemble (FairNAS's strict fairness carried
    over to the NEAS space): every layer deals its choices from a shuffled
    deck, so that within each round of ``n`` uses of a layer each of its
    ``n`` choices is trained exactly once, instead of as often as a uniform
    draw happens to pick it.

    A layer has two decks: its shared operators (steps whose split point
    comes after it) and its K-path combinations (steps that split at or
    before it). The split point itself stays uniform. A layer's position
    in a deck is the number of earlier steps that used it in that role,
    computed from the earlier steps' split points, so draw ``i`` still
    depends only on ``(seed, i)`` and the space: it survives a resume and
    every DDP rank draws the same ensemble. When a shrink removes choices
    the decks are dealt again from the survivors (the round in progress
    is then only nearly fair).

    Args:
        seed: Seed of the draws (split points and deck shuffles).
    """

    def __init__(self, seed: int = 0) -> None:
        self.seed = int(seed)
        # Splits per layer counted over steps 0 .. _upto - 1 (a cache: a
        # draw never depends on what was drawn before in this process).
        self._upto = 0
        self._split_counts: Dict[int, int] = {}
        self._range: Tuple[int, int] = (0, 0)

    def _split(self, space: SearchSpace, index: int) -> int:
        return random.Random(f'{self.seed}:{index}').randint(
            *space.split_range)

    def _splits_before(self, space: SearchSpace, index: int
                       ) -> Dict[int, int]:
        """How many steps before ``index`` split at each split point."""
        if index < self._upto or tuple(space.split_range) != self._range:
            self._upto, self._split_counts = 0, {}
            self._range = tuple(space.split_range)
        for step in range(self._upto, index):
            split = self._split(space, step)
            self._split_counts[split] = self._split_counts.get(split, 0) + 1
        self._upto = index
        return self._split_counts

    def _deal(self, choices: Sequence[Any], layer: int, role: str,
              uses: int) -> Any:
        """Card ``uses`` of the layer's deck for that role: round
        ``uses // n`` is a fresh shuffle of the ``n`` choices."""
        rounds, position = divmod(uses, len(choices))
        deck = list(choices)
        random.Random(f'{self.seed}:{role}{layer}:{rounds}').shuffle(deck)
        return deck[position]

    def sample(self, space: SearchSpace, index: int) -> EnsembleArch:
        """Draw ``index`` from what the space still allows."""
        counts = self._splits_before(space, index)
        split = self._split(space, index)

        def uses(layer: int, shared: bool) -> int:
            # Steps before this one that used ``layer`` in that role: a
            # split point after it shares it, one at or before splits it.
            return sum(n for s, n in counts.items()
                       if (s > layer) == shared)

        shared = [self._deal(space.shared_ops(m), m, 's', uses(m, True))
                  for m in range(split)]
        combos = [self._deal(space.combos[m], m, 'c', uses(m, False))
                  for m in range(split, space.num_layers)]
        paths = [[combo[p] for combo in combos]
                 for p in range(space.num_paths)]
        return EnsembleArch(split=split, shared=shared, paths=paths,
                            stage_depths=space.stage_depths)
