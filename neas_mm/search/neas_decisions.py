"""The NEAS K-path space as controller decisions."""
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

from neas_mm.space import EnsembleArch, SearchSpace
from .decision_space import DecisionSpace


class NEASDecisions(DecisionSpace):
    """A NEAS ensemble (:class:`EnsembleArch`) as a fixed-length decision
    vector, so that the controller (and random or decision-level
    evolutionary search) can explore the K-path space.

    With split range [lo, hi] and L layers the decisions are:

    * ``d[0]``: the split point minus lo (hi - lo + 1 choices);
    * per layer m < lo (always shared): one decision, the index of its
      operator in ``space.shared_ops(m)``;
    * per layer m >= lo: two decisions, the index in
      ``space.shared_ops(m)`` (used if the decoded split shares the layer)
      and the index in ``space.combos[m]`` (used if it splits it).

    The decision a split point leaves unused is ignored by :meth:`decode`
    and 0 from :meth:`encode`, so ``decode(encode(arch)) == arch``. Every
    in-range vector decodes to an architecture of the (possibly shrunk)
    space: the indices run over what survives, so nothing is ever resampled
    or penalised. Uniform decisions draw the split, shared operators and
    combinations uniformly, as :meth:`SearchSpace.sample` does.

    Args:
        model_config: A NEAS supernet config; its K, stage depths and split
            range give the full space (and the children's widths).
        space_file: A :class:`SearchSpace` JSON file (e.g. a shrunk space)
            used instead of the config's full space.
        space: A :class:`SearchSpace` (or its dict) used instead.
    """

    kind = 'neas'

    def __init__(self, model_config: Optional[str] = None,
                 space_file: Optional[Union[str, Path]] = None,
                 space: Optional[Union[SearchSpace, Dict[str, Any]]] = None
                 ) -> None:
        if space is None and space_file is not None:
            space = SearchSpace.load(space_file)
        elif space is None and model_config is not None:
            from mmengine.config import Config
            model = Config.fromfile(str(model_config)).model
            space = SearchSpace(model.backbone.num_paths,
                                tuple(model.backbone.stage_depths),
                                tuple(model.split_range))
        if space is None:
            raise ValueError('the neas space needs model_config, space_file '
                             'or space')
        if isinstance(space, dict):
            space = SearchSpace.from_dict(space)
        self.space = space
        self.model_config = None if model_config is None \
            else str(model_config)
        lo, hi = space.split_range
        sizes = [hi - lo + 1]
        for m in range(space.num_layers):
            sizes.append(len(space.shared_ops(m)))
            if m >= lo:
                sizes.append(len(space.combos[m]))
        self._sizes = tuple(sizes)

    @property
    def sizes(self) -> Tuple[int, ...]:
        return self._sizes

    def _positions(self) -> List[Tuple[int, Optional[int]]]:
        """Per layer, the index of its shared-operator decision and of its
        combination decision (None for an always-shared layer)."""
        lo = self.space.split_range[0]
        out, t = [], 1
        for m in range(self.space.num_layers):
            if m < lo:
                out.append((t, None))
                t += 1
            else:
                out.append((t, t + 1))
                t += 2
        return out

    def decode(self, decisions: Sequence[int]) -> EnsembleArch:
        d = self.check(decisions)
        space = self.space
        split = space.split_range[0] + d[0]
        shared, combos = [], []
        for m, (t_op, t_combo) in enumerate(self._positions()):
            if m < split:
                shared.append(space.shared_ops(m)[d[t_op]])
            else:
                combos.append(space.combos[m][d[t_combo]])
        paths = [[combo[p] for combo in combos]
                 for p in range(space.num_paths)]
        return EnsembleArch(split=split, shared=shared, paths=paths,
                            stage_depths=space.stage_depths)

    def encode(self, arch: EnsembleArch) -> List[int]:
        self.space.check(arch)
        d = [0] * self.num_decisions
        d[0] = arch.split - self.space.split_range[0]
        for m, (t_op, t_combo) in enumerate(self._positions()):
            if m < arch.split:
                d[t_op] = self.space.shared_ops(m).index(arch.shared[m])
            else:
                d[t_combo] = self.space.combos[m].index(arch.layer_ops(m))
        return d

    def arch_to_dict(self, arch: EnsembleArch) -> Dict[str, Any]:
        return arch.to_dict()

    def arch_from_dict(self, data: Dict[str, Any]) -> EnsembleArch:
        return EnsembleArch.from_dict(data)

    def describe(self, arch: EnsembleArch) -> str:
        return f'{arch} arch_list={arch.to_arch_list()}'

    def to_dict(self) -> Dict[str, Any]:
        return dict(type=self.kind, space=self.space.to_dict())
