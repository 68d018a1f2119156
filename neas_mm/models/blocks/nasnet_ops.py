"""The operations of the NASNet search space as modules (appendix A.4: ReLU,
convolution, BN; separable convolutions applied twice without BN or ReLU
between their depthwise and pointwise parts; 1x1 convolutions wherever the
filters must match)."""
from typing import Sequence, Tuple, Union

import torch
import torch.nn.functional as F
from mmcv.cnn import build_norm_layer
from torch import nn

from neas_mm.space import NASNET_OPS

Size = Union[int, Tuple[int, int]]


class ReLUConvBN(nn.Module):
    """ReLU -> one or more convolutions -> BN.

    Args:
        in_channels: Input channels.
        channels: Output channels.
        kernel_sizes: The convolutions' kernels, applied in turn (e.g.
            ``[(1, 7), (7, 1)]``); the first maps to ``channels``.
        strides: Their strides.
        dilation: Dilation of every convolution.
        norm_cfg: Normalisation config.
    """

    def __init__(self, in_channels: int, channels: int,
                 kernel_sizes: Sequence[Size] = (1, ),
                 strides: Sequence[Size] = (1, ), dilation: int = 1,
                 norm_cfg: dict = dict(type='BN')) -> None:
        super().__init__()
        convs = []
        for i, (kernel, stride) in enumerate(zip(kernel_sizes, strides)):
            kh, kw = (kernel, kernel) if isinstance(kernel, int) else kernel
            padding = (dilation * (kh - 1) // 2, dilation * (kw - 1) // 2)
            convs.append(nn.Conv2d(in_channels if i == 0 else channels,
                                   channels, (kh, kw), stride=stride,
                                   padding=padding, dilation=dilation,
                                   bias=False))
        self.convs = nn.Sequential(*convs)
        self.bn = build_norm_layer(norm_cfg, channels)[1]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # x: (N, C_in, H, W) -> (N, C, H / stride, W / stride)
        return self.bn(self.convs(F.relu(x)))


class StackedSeparableConv(nn.Module):
    """A kxk depthwise-separable convolution applied twice: (ReLU, kxk
    depthwise of ``stride``, 1x1 pointwise to ``channels``, BN), then the
    same with stride 1.

    Args:
        in_channels: Input channels.
        channels: Output channels.
        kernel_size: Depthwise kernel.
        stride: Stride of the first depthwise convolution.
        norm_cfg: Normalisation config.
    """

    def __init__(self, in_channels: int, channels: int, kernel_size: int,
                 stride: int = 1, norm_cfg: dict = dict(type='BN')) -> None:
        super().__init__()
        layers = []
        for i, c_in in enumerate((in_channels, channels)):
            layers += [
                nn.ReLU(),
                nn.Conv2d(c_in, c_in, kernel_size,
                          stride=stride if i == 0 else 1,
                          padding=kernel_size // 2, groups=c_in,
                          bias=False),
                nn.Conv2d(c_in, channels, 1, bias=False),
                build_norm_layer(norm_cfg, channels)[1],
            ]
        self.layers = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # x: (N, C_in, H, W) -> (N, C, H / stride, W / stride)
        return self.layers(x)


class PoolBranch(nn.Module):
    """kxk average (padding not counted) or max pooling, then 1x1 conv and
    BN when the filters must change.

    Args:
        kind: ``'avg'`` or ``'max'``.
        kernel_size: Pooling window.
        in_channels: Input channels.
        channels: Output channels.
        stride: Pooling stride.
        norm_cfg: Normalisation config.
    """

    def __init__(self, kind: str, kernel_size: int, in_channels: int,
                 channels: int, stride: int = 1,
                 norm_cfg: dict = dict(type='BN')) -> None:
        super().__init__()
        if kind == 'avg':
            self.pool = nn.AvgPool2d(kernel_size, stride, kernel_size // 2,
                                     count_include_pad=False)
        else:
            self.pool = nn.MaxPool2d(kernel_size, stride, kernel_size // 2)
        self.project = None
        if in_channels != channels:
            self.project = nn.Sequential(
                nn.Conv2d(in_channels, channels, 1, bias=False),
                build_norm_layer(norm_cfg, channels)[1])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # x: (N, C_in, H, W) -> (N, C, H / stride, W / stride)
        x = self.pool(x)
        return x if self.project is None else self.project(x)


#: (kind, kernel size) of every operation but identity.
OP_SPECS = {
    'conv_1x3_3x1': ('factorized', 3), 'conv_1x7_7x1': ('factorized', 7),
    'dil_conv_3x3': ('dilated', 3), 'avg_pool_3x3': ('avg', 3),
    'max_pool_3x3': ('max', 3), 'max_pool_5x5': ('max', 5),
    'max_pool_7x7': ('max', 7), 'conv_1x1': ('conv', 1),
    'conv_3x3': ('conv', 3), 'sep_conv_3x3': ('separable', 3),
    'sep_conv_5x5': ('separable', 5), 'sep_conv_7x7': ('separable', 7),
}


def build_nasnet_op(name: str, in_channels: int, channels: int,
                    stride: int = 1,
                    norm_cfg: dict = dict(type='BN')) -> nn.Module:
    """The module of operation ``name`` (one of ``NASNET_OPS``) from
    ``in_channels`` to ``channels`` filters. ``identity`` is a strided
    ReLU-1x1-BN when it must reduce or change the filters."""
    if name not in NASNET_OPS:
        raise ValueError(f'unknown NASNet operation {name!r}; allowed: '
                         f'{", ".join(NASNET_OPS)}')
    if name == 'identity':
        if stride == 1 and in_channels == channels:
            return nn.Identity()
        return ReLUConvBN(in_channels, channels, (1, ), (stride, ),
                          norm_cfg=norm_cfg)
    kind, k = OP_SPECS[name]
    if kind in ('avg', 'max'):
        return PoolBranch(kind, k, in_channels, channels, stride, norm_cfg)
    if kind == 'separable':
        return StackedSeparableConv(in_channels, channels, k, stride,
                                    norm_cfg)
    if kind == 'factorized':
        return ReLUConvBN(in_channels, channels, [(1, k), (k, 1)],
                          [(1, stride), (stride, 1)], norm_cfg=norm_cfg)
    return ReLUConvBN(in_channels, channels, (k, ), (stride, ),
                      2 if kind == 'dilated' else 1, norm_cfg)
