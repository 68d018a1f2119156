import re
from typing import Any, Dict, Optional, Sequence, Tuple

import torch
from mmengine.model import BaseModule
from torch import nn

from neas_mm.registry import MODELS
from neas_mm.space import STAGE_SETTINGS, EnsembleArch
from ..utils import scale_gradient
from .skeleton import build_operator, build_skeleton

_LAYER_KEY = re.compile(r'^layers\.(\d+)\._candidates\.([^.]+)\.(.*)$')


def slice_supernet_state_dict(state_dict: Dict[str, torch.Tensor],
                              arch: EnsembleArch
                              ) -> Dict[str, torch.Tensor]:
    """The weights of ``arch`` cut from a :class:`NEASSupernet` state dict,
    keyed for :class:`NEASEnsembleBackbone`."""
    out = {}
    for key, value in state_dict.items():
        match = _LAYER_KEY.match(key)
        if match is None:
            if key.startswith(('stem.', 'ds.', 'tails.')):
                out[key] = value
            continue
        layer, op, rest = int(match[1]), match[2], match[3]
        if layer < arch.split:
            if arch.shared[layer] == op:
                out[f'shared.{layer}.{rest}'] = value
            continue
        for p, path in enumerate(arch.paths):
            if path[layer - arch.split] == op:
                out[f'paths.{p}.{layer - arch.split}.{rest}'] = value
    return out


@MODELS.register_module()
class NEASEnsembleBackbone(BaseModule):
    """A searched NEAS ensemble as a static network.

    The stem, the fixed DS layer and the first ``arch.split`` searchable
    layers are built once; each of the K paths has its own remaining layers
    and tail. ``forward`` returns the K pooled path features.

    Args:
        arch: The architecture: an :class:`EnsembleArch`, its dict, an
            official ``arch_list`` or the path of an arch file.
        widen_factor: Multiplier of every width (as in the supernet).
        stem_channels: Width of the stem and the fixed DS layer.
        stage_settings: (channels, first stride) of each stage.
        tail_channels: Width of each path's 1x1 conv before pooling.
        feature_channels: Width of each path's pooled feature vector.
        se_ratio: Squeeze-excitation bottleneck ratio.
        shared_grad_scale: Gradient multiplier at the split point (the
            official retraining uses ``1 / K``).
        norm_cfg: Normalisation config.
        act_cfg: Activation config.
        init_cfg: mmengine initialisation config.
    """

    def __init__(self,
                 arch: Any,
                 widen_factor: float = 1.0,
                 stem_channels: int = 16,
                 stage_settings: Sequence[Tuple[int, int]] = STAGE_SETTINGS,
                 tail_channels: int = 960,
                 feature_channels: int = 1280,
                 se_ratio: float = 0.25,
                 shared_grad_scale: float = 1.0,
                 norm_cfg: dict = dict(type='BN'),
                 act_cfg: dict = dict(type='Swish'),
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.arch = EnsembleArch.parse(arch)
        self.num_paths = self.arch.num_paths
        self.shared_grad_scale = shared_grad_scale
        parts = build_skeleton(self.num_paths, self.arch.stage_depths,
                               widen_factor, stem_channels, stage_settings,
                               tail_channels, feature_channels, se_ratio,
                               norm_cfg, act_cfg)
        self.stem, self.ds, shapes = parts.stem, parts.ds, parts.shapes
        split = self.arch.split
        self.shared = nn.ModuleList(
            build_operator(op, shapes[m], norm_cfg, act_cfg, se_ratio)
            for m, op in enumerate(self.arch.shared))
        self.paths = nn.ModuleList(
            nn.ModuleList(
                build_operator(op, shapes[split + i], norm_cfg, act_cfg,
                               se_ratio) for i, op in enumerate(path))
            for path in self.arch.paths)
        self.tails = parts.tails
        self.feature_channels = parts.feature_channels

    def load_supernet_weights(self, state_dict: Dict[str, torch.Tensor],
                              strict: bool = True) -> None:
        """Take this architecture's weights from a supernet state dict."""
        self.load_state_dict(slice_supernet_state_dict(state_dict,
                                                       self.arch),
                             strict=strict)

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        """K pooled path features, each (N, feature_channels)."""
        # x: (N, 3, H, W) -> shared: (N, C_split, h, w)
        x = self.ds(self.stem(x))
        for layer in self.shared:
            x = layer(x)
        x = scale_gradient(x, self.shared_grad_scale)
        outs = []
        for layers, tail in zip(self.paths, self.tails):
            y = x
            for layer in layers:
                y = layer(y)
            outs.append(tail(y))  # (N, feature_channels)
        return tuple(outs)
