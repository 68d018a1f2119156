import re
from typing import Any, Dict, Optional, Sequence, Tuple

import torch
from mmengine.model import BaseModule
from torch import nn

from neas_mm.registry import MODELS
from neas_mm.space import SKIP, STAGE_SETTINGS, EnsembleArch
from ..blocks import slice_mbconv_state
from ..utils import scale_gradient
from ..utils.frozen_modules import batch_norms_to_eval, freeze
from ..utils.pretrained_check import check_pretrained_matches
from .skeleton import build_operator, build_skeleton

_LAYER_KEY = re.compile(r'^layers\.(\d+)\._candidates\.([^.]+)\.(.*)$')
_ENTANGLED_KEY = re.compile(r'^layers\.(\d+)\.block\.(.*)$')


def _layer_slots(arch: EnsembleArch, layer: int) -> Dict[str, str]:
    """Ensemble key prefix -> operator, of every use of supernet layer
    ``layer`` in ``arch``."""
    if layer < arch.split:
        return {f'shared.{layer}.': arch.shared[layer]}
    i = layer - arch.split
    return {f'paths.{p}.{i}.': path[i] for p, path in enumerate(arch.paths)}


def slice_supernet_state_dict(state_dict: Dict[str, torch.Tensor],
                              arch: EnsembleArch,
                              se_ratio: Optional[float]
                              ) -> Dict[str, torch.Tensor]:
    """The weights of ``arch`` cut from a :class:`NEASSupernet` state dict
    (independent or entangled operators), keyed for
    :class:`NEASEnsembleBackbone`. ``se_ratio`` is the supernet's (it sets
    the SE widths of an entangled operator's slice)."""
    out: Dict[str, torch.Tensor] = {}
    entangled: Dict[int, Dict[str, torch.Tensor]] = {}
    for key, value in state_dict.items():
        match = _LAYER_KEY.match(key)
        if match is not None:
            layer, op, rest = int(match[1]), match[2], match[3]
            for prefix, chosen in _layer_slots(arch, layer).items():
                if chosen == op:
                    out[prefix + rest] = value
            continue
        match = _ENTANGLED_KEY.match(key)
        if match is not None:
            entangled.setdefault(int(match[1]), {})[match[2]] = value
        elif key.startswith(('stem.', 'ds.', 'tails.')):
            out[key] = value
    for layer, state in entangled.items():
        for prefix, op in _layer_slots(arch, layer).items():
            if op == SKIP:
                continue
            for rest, value in slice_mbconv_state(state, op,
                                                  se_ratio).items():
                out[prefix + rest] = value
    return out


FUSE_MODES = ('mean', 'concat')


@MODELS.register_module()
class NEASEnsembleBackbone(BaseModule):
    """A searched NEAS ensemble as a static network (mmpretrain and mmdet).

    The stem, the fixed DS layer and the first ``arch.split`` searchable
    layers are built once; each of the K paths has its own remaining layers.

    * ``out_indices=None`` (classification): every path ends in its tail
      (1x1 conv, pooling, 1x1 conv) and ``forward`` returns the K pooled
      path features, each (N, feature_channels), for
      :class:`NEASEnsembleHead`.
    * ``out_indices`` given (detection): ``forward`` returns the feature
      maps at the end of those stages (0..4; strides 4, 8, 16, 16, 32 in the
      official skeleton). A stage that ends before the split point has one
      shared map; a later one has K maps, fused by ``fuse``: ``'mean'``
      keeps the stage's channels, ``'concat'`` gives K times as many.
      ``out_channels`` lists the result, e.g. for an FPN's ``in_channels``.

    Args:
        arch: An :class:`EnsembleArch`, its dict, an official ``arch_list``
            or the path of an arch file.
        widen_factor: Multiplier of every width (as in the supernet).
        stem_channels: Width of the stem and the fixed DS layer.
        stage_settings: (channels, first stride) of each stage.
        tail_channels: Width of each path's 1x1 conv before pooling.
        feature_channels: Width of each path's pooled feature vector.
        se_ratio: Squeeze-excitation bottleneck ratio.
        out_indices: Stages whose output maps are returned; None for the
            classification output.
        fuse: How K path maps of one level are fused: 'mean' or 'concat'.
        frozen_stages: Freeze the stem and DS layer (0) and stages up to
            this index (1..5 for stages 0..4); -1 freezes nothing.
        norm_eval: Keep every BN in eval mode during training.
        drop_path_rate: Initial drop-path probability of residual blocks
            (the ScheduledDropPathHook changes it during training).
        shared_grad_scale: Gradient multiplier at the split point (the
            official retraining uses ``1 / K``).
        supernet_checkpoint: Take the initial weights by slicing this
            supernet checkpoint (keys under ``backbone.``) in
            ``init_weights``.
        norm_cfg: Normalisation config.
        act_cfg: Activation config.
        init_cfg: mmengine initialisation config (e.g. ``Pretrained`` from
            a retrained classifier with ``prefix='backbone.'``).
    """

    def __init__(self,
                 arch: Any,
                 widen_factor: float = 1.0,
                 stem_channels: int = 16,
                 stage_settings: Sequence[Tuple[int, int]] = STAGE_SETTINGS,
                 tail_channels: int = 960,
                 feature_channels: int = 1280,
                 se_ratio: float = 0.25,
                 out_indices: Optional[Sequence[int]] = None,
                 fuse: str = 'mean',
                 frozen_stages: int = -1,
                 norm_eval: bool = False,
                 drop_path_rate: float = 0.0,
                 shared_grad_scale: float = 1.0,
                 supernet_checkpoint: Optional[str] = None,
                 norm_cfg: dict = dict(type='BN'),
                 act_cfg: dict = dict(type='Swish'),
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.arch = EnsembleArch.parse(arch)
        num_stages = len(self.arch.stage_depths)
        if len(stage_settings) != num_stages:
            raise ValueError(
                f'arch has {num_stages} stages (stage_depths '
                f'{list(self.arch.stage_depths)}) but stage_settings lists '
                f'{len(stage_settings)}')
        if fuse not in FUSE_MODES:
            raise ValueError(f'fuse must be one of {FUSE_MODES}, got '
                             f'{fuse!r}')
        if out_indices is not None:
            out_indices = tuple(out_indices)
            bad = [i for i in out_indices if not 0 <= i < num_stages]
            if bad or not out_indices:
                raise ValueError(f'out_indices must be stage indices in '
                                 f'[0, {num_stages - 1}], got '
                                 f'{list(out_indices)}')
        if not -1 <= frozen_stages <= num_stages:
            raise ValueError(f'frozen_stages must be in [-1, {num_stages}],'
                             f' got {frozen_stages!r}')
        self.num_paths = self.arch.num_paths
        self.out_indices, self.fuse = out_indices, fuse
        self.frozen_stages, self.norm_eval = frozen_stages, norm_eval
        self.shared_grad_scale = shared_grad_scale
        self.se_ratio = se_ratio
        self.supernet_checkpoint = supernet_checkpoint
        parts = build_skeleton(self.num_paths, self.arch.stage_depths,
                               widen_factor, stem_channels, stage_settings,
                               tail_channels, feature_channels, se_ratio,
                               norm_cfg, act_cfg)
        self.stem, self.ds, self.shapes = parts.stem, parts.ds, parts.shapes
        split = self.arch.split
        self.shared = nn.ModuleList(
            build_operator(op, self.shapes[m], norm_cfg, act_cfg, se_ratio)
            for m, op in enumerate(self.arch.shared))
        self.paths = nn.ModuleList(
            nn.ModuleList(
                build_operator(op, self.shapes[split + i], norm_cfg,
                               act_cfg, se_ratio)
                for i, op in enumerate(path)) for path in self.arch.paths)
        self.feature_channels = parts.feature_channels
        if out_indices is None:
            self.tails = parts.tails
        # Index of each stage's last searchable layer.
        ends, total = [], 0
        for depth in self.arch.stage_depths:
            total += depth
            ends.append(total - 1)
        self.stage_ends = tuple(ends)
        self.set_drop_path_rate(drop_path_rate)
        self._freeze_stages()

    # ------------------------------------------------------------ shapes
    @property
    def out_channels(self) -> Tuple[int, ...]:
        """Channels of each returned level (or of each path's feature)."""
        if self.out_indices is None:
            return (self.feature_channels, ) * self.num_paths
        channels = []
        for i in self.out_indices:
            c = self.shapes[self.stage_ends[i]].out_channels
            split_level = self.stage_ends[i] >= self.arch.split
            channels.append(c * self.num_paths
                            if split_level and self.fuse == 'concat' else c)
        return tuple(channels)

    def set_drop_path_rate(self, rate: float) -> None:
        """Drop-path probability of every residual MBConv block."""
        if not 0.0 <= rate < 1.0:
            raise ValueError(f'drop path rate must be in [0, 1), got {rate}')
        for module in self.modules():
            if hasattr(module, 'drop_path_rate'):
                module.drop_path_rate = rate

    # ----------------------------------------------------------- weights
    def load_supernet_weights(self, state_dict: Dict[str, torch.Tensor],
                              strict: bool = True) -> None:
        """Take this architecture's weights from a supernet state dict
        (keys as in :class:`NEASSupernet`, without ``backbone.``)."""
        weights = slice_supernet_state_dict(state_dict, self.arch,
                                            self.se_ratio)
        if self.out_indices is not None:
            weights = {k: v for k, v in weights.items()
                       if not k.startswith('tails.')}
        self.load_state_dict(weights, strict=strict)

    def init_weights(self) -> None:
        check_pretrained_matches(self, self.init_cfg)
        super().init_weights()
        if self.supernet_checkpoint is not None:
            from neas_mm.compat import load_local_checkpoint
            checkpoint = load_local_checkpoint(self.supernet_checkpoint,
                                               map_location='cpu')
            state = checkpoint.get('state_dict', checkpoint)
            state = {k[len('backbone.'):]: v for k, v in state.items()
                     if k.startswith('backbone.')}
            self.load_supernet_weights(state)

    # ---------------------------------------------------- freeze / train
    def _stage_modules(self, stage: int) -> list:
        """Modules of stage ``stage`` (shared and per-path layers)."""
        first = self.stage_ends[stage] - self.arch.stage_depths[stage] + 1
        modules = []
        for m in range(first, self.stage_ends[stage] + 1):
            if m < self.arch.split:
                modules.append(self.shared[m])
            else:
                modules.extend(path[m - self.arch.split]
                               for path in self.paths)
        return modules

    def _freeze_stages(self) -> None:
        if self.frozen_stages < 0:
            return
        modules = [self.stem, self.ds]
        for stage in range(self.frozen_stages):
            modules.extend(self._stage_modules(stage))
        freeze(modules)

    def train(self, mode: bool = True) -> 'NEASEnsembleBackbone':
        super().train(mode)
        self._freeze_stages()
        if mode and self.norm_eval:
            batch_norms_to_eval(self)
        return self

    # ----------------------------------------------------------- forward
    def _fused(self, maps: Sequence[torch.Tensor]) -> torch.Tensor:
        # K maps (N, C, H, W) -> (N, C, H, W) (mean) or (N, K*C, H, W)
        if self.fuse == 'mean':
            return torch.stack(list(maps)).mean(0)
        return torch.cat(list(maps), dim=1)

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        """K pooled path features, or the requested feature levels."""
        # x: (N, 3, H, W) -> shared: (N, C_split, H / s, W / s)
        x = self.ds(self.stem(x))
        # Only the requested stage ends are kept (layer index -> map(s)).
        wanted = () if self.out_indices is None else \
            {self.stage_ends[i] for i in self.out_indices}
        levels: Dict[int, Any] = {}
        for m, layer in enumerate(self.shared):
            x = layer(x)
            if m in wanted:
                levels[m] = x
        x = scale_gradient(x, self.shared_grad_scale)
        outs = []
        for layers in self.paths:
            y = x
            for m, layer in enumerate(layers, start=self.arch.split):
                y = layer(y)
                if m in wanted:
                    levels.setdefault(m, []).append(y)
            outs.append(y)
        if self.out_indices is None:
            # (N, C_last, h, w) per path -> (N, feature_channels) per path
            return tuple(tail(y) for tail, y in zip(self.tails, outs))
        return tuple(
            levels[end] if end < self.arch.split else self._fused(levels[end])
            for end in (self.stage_ends[i] for i in self.out_indices))
