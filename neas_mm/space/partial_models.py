"""Partial models: an ensemble architecture restricted to a run of layers.

SE-NAS (section 3.4) gives each partial model of a merged child space its
own weights. In the K-path space a layer of the run is either shared (one
operator, before the split) or split (an ordered K-tuple of distinct
operators), so the partial model of ``arch`` on ``layers`` is, per layer,
``(op,)`` or the combination. With K = 1 the two coincide and the partial
model is SPOS's operator sequence.
"""
import itertools
from typing import List, Sequence, Tuple

from .ensemble_arch import EnsembleArch
from .operators import OP_NAMES
from .search_space import SearchSpace

PartialKey = Tuple[Tuple[str, ...], ...]


def partial_key(arch: EnsembleArch, layers: Sequence[int]) -> PartialKey:
    """The operators ``arch`` runs on ``layers``: ``(op,)`` at a shared
    layer, the K-tuple at a split one."""
    key = []
    for m in layers:
        if m < arch.split:
            key.append((arch.shared[m], ))
        else:
            key.append(tuple(path[m - arch.split] for path in arch.paths))
    return tuple(key)


def partial_keys(space: SearchSpace,
                 layers: Sequence[int]) -> List[PartialKey]:
    """Every partial model the space can draw on the consecutive
    ``layers``, over all its split points, in a fixed order."""
    layers = list(layers)
    lo, hi = space.split_range
    # j = how many of the run's layers are shared (the split falls inside
    # the run, before it or after it).
    shared_counts = sorted({min(max(s - layers[0], 0), len(layers))
                            for s in range(lo, hi + 1)})
    keys: List[PartialKey] = []
    for j in shared_counts:
        options = [[(op, ) for op in space.shared_ops(m)]
                   for m in layers[:j]]
        options += [list(space.combos[m]) for m in layers[j:]]
        keys.extend(itertools.product(*options))
    return list(dict.fromkeys(keys))  # K = 1: shared and split coincide


def count_partial_models(space: SearchSpace, layers: Sequence[int]) -> int:
    """The size of the child space merged from ``layers``: the number of
    partial models (weight copies) it holds."""
    return len(partial_keys(space, layers))


def key_name(key: PartialKey) -> str:
    """A module name for ``key``: operator indices, ``-`` between paths,
    ``_`` between layers (``'2-5_0'``)."""
    return '_'.join('-'.join(str(OP_NAMES.index(op)) for op in layer)
                    for layer in key)


def parse_key_name(name: str) -> PartialKey:
    """The inverse of :func:`key_name`."""
    try:
        return tuple(tuple(OP_NAMES[int(i)] for i in layer.split('-'))
                     for layer in name.split('_'))
    except (ValueError, IndexError):
        raise ValueError(f'{name!r} does not name a partial model (operator '
                         f'indices, "-" between paths, "_" between layers)'
                         ) from None
