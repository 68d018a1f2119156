import torch
from mmcv.cnn import ConvModule
from torch import nn

from neas_mm.registry import MODELS


@MODELS.register_module()
class PathTail(nn.Module):
    """The per-path end of a NEAS network: 1x1 conv, global average pooling,
    then a 1x1 conv with bias and activation (960 and 1280 channels in the
    official skeleton).

    Args:
        in_channels: Channels of the last searchable layer.
        mid_channels: Channels of the 1x1 conv before pooling.
        out_channels: Channels of the pooled feature vector.
        norm_cfg: Normalisation config of the first conv.
        act_cfg: Activation config.
    """

    def __init__(self, in_channels: int, mid_channels: int,
                 out_channels: int, norm_cfg: dict = dict(type='BN'),
                 act_cfg: dict = dict(type='Swish')) -> None:
        super().__init__()
        self.conv = ConvModule(in_channels, mid_channels, 1, bias=False,
                               norm_cfg=norm_cfg, act_cfg=act_cfg)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.head_conv = ConvModule(mid_channels, out_channels, 1,
                                    bias=True, norm_cfg=None,
                                    act_cfg=act_cfg)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # x: (N, C_in, H, W) -> (N, C_out)
        return self.head_conv(self.pool(self.conv(x))).flatten(1)
