"""K-path evolution operators (NEAS Sec. 3.4 phase 2, Algorithm 2), as pure
functions of architectures, the shrunk space and a ``random.Random``.

A *gene* is what an architecture puts at one layer: one operator at a shared
layer, a K-tuple of operators at a layer after the split.
"""
import random
from typing import Callable, List, Optional, Sequence, Tuple, Union

from neas_mm.space import EnsembleArch, SearchSpace

Gene = Union[str, Tuple[str, ...]]
FlopsFn = Callable[[EnsembleArch], float]
SPLIT_MOVES = ('any', 'step')


class FlopsWindowError(ValueError):
    """The FLOPs window cannot be met by sampling the space."""


def genes(arch: EnsembleArch) -> List[Gene]:
    return [arch.shared[m] if m < arch.split else arch.layer_ops(m)
            for m in range(arch.num_layers)]


def from_genes(split: int, layer_genes: Sequence[Gene],
               space: SearchSpace) -> EnsembleArch:
    """Assemble an architecture from one gene per layer."""
    shared = [layer_genes[m] for m in range(split)]
    combos = [layer_genes[m] for m in range(split, len(layer_genes))]
    paths = [[combo[p] for combo in combos] for p in range(space.num_paths)]
    return EnsembleArch(split=split, shared=shared, paths=paths,
                        stage_depths=space.stage_depths)


def in_window(value: float, window: Sequence[Optional[float]]) -> bool:
    low, high = window
    return (low is None or value >= low) and (high is None or value <= high)


def random_arch(space: SearchSpace, rng: random.Random, flops: FlopsFn,
                window: Sequence[Optional[float]] = (None, None),
                max_tries: int = 1000) -> EnsembleArch:
    """A uniformly drawn architecture inside the FLOPs window.

    Raises:
        FlopsWindowError: after ``max_tries`` draws outside the window, with
            the range of FLOPs that was seen.
    """
    seen = []
    for _ in range(max_tries):
        arch = space.sample(rng)
        value = flops(arch)
        if in_window(value, window):
            return arch
        seen.append(value)
    raise FlopsWindowError(
        f'no architecture within the FLOPs window [{window[0]}, {window[1]}]'
        f' in {max_tries} draws; the space gave {min(seen):.4g} to '
        f'{max(seen):.4g}: widen the window')


def crossover(a: EnsembleArch, b: EnsembleArch, space: SearchSpace,
              rng: random.Random) -> EnsembleArch:
    """A child taking its split point from one parent and each layer's gene
    from either parent. Where the child shares a layer its parent splits,
    it takes the operator of one of that parent's paths; where it splits a
    layer its parent shares, it takes the other parent's combination if
    that one splits it, else a combination of the space containing the
    operator. Identical parents give the parent."""
    split = rng.choice((a.split, b.split))
    ga, gb = genes(a), genes(b)
    child: List[Gene] = []
    for m in range(space.num_layers):
        gene = ga[m] if rng.random() < 0.5 else gb[m]
        shared = m < split
        if shared and isinstance(gene, tuple):
            gene = rng.choice(gene)
        elif not shared and isinstance(gene, str):
            other = gb[m] if gene == ga[m] else ga[m]
            gene = other if isinstance(other, tuple) else \
                _combo_with(space, m, gene, rng)
        child.append(gene)
    return from_genes(split, child, space)


def _combo_with(space: SearchSpace, layer: int, op: str,
                rng: random.Random) -> Tuple[str, ...]:
    """A surviving combination of ``layer`` that contains ``op`` (any one if
    none does)."""
    holding = [c for c in space.combos[layer] if op in c]
    return rng.choice(holding or space.combos[layer])


def mutate(arch: EnsembleArch, space: SearchSpace, rng: random.Random,
           prob_split: float, prob_layer: float,
           split_move: str = 'any') -> EnsembleArch:
    """Mutate the split point with probability ``prob_split``, then every
    layer's gene with probability ``prob_layer``.

    ``split_move='any'`` moves the split to any other point of the space's
    range, ``'step'`` one layer deeper or shallower (within the range).

    A deeper split copies one randomly chosen path's operators into the new
    shared layers; a shallower one hands each formerly shared operator back
    to the paths as a surviving combination containing it (re-drawn from
    the space if none contains it).
    """
    layer_genes = genes(arch)
    split = arch.split
    low, high = space.split_range
    if split_move not in SPLIT_MOVES:
        raise ValueError(f'split_move must be one of {SPLIT_MOVES}, got '
                         f'{split_move!r}')
    if rng.random() < prob_split and high > low:
        new = rng.choice(_split_moves(split, low, high, split_move))
        if new > split:
            path = rng.randrange(space.num_paths)
            for m in range(split, new):
                layer_genes[m] = layer_genes[m][path]
        else:
            for m in range(new, split):
                layer_genes[m] = _combo_with(space, m, layer_genes[m], rng)
        split = new
    for m in range(space.num_layers):
        if rng.random() < prob_layer:
            layer_genes[m] = rng.choice(space.shared_ops(m)) if m < split \
                else rng.choice(space.combos[m])
    return from_genes(split, layer_genes, space)


def _split_moves(split: int, low: int, high: int,
                 split_move: str) -> List[int]:
    """Split points a mutation may move ``split`` to."""
    if split_move == 'step':
        return [s for s in (split - 1, split + 1) if low <= s <= high]
    return [s for s in range(low, high + 1) if s != split]


def valid_child(arch: Optional[EnsembleArch], space: SearchSpace,
                flops: FlopsFn,
                window: Sequence[Optional[float]]) -> bool:
    """Inside the shrunk space and the FLOPs window."""
    return arch is not None and space.contains(arch) and \
        in_window(flops(arch), window)
