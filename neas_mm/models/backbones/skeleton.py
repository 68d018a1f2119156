"""Shapes of the NEAS skeleton, shared by the supernet and static networks."""
from dataclasses import dataclass
from typing import List, Sequence, Tuple

from mmcv.cnn import ConvModule
from torch import nn

from neas_mm.space import MBCONV_SPECS, SKIP, stage_first_layers
from ..blocks import DepthwiseSeparableConv, MBConv, PathTail, make_divisible


@dataclass(frozen=True)
class LayerShape:
    """Input/output channels and stride of one searchable layer.

    Args:
        stage: Index of the layer's stage.
        in_channels: Input channels.
        out_channels: Output channels.
        stride: Stride (the first layer of a stage may downsample).
        stage_first: Whether the layer opens its stage (no skip there).
    """
    stage: int
    in_channels: int
    out_channels: int
    stride: int
    stage_first: bool


def scale_channels(channels: int, widen_factor: float) -> int:
    """Channels after the width multiplier, kept a multiple of 8."""
    return make_divisible(channels * widen_factor, 8)


def layer_shapes(stem_channels: int,
                 stage_settings: Sequence[Tuple[int, int]],
                 stage_depths: Sequence[int]) -> List[LayerShape]:
    """The searchable layers: stage ``i`` has ``stage_depths[i]`` layers of
    ``stage_settings[i] = (channels, first stride)``."""
    if len(stage_settings) != len(stage_depths):
        raise ValueError(f'{len(stage_settings)} stage settings but '
                         f'{len(stage_depths)} stage depths')
    shapes, in_channels = [], stem_channels
    firsts = set(stage_first_layers(tuple(stage_depths)))
    for stage, ((channels, stride), depth) in enumerate(
            zip(stage_settings, stage_depths)):
        for i in range(depth):
            index = len(shapes)
            shapes.append(
                LayerShape(stage, in_channels, channels,
                           stride if i == 0 else 1, index in firsts))
            in_channels = channels
    return shapes


def build_operator(op: str, shape: LayerShape, norm_cfg: dict,
                   act_cfg: dict, se_ratio: float = 0.25) -> nn.Module:
    """The module of operator ``op`` at a layer of ``shape``."""
    if op == SKIP:
        if shape.stage_first:
            raise ValueError("skip is not allowed on a stage's first layer")
        return nn.Identity()
    kernel_size, expand_ratio = MBCONV_SPECS[op]
    return MBConv(shape.in_channels, shape.out_channels, kernel_size,
                  expand_ratio, shape.stride, se_ratio=se_ratio,
                  norm_cfg=norm_cfg, act_cfg=act_cfg)


@dataclass
class SkeletonParts:
    """The fixed parts of a NEAS network and its layer shapes.

    Args:
        stem: The 3x3 stride-2 stem conv.
        ds: The fixed depthwise-separable layer.
        shapes: Shape of every searchable layer.
        tails: The K path tails.
        feature_channels: Width of each path's pooled features.
    """
    stem: nn.Module
    ds: nn.Module
    shapes: List[LayerShape]
    tails: nn.ModuleList
    feature_channels: int


def build_skeleton(num_paths: int, stage_depths: Sequence[int],
                   widen_factor: float, stem_channels: int,
                   stage_settings: Sequence[Tuple[int, int]],
                   tail_channels: int, feature_channels: int,
                   se_ratio: float, norm_cfg: dict,
                   act_cfg: dict) -> SkeletonParts:
    """Stem 3x3 conv (stride 2), the fixed DS layer, the searchable layers'
    shapes and K path tails, all widths scaled by ``widen_factor``."""
    stem = scale_channels(stem_channels, widen_factor)
    settings = [(scale_channels(c, widen_factor), s)
                for c, s in stage_settings]
    features = scale_channels(feature_channels, widen_factor)
    tails = nn.ModuleList(
        PathTail(settings[-1][0], scale_channels(tail_channels, widen_factor),
                 features, norm_cfg, act_cfg) for _ in range(num_paths))
    return SkeletonParts(
        stem=ConvModule(3, stem, 3, stride=2, padding=1, bias=False,
                        norm_cfg=norm_cfg, act_cfg=act_cfg),
        ds=DepthwiseSeparableConv(stem, stem, 3, 1, se_ratio, norm_cfg,
                                  act_cfg),
        shapes=layer_shapes(stem, settings, stage_depths),
        tails=tails, feature_channels=features)
