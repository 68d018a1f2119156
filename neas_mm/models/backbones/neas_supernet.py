from typing import Any, Dict, List, Optional, Sequence, Tuple

import torch
from mmengine.model import BaseModule
from mmrazor.models import OneShotMutableOP
from torch import nn

from neas_mm.registry import MODELS
from neas_mm.space import (DEFAULT_STAGE_DEPTHS, OP_NAMES, STAGE_SETTINGS,
                           ArchError, EnsembleArch, SearchSpace)
from ..blocks import EntangledMBConv
from ..utils import BNStats, load_bn_stats, scale_gradient
from .skeleton import build_operator, build_skeleton
from .supernet_expansion import SupernetExpansion

OPERATOR_MODES = ('independent', 'entangled')


@MODELS.register_module()
class NEASSupernet(BaseModule):
    """The K-path NEAS supernet (paper Table 7, the official skeleton).

    Stem 3x3 conv (stride 2) -> fixed depthwise-separable layer -> L
    searchable layers in stages -> per-path tails (1x1 conv, pooling, 1x1
    conv). Each searchable layer chooses among the NEAS operators (MBConv+SE
    k{3,5,7} x e{4,6}, and skip except on a stage's first layer):

    * ``operators='independent'`` (the paper's, SPOS-like): an mmrazor
      ``OneShotMutableOP`` with one set of weights per operator;
    * ``operators='entangled'`` (OFA/BigNAS-like): an
      :class:`EntangledMBConv`, every operator a slice of the largest one.

    Path ``p`` owns tail ``p``. ``path_bn_stats`` (set by
    :func:`recalibrated_paths`) holds BN statistics per path, loaded before
    each path runs, so that paths sharing a layer's weights are still
    normalised with their own statistics.

    Under an :class:`EnsembleArch` the shared layers run once, then each
    path runs its own operators from the split point on.

    Args:
        num_paths: K, the number of ensemble paths.
        stage_depths: Searchable layers per stage (4 x 5 in the paper; a
            smaller depth gives a tiny version of the same space).
        widen_factor: Multiplier of every width (kept a multiple of 8).
        stem_channels: Width of the stem and the fixed DS layer.
        stage_settings: (channels, first stride) of each stage.
        tail_channels: Width of each path's 1x1 conv before pooling.
        feature_channels: Width of each path's pooled feature vector.
        se_ratio: Squeeze-excitation bottleneck ratio.
        shared_grad_scale: Gradient multiplier at the split point (the
            official retraining divides by K: ``1 / num_paths``).
        operators: ``'independent'`` or ``'entangled'`` operator weights.
        norm_cfg: Normalisation config.
        act_cfg: Activation config.
        init_cfg: mmengine initialisation config.
    """

    def __init__(self,
                 num_paths: int = 2,
                 stage_depths: Sequence[int] = DEFAULT_STAGE_DEPTHS,
                 widen_factor: float = 1.0,
                 stem_channels: int = 16,
                 stage_settings: Sequence[Tuple[int, int]] = STAGE_SETTINGS,
                 tail_channels: int = 960,
                 feature_channels: int = 1280,
                 se_ratio: float = 0.25,
                 shared_grad_scale: float = 1.0,
                 operators: str = 'independent',
                 norm_cfg: dict = dict(type='BN'),
                 act_cfg: dict = dict(type='Swish'),
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if num_paths < 1:
            raise ValueError(f'num_paths must be >= 1, got {num_paths!r}')
        if operators not in OPERATOR_MODES:
            raise ValueError(f'operators must be one of {OPERATOR_MODES}, '
                             f'got {operators!r}')
        self.num_paths = num_paths
        self.operators = operators
        # (arch, BN statistics per path), set by recalibrated_paths.
        self.path_bn_stats: Optional[Tuple[EnsembleArch,
                                           List[BNStats]]] = None
        self.stage_depths = tuple(stage_depths)
        self.shared_grad_scale = shared_grad_scale
        parts = build_skeleton(num_paths, self.stage_depths, widen_factor,
                               stem_channels, stage_settings, tail_channels,
                               feature_channels, se_ratio, norm_cfg, act_cfg)
        self.stem, self.ds, self.shapes = parts.stem, parts.ds, parts.shapes
        self.layers = nn.ModuleList()
        for m, shape in enumerate(self.shapes):
            ops = [op for op in OP_NAMES
                   if not (op == 'skip' and shape.stage_first)]
            if operators == 'entangled':
                self.layers.append(EntangledMBConv(
                    shape.in_channels, shape.out_channels, shape.stride, ops,
                    se_ratio, norm_cfg, act_cfg, alias=f'layer{m}'))
                continue
            candidates = nn.ModuleDict({
                op: build_operator(op, shape, norm_cfg, act_cfg, se_ratio)
                for op in ops
            })
            self.layers.append(
                OneShotMutableOP(candidates=candidates, alias=f'layer{m}'))
        self.se_ratio = se_ratio
        self.tails = parts.tails
        # SE-NAS weight copies of merged child spaces (none until expand).
        self.expansion = SupernetExpansion(self.layers)
        self.feature_channels = parts.feature_channels

    def _load_from_state_dict(self, state_dict: dict, prefix: str,
                              *args: Any, **kwargs: Any) -> None:
        # A checkpoint of the other operator kind would load nothing into
        # the searchable layers (mmengine loads non-strictly): refuse it.
        marks = dict(independent='._candidates.', entangled='.block.')
        layer_keys = [k for k in state_dict
                      if k.startswith(prefix + 'layers.')]
        for kind, mark in marks.items():
            if kind != self.operators and any(mark in k
                                              for k in layer_keys):
                raise ValueError(
                    f'the checkpoint holds a supernet with {kind} '
                    f'operators but this one has operators='
                    f'{self.operators!r}; set model.backbone.operators='
                    f'{kind!r} (e.g. --cfg-options '
                    f'model.backbone.operators={kind})')
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)

    @property
    def num_layers(self) -> int:
        return len(self.layers)

    def op_names(self, m: int) -> List[str]:
        """The operator names layer ``m`` can run."""
        layer = self.layers[m]
        if isinstance(layer, EntangledMBConv):
            return list(layer.ops)
        return list(layer._candidates)

    def candidate_ops(self, m: int) -> Dict[str, nn.Module]:
        """Operator name -> a module computing it, at layer ``m`` (static
        modules for entangled layers, e.g. for counting FLOPs)."""
        layer = self.layers[m]
        if isinstance(layer, EntangledMBConv):
            return {op: layer.static_op(op) for op in layer.ops}
        return dict(layer._candidates.items())

    def default_space(self, split_range: Optional[Sequence[int]] = None
                      ) -> SearchSpace:
        """The full search space this supernet can run."""
        return SearchSpace(self.num_paths, self.stage_depths, split_range)

    def expand(self, space: SearchSpace, threshold: int,
               min_layers: int = 2) -> List[Tuple[int, ...]]:
        """SE-NAS expanding: merge layers of ``space`` into child spaces
        of at most ``threshold`` partial models and give each partial
        model its own weights (see :class:`SupernetExpansion`). Returns
        the new child spaces."""
        return self.expansion.expand(space, threshold, min_layers)

    def _layer(self, m: int, arch: EnsembleArch) -> nn.Module:
        """The module ``arch`` runs at layer ``m``: its partial model's
        copy, or the shared layer."""
        if len(self.expansion.groups):
            layer = self.expansion.layer_for(m, arch)
            if layer is not None:
                return layer
        return self.layers[m]

    def check_arch(self, arch: EnsembleArch) -> None:
        """Raise :class:`ArchError` if ``arch`` does not fit this supernet."""
        if arch.num_paths != self.num_paths:
            raise ArchError(f'arch has {arch.num_paths} paths, the supernet '
                            f'{self.num_paths}')
        if arch.stage_depths != self.stage_depths:
            raise ArchError(f'arch stage_depths {list(arch.stage_depths)} '
                            'differ from the supernet\'s '
                            f'{list(self.stage_depths)}')

    def export_path(self, arch: EnsembleArch, path: int) -> Dict[str, Any]:
        """Path ``path`` of ``arch`` as a single-path subnet in mmrazor's
        ``fix_subnet`` format (``{'layer<m>': DumpChosen(chosen=op, ...)}``),
        which mmrazor's ``load_fix_subnet`` applies to this supernet."""
        from mmrazor.structures import export_fix_subnet
        self.check_arch(arch)
        if len(self.expansion.groups):
            raise ValueError(
                'export_path reads the shared layers; this supernet has '
                'SE-NAS weight copies (expanded), whose operators mmrazor '
                'would also export: export from an unexpanded supernet')
        if not 0 <= path < arch.num_paths:
            raise ValueError(f'path must be in [0, {arch.num_paths}), got '
                             f'{path!r}')
        for mutable, op in zip(self.layers, arch.path_ops(path)):
            mutable.current_choice = op
        fix_subnet, _ = export_fix_subnet(self)
        return fix_subnet

    def _load_path_stats(self, arch: EnsembleArch, path: int) -> None:
        """Put path ``path``'s recalibrated BN statistics in place."""
        if self.path_bn_stats is None:
            return
        calibrated, stats = self.path_bn_stats
        if self.training:
            raise RuntimeError('per-path BN statistics are set '
                               '(recalibrated_paths) but the supernet is in '
                               'train mode')
        if arch != calibrated:
            raise ArchError(f'BN statistics were recalibrated for '
                            f'{calibrated}, not for {arch}')
        load_bn_stats(self, stats[path])

    def forward_shared(self, x: torch.Tensor,
                       arch: EnsembleArch) -> torch.Tensor:
        """The layers every path shares (stem, DS layer, layers < split)."""
        # x: (N, 3, H, W) -> (N, C_split, H / s, W / s)
        self._load_path_stats(arch, 0)
        x = self.ds(self.stem(x))
        for m in range(arch.split):
            x = self._layer(m, arch).forward_choice(x, arch.shared[m])
        return scale_gradient(x, self.shared_grad_scale)

    def forward_path(self, x: torch.Tensor, arch: EnsembleArch,
                     path: int) -> torch.Tensor:
        """One path from the split point to its pooled features."""
        # x: (N, C_split, h, w) -> (N, feature_channels)
        self._load_path_stats(arch, path)
        for m, op in zip(range(arch.split, self.num_layers),
                         arch.paths[path]):
            x = self._layer(m, arch).forward_choice(x, op)
        return self.tails[path](x)

    def forward(self, x: torch.Tensor,
                arch: EnsembleArch) -> Tuple[torch.Tensor, ...]:
        """K pooled path features, each (N, feature_channels)."""
        self.check_arch(arch)
        shared = self.forward_shared(x, arch)
        return tuple(
            self.forward_path(shared, arch, p)
            for p in range(self.num_paths))
