from typing import Optional

import torch
from mmcv.cnn import ConvModule
from torch import nn

from neas_mm.registry import MODELS
from .squeeze_excite import SqueezeExcite


@MODELS.register_module()
class DepthwiseSeparableConv(nn.Module):
    """kxk depthwise -> SE -> 1x1 projection (the fixed first NEAS layer),
    with a residual connection when the shape is kept.

    Args:
        in_channels: Input channels.
        out_channels: Output channels.
        kernel_size: Depthwise kernel size.
        stride: Stride of the depthwise convolution.
        se_ratio: SE bottleneck share of ``in_channels``; None disables SE.
        norm_cfg: Normalisation config.
        act_cfg: Activation config.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 kernel_size: int = 3,
                 stride: int = 1,
                 se_ratio: Optional[float] = 0.25,
                 norm_cfg: dict = dict(type='BN'),
                 act_cfg: dict = dict(type='Swish')) -> None:
        super().__init__()
        self.has_residual = stride == 1 and in_channels == out_channels
        self.depthwise = ConvModule(in_channels, in_channels, kernel_size,
                                    stride=stride,
                                    padding=kernel_size // 2,
                                    groups=in_channels, bias=False,
                                    norm_cfg=norm_cfg, act_cfg=act_cfg)
        self.se = SqueezeExcite(in_channels, se_ratio) if se_ratio else \
            nn.Identity()
        self.project = ConvModule(in_channels, out_channels, 1, bias=False,
                                  norm_cfg=norm_cfg, act_cfg=None)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # x: (N, C_in, H, W) -> (N, C_out, H / stride, W / stride)
        out = self.project(self.se(self.depthwise(x)))
        if self.has_residual:
            out = out + x
        return out
