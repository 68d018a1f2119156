"""The (shrinkable) NEAS search space, as data."""
import itertools
import json
import random
from pathlib import Path
from typing import (Any, Callable, Dict, Iterable, List, Optional,
                    Sequence, Tuple, Union)

from .ensemble_arch import ArchError, EnsembleArch
from .operators import (DEFAULT_STAGE_DEPTHS, OP_NAMES, SKIP, op_rank,
                        stage_first_layers)

Combo = Tuple[str, ...]


class SearchSpace:
    """Which operator combinations each layer still allows, and the split
    range.

    At every searchable layer the space holds a set of ordered K-tuples of
    distinct operators (the paper's A_N^K combinations). A layer used as a
    shared layer takes one operator, allowed while some surviving
    combination of that layer contains it. Shrinking removes combinations.

    Args:
        num_paths: K, the number of ensemble paths (>= 1).
        stage_depths: Searchable layers per stage.
        split_range: Inclusive (min, max) split point; the paper uses
            (9, 20) for 20 layers.
        ops: Operators offered at every layer (skip is dropped on a stage's
            first layer).
        combos: Optional surviving combinations per layer (default: all).
    """

    def __init__(self,
                 num_paths: int = 2,
                 stage_depths: Sequence[int] = DEFAULT_STAGE_DEPTHS,
                 split_range: Optional[Sequence[int]] = None,
                 ops: Sequence[str] = OP_NAMES,
                 combos: Optional[Sequence[Iterable[Sequence[str]]]] = None
                 ) -> None:
        self.stage_depths = tuple(int(d) for d in stage_depths)
        if not self.stage_depths or min(self.stage_depths) < 1:
            raise ValueError(f'stage_depths must be positive, got '
                             f'{list(stage_depths)}')
        num_layers = sum(self.stage_depths)
        if not isinstance(num_paths, int) or num_paths < 1:
            raise ValueError(f'num_paths must be an int >= 1, got '
                             f'{num_paths!r}')
        self.num_paths = num_paths
        if split_range is None:
            split_range = (0, num_layers)
        lo, hi = (int(v) for v in split_range)
        if not 0 <= lo <= hi <= num_layers:
            raise ValueError(f'split_range must satisfy 0 <= min <= max <= '
                             f'{num_layers} (number of layers), got '
                             f'{list(split_range)}')
        self.split_range = (lo, hi)
        unknown = [op for op in ops if op not in OP_NAMES]
        if unknown or not ops:
            raise ValueError(f'ops must be a non-empty subset of {OP_NAMES}'
                             f', got {list(ops)}')
        self.ops = tuple(sorted(set(ops), key=op_rank))
        firsts = set(stage_first_layers(self.stage_depths))
        self.layer_ops: List[Tuple[str, ...]] = []
        for layer in range(num_layers):
            allowed = tuple(op for op in self.ops
                            if not (op == SKIP and layer in firsts))
            if len(allowed) < num_paths:
                raise ValueError(
                    f'layer {layer} offers {len(allowed)} operators, fewer '
                    f'than num_paths={num_paths} distinct ones')
            self.layer_ops.append(allowed)
        if combos is None:
            self.combos: List[List[Combo]] = [
                list(itertools.permutations(allowed, num_paths))
                for allowed in self.layer_ops
            ]
        else:
            combos = [[tuple(c) for c in layer] for layer in combos]
            if len(combos) != num_layers:
                raise ValueError(f'combos must cover {num_layers} layers, '
                                 f'got {len(combos)}')
            for layer, layer_combos in enumerate(combos):
                if not layer_combos:
                    raise ValueError(f'layer {layer} has no combination')
                for combo in layer_combos:
                    self._check_combo(layer, combo)
            self.combos = [sorted(set(c), key=self._combo_key)
                           for c in combos]

    # ---------------------------------------------------------- basics
    @property
    def num_layers(self) -> int:
        return len(self.layer_ops)

    @staticmethod
    def _combo_key(combo: Combo) -> Tuple[int, ...]:
        return tuple(op_rank(op) for op in combo)

    def _check_combo(self, layer: int, combo: Combo) -> None:
        if len(combo) != self.num_paths or len(set(combo)) != len(combo) \
                or any(op not in self.layer_ops[layer] for op in combo):
            raise ValueError(
                f'layer {layer}: {list(combo)} is not {self.num_paths} '
                f'distinct operators of {list(self.layer_ops[layer])}')

    def shared_ops(self, layer: int) -> Tuple[str, ...]:
        """Operators a shared layer may use: those in a surviving combo."""
        present = {op for combo in self.combos[layer] for op in combo}
        return tuple(op for op in self.layer_ops[layer] if op in present)

    @property
    def splittable_layers(self) -> range:
        """Layers that some split point puts after the split (from the
        smallest split on). Layers before it are always shared: their
        combinations only say which single operators they allow, and they
        are neither counted in :attr:`size` nor shrunk."""
        return range(self.split_range[0], self.num_layers)

    @property
    def size(self) -> int:
        """Number of surviving combinations over the splittable layers."""
        return sum(len(self.combos[m]) for m in self.splittable_layers)

    @property
    def initial_size(self) -> int:
        """Size of the unshrunk space with the same shape."""
        return SearchSpace(self.num_paths, self.stage_depths,
                           self.split_range, self.ops).size

    def num_architectures(self) -> int:
        """Exact number of distinct ensemble architectures in the space."""
        total = 0
        for split in range(self.split_range[0], self.split_range[1] + 1):
            count = 1
            for layer in range(self.num_layers):
                count *= len(self.shared_ops(layer)) if layer < split \
                    else len(self.combos[layer])
            total += count
        return total

    # --------------------------------------------------------- membership
    def check(self, arch: EnsembleArch) -> None:
        """Raise :class:`ArchError` saying why ``arch`` is outside."""
        if arch.stage_depths != self.stage_depths:
            raise ArchError(f'stage_depths {list(arch.stage_depths)} differ '
                            f'from the space\'s {list(self.stage_depths)}')
        if arch.num_paths != self.num_paths:
            raise ArchError(f'{arch.num_paths} paths, the space has '
                            f'{self.num_paths}')
        lo, hi = self.split_range
        if not lo <= arch.split <= hi:
            raise ArchError(f'split {arch.split} outside the space\'s range '
                            f'[{lo}, {hi}]')
        for layer, op in enumerate(arch.shared):
            if op not in self.shared_ops(layer):
                raise ArchError(f'layer {layer}: shared operator {op!r} was '
                                'shrunk away')
        combo_sets = self._combo_sets()
        for layer, combo in zip(range(arch.split, self.num_layers),
                                arch.combos):
            if combo not in combo_sets[layer]:
                raise ArchError(f'layer {layer}: combination {list(combo)} '
                                'is not in the space')

    def contains(self, arch: EnsembleArch) -> bool:
        try:
            self.check(arch)
        except ArchError:
            return False
        return True

    def _combo_sets(self) -> List[set]:
        return [set(c) for c in self.combos]

    # ---------------------------------------------------------- sampling
    def sample(self, rng: random.Random,
               split: Optional[int] = None,
               pick_combo: Optional[Callable[[int, random.Random], Combo]]
               = None) -> EnsembleArch:
        """Draw an architecture: the split point uniformly from its range,
        then every shared layer's operator and every later layer's
        combination uniformly from what survives (or by
        ``pick_combo(layer, rng)``, e.g. a diversity-weighted draw)."""
        if split is None:
            split = rng.randint(*self.split_range)
        pick_combo = pick_combo or (lambda m, r: r.choice(self.combos[m]))
        shared = [rng.choice(self.shared_ops(m)) for m in range(split)]
        combos = [pick_combo(m, rng) for m in range(split, self.num_layers)]
        paths = [[combo[p] for combo in combos]
                 for p in range(self.num_paths)]
        return EnsembleArch(split=split, shared=shared, paths=paths,
                            stage_depths=self.stage_depths)

    # ---------------------------------------------------------- shrinking
    def remove(self, layer: int, combo: Sequence[str]) -> None:
        """Drop one combination of a splittable layer; a layer's last one
        is never dropped."""
        combo = tuple(combo)
        if layer not in self.splittable_layers:
            raise ValueError(f'layer {layer} is always shared (split range '
                             f'{list(self.split_range)}): its combinations '
                             'are not shrunk')
        if combo not in self.combos[layer]:
            raise ValueError(f'layer {layer}: {list(combo)} is not in the '
                             'space')
        if len(self.combos[layer]) == 1:
            raise ValueError(f'layer {layer}: {list(combo)} is its last '
                             'combination and cannot be dropped')
        self.combos[layer].remove(combo)

    # ------------------------------------------------------- persistence
    def to_dict(self) -> Dict[str, Any]:
        return dict(num_paths=self.num_paths,
                    stage_depths=list(self.stage_depths),
                    split_range=list(self.split_range), ops=list(self.ops),
                    combos=[[list(c) for c in layer]
                            for layer in self.combos])

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> 'SearchSpace':
        return cls(num_paths=data['num_paths'],
                   stage_depths=data['stage_depths'],
                   split_range=data['split_range'], ops=data['ops'],
                   combos=data['combos'])

    def dump(self, file: Union[str, Path]) -> None:
        Path(file).write_text(json.dumps(self.to_dict()) + '\n')

    @classmethod
    def load(cls, file: Union[str, Path]) -> 'SearchSpace':
        return cls.from_dict(json.loads(Path(file).read_text()))

    def copy(self) -> 'SearchSpace':
        return SearchSpace.from_dict(self.to_dict())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SearchSpace) and \
            self.to_dict() == other.to_dict()

    def __repr__(self) -> str:
        return (f'SearchSpace(K={self.num_paths}, layers={self.num_layers}, '
                f'split={list(self.split_range)}, combos={self.size}/'
                f'{self.initial_size})')
