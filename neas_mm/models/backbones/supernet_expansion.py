"""SE-NAS supernet expanding: own weights per partial model."""
import copy
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

import torch
from torch import nn

from neas_mm.search.child_spaces import Group, merge_child_spaces
from neas_mm.space import MBCONV_SPECS, SKIP, EnsembleArch, SearchSpace
from neas_mm.space.partial_models import (count_partial_models, key_name,
                                          parse_key_name, partial_key,
                                          partial_keys)
from ..blocks import EntangledMBConv


class OperatorCopies(nn.ModuleDict):
    """A copy of an independent-operator layer holding only the operators
    one partial model runs there (``skip`` needs none).

    Args:
        modules: Operator name -> its copied module.
    """

    def forward_choice(self, x: torch.Tensor, op: str) -> torch.Tensor:
        # x: (N, C_in, H, W) -> (N, C_out, H / stride, W / stride)
        if op == SKIP and op not in self:
            return x
        return self[op](x)


def entangled_copy(base: EntangledMBConv, ops: Sequence[str]) -> nn.Module:
    """``base`` cut to the operators ``ops``: the largest kernel and
    expansion among them, their slice of the weights (each operator then
    computes what it computed in ``base``)."""
    mbconvs = [op for op in ops if op != SKIP]
    if not mbconvs:
        return OperatorCopies()
    kernel = max(MBCONV_SPECS[op][0] for op in mbconvs)
    expand = max(MBCONV_SPECS[op][1] for op in mbconvs)
    largest = next(op for op, spec in MBCONV_SPECS.items()
                   if spec == (kernel, expand))
    layer = EntangledMBConv(base.in_channels, base.out_channels, base.stride,
                            list(dict.fromkeys(ops)), base.se_ratio,
                            base.norm_cfg, base.act_cfg)
    layer.block.load_state_dict(base.op_state_dict(largest))
    return layer.to(base.block.project.conv.weight).train(base.training)


def group_name(group: Sequence[int]) -> str:
    """The module name of the child space of layers ``group``."""
    return f'g{group[0]}_{group[-1]}'


def parse_group_name(name: str) -> Group:
    """The layers of the child space named ``name``."""
    first, last = (int(v) for v in name[1:].split('_'))
    return tuple(range(first, last + 1))


class SupernetExpansion(nn.Module):
    """The merged child spaces of a supernet and their weight copies
    (SE-NAS section 3.4).

    Each child space is a run of consecutive searchable layers; each of its
    partial models (:func:`~neas_mm.space.partial_models.partial_key`) owns
    a copy of those layers, initialised from the shared layers when the
    child space is made, and holding only the operators it runs there (an
    entangled layer is cut to the largest of them). An architecture runs a
    layer of a child space with the copy of its partial model.

    Where this differs from the paper's Algorithm 1, and why:

    * Only splittable layers merge: the layers before the smallest split
      point are always shared and never shrunk.
    * A child space, once made, is kept as it is: later shrinks neither
      regroup it nor delete the copies of partial models they drop (those
      copies are no longer drawn, but stay in the checkpoint and in
      :attr:`num_copies`).
    * An architecture outside the space when a child space was made has no
      copy there and runs the shared layers, which no longer train (every
      drawn architecture runs copies): it is scored with weights frozen at
      the expansion.

    Modules are named ``<group>.<partial model>.<layer>``
    (``g6_7.2-5_0-1.6``), so a state dict alone says which copies exist:
    loading one rebuilds them first (``--resume`` and ``tools/search.py``
    need no other record).

    Args:
        layers: The supernet's searchable layers (not registered here).
    """

    def __init__(self, layers: nn.ModuleList) -> None:
        super().__init__()
        self._base = [layers]  # a list: the supernet registers them
        self.groups = nn.ModuleDict()
        # (arch, groups, layer -> copy) of the last routed arch; reset by
        # _add, and stale once ``groups`` is replaced (restore, or a user)
        self._routes: Optional[tuple] = None

    # ----------------------------------------------------------- queries
    @property
    def child_spaces(self) -> List[Group]:
        """The merged child spaces, each a tuple of layers."""
        return [parse_group_name(name) for name in self.groups]

    @property
    def num_copies(self) -> int:
        """Partial models that own weights, over all child spaces."""
        return sum(len(models) for models in self.groups.values())

    def layer_for(self, m: int, arch: EnsembleArch) -> Optional[nn.Module]:
        """The copy ``arch`` runs at layer ``m``, or None (shared)."""
        # One forward asks for every layer of one arch: route it once.
        if self._routes is None or self._routes[0] != arch or \
                self._routes[1] is not self.groups:
            routes = {}
            for name, models in self.groups.items():
                key = key_name(partial_key(arch, parse_group_name(name)))
                if key in models:
                    routes.update(models[key].items())
            self._routes = (arch, self.groups, routes)
        return self._routes[2].get(str(m))

    def copy_sources(self) -> Iterator[Tuple[nn.Parameter, nn.Parameter]]:
        """(copied parameter, shared parameter it was copied or sliced
        from)."""
        layers = self._base[0]
        for models in self.groups.values():
            for partial in models.values():
                for m, layer in partial.items():
                    base = layers[int(m)]
                    if isinstance(layer, OperatorCopies):
                        pairs = [(layer[op], base._candidates[op])
                                 for op in layer]
                    else:
                        pairs = [(layer, base)]
                    for copied, source in pairs:
                        sources = dict(source.named_parameters())
                        for name, param in copied.named_parameters():
                            yield param, sources[name]

    # ----------------------------------------------------------- changes
    def _copy_layer(self, m: int, ops: Sequence[str]) -> nn.Module:
        base = self._base[0][m]
        if isinstance(base, EntangledMBConv):
            return entangled_copy(base, ops)
        return OperatorCopies({op: copy.deepcopy(base._candidates[op])
                               for op in dict.fromkeys(ops)})

    def _add(self, group: Group, names: Sequence[str]) -> None:
        self._routes = None  # the copies change
        if group_name(group) not in self.groups:
            self.groups[group_name(group)] = nn.ModuleDict()
        models = self.groups[group_name(group)]
        for name in names:
            key = parse_key_name(name)
            models[name] = nn.ModuleDict({
                str(m): self._copy_layer(m, ops)
                for m, ops in zip(group, key)
            })

    def expand(self, space: SearchSpace, threshold: int,
               min_layers: int = 2) -> List[Group]:
        """Merge the splittable layers not yet in a child space (SE-NAS
        Algorithm 1, lines 5-7) and give every partial model of each new
        child space its own copy. Returns the new child spaces."""
        new = merge_child_spaces(
            space.splittable_layers,
            lambda run: count_partial_models(space, run), threshold,
            min_layers, self.child_spaces)
        for group in new:
            self._add(group, [key_name(k)
                              for k in partial_keys(space, group)])
        return new

    def restore(self, state_dict: Dict[str, torch.Tensor],
                prefix: str = '') -> bool:
        """Make the copies those of ``state_dict`` (keys under
        ``prefix``), before its values are loaded; returns whether anything
        changed (the copies are rebuilt only then)."""
        wanted: Dict[str, List[str]] = {}  # in state-dict order
        for key in state_dict:
            if key.startswith(prefix + 'groups.'):
                group, model = key[len(prefix + 'groups.'):].split('.')[:2]
                names = wanted.setdefault(group, [])
                if model not in names:
                    names.append(model)
        have = {group: set(models) for group, models in self.groups.items()}
        if {g: set(names) for g, names in wanted.items()} == have:
            return False
        self.groups = nn.ModuleDict()
        for group, names in wanted.items():
            self._add(parse_group_name(group), names)
        return True

    def _load_from_state_dict(self, state_dict: Dict[str, torch.Tensor],
                              prefix: str, *args: Any, **kwargs: Any
                              ) -> None:
        # Runs before the children load: they exist by then.
        self.restore(state_dict, prefix)
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)
