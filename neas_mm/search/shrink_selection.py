"""Which combinations a shrink step drops, given their scores."""
from typing import Dict, List, Tuple

from neas_mm.space import SearchSpace

ComboKey = Tuple[int, Tuple[str, ...]]


def _order_key(space: SearchSpace, scores: Dict[ComboKey, float],
               per_layer: bool):
    """Sort key of a scored combination, lowest (dropped first) first."""
    if not per_layer:
        return lambda key: (scores[key], key[0],
                            space.combos[key[0]].index(key[1]))
    # Within-layer rank quantile: every layer gives up the same share of
    # its combinations, its own lowest first.
    quantile = {}
    for m in {layer for layer, _ in scores}:
        ranked = sorted((key for key in scores if key[0] == m),
                        key=lambda key: (scores[key],
                                         space.combos[m].index(key[1])))
        for rank, key in enumerate(ranked):
            quantile[key] = (rank + 0.5) / len(ranked)
    return lambda key: (quantile[key], scores[key], key[0])


def select_drops(space: SearchSpace, scores: Dict[ComboKey, float],
                 num_drop: int, threshold: int,
                 per_layer: bool = True) -> List[Dict]:
    """The combinations to drop: the lowest-scored ones, at most
    ``num_drop``, never below ``threshold`` combinations in all and never
    a layer's last.

    Args:
        space: The current space (read only).
        scores: Score of each (layer, combo) that may be dropped.
        num_drop: Combinations to drop (k of Algorithm 1).
        threshold: Size the space must not go below (T).
        per_layer: Rank within each layer and drop the same share of every
            layer (True), or sort all scores together (False: the scores
            must be comparable across layers).

    Returns:
        One ``dict(layer, combo, score)`` per dropped combination, in the
        order they were chosen.
    """
    budget = max(0, min(num_drop, space.size - threshold))
    # Only combinations still in the space, of layers that can split.
    scores = {(m, tuple(c)): v for (m, c), v in scores.items()
              if m in space.splittable_layers
              and tuple(c) in space.combos[m]}
    left = {m: len(space.combos[m]) for m in space.splittable_layers}
    drops = []
    for key in sorted(scores, key=_order_key(space, scores, per_layer)):
        if len(drops) >= budget:
            break
        layer, combo = key
        if left.get(layer, 0) > 1:
            left[layer] -= 1
            drops.append(dict(layer=layer, combo=list(combo),
                              score=scores[key]))
    return drops
