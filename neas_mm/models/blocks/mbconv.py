from typing import Optional

import torch
from mmcv.cnn import ConvModule
from torch import nn

from neas_mm.registry import MODELS
from ..utils.drop_path import drop_path
from .squeeze_excite import SqueezeExcite


@MODELS.register_module()
class MBConv(nn.Module):
    """Mobile inverted bottleneck with squeeze-excitation (NEAS operator).

    1x1 expansion -> kxk depthwise (stride) -> SE -> 1x1 linear projection,
    with a residual connection when the shape is kept. ``drop_path_rate``
    (an attribute, 0 by default) drops the residual branch per sample during
    training (NASNet's ScheduledDropPath sets it).

    Args:
        in_channels: Input channels.
        out_channels: Output channels.
        kernel_size: Depthwise kernel size (3, 5 or 7 in NEAS).
        expand_ratio: Hidden width as a multiple of ``in_channels``.
        stride: Stride of the depthwise convolution (1 or 2).
        se_ratio: SE bottleneck share of the hidden width; None disables SE.
        norm_cfg: Normalisation config (mmcv ``build_norm_layer``).
        act_cfg: Activation config (Swish in NEAS).
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 kernel_size: int = 3,
                 expand_ratio: float = 4,
                 stride: int = 1,
                 se_ratio: Optional[float] = 0.25,
                 norm_cfg: dict = dict(type='BN'),
                 act_cfg: dict = dict(type='Swish')) -> None:
        super().__init__()
        if stride not in (1, 2):
            raise ValueError(f'stride must be 1 or 2, got {stride!r}')
        if kernel_size % 2 != 1:
            raise ValueError(f'kernel_size must be odd, got {kernel_size!r}')
        hidden = int(round(in_channels * expand_ratio))
        self.has_residual = stride == 1 and in_channels == out_channels
        self.drop_path_rate = 0.0
        self.expand = ConvModule(in_channels, hidden, 1, bias=False,
                                 norm_cfg=norm_cfg, act_cfg=act_cfg)
        self.depthwise = ConvModule(hidden, hidden, kernel_size,
                                    stride=stride,
                                    padding=kernel_size // 2, groups=hidden,
                                    bias=False, norm_cfg=norm_cfg,
                                    act_cfg=act_cfg)
        self.se = SqueezeExcite(hidden, se_ratio) if se_ratio else \
            nn.Identity()
        self.project = ConvModule(hidden, out_channels, 1, bias=False,
                                  norm_cfg=norm_cfg, act_cfg=None)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # x: (N, C_in, H, W) -> (N, C_out, H / stride, W / stride)
        out = self.project(self.se(self.depthwise(self.expand(x))))
        if self.has_residual:
            out = drop_path(out, self.drop_path_rate, self.training) + x
        return out
