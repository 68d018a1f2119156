import torch
import torch.nn.functional as F
from mmcv.cnn import build_norm_layer
from torch import nn


class FactorizedReduce(nn.Module):
    """NASNet's factorized reduction: a hidden state brought to ``channels``
    filters, and to half its height and width when ``stride`` is 2.

    stride 2: two 1x1 convolutions of stride 2, one on the map and one on
    the map shifted by one pixel (zero-padded at the bottom right), each
    giving half the filters, concatenated, then BN. stride 1: 1x1 conv, BN.
    ``relu`` puts a ReLU in front (the cell's adjustment of h_{i-1}); the
    output concatenation of a cell uses it without.

    Args:
        in_channels: Input channels.
        channels: Output channels.
        stride: 1 or 2.
        relu: Apply a ReLU first.
        norm_cfg: Normalisation config.
    """

    def __init__(self, in_channels: int, channels: int, stride: int = 2,
                 relu: bool = True,
                 norm_cfg: dict = dict(type='BN')) -> None:
        super().__init__()
        if stride not in (1, 2):
            raise ValueError(f'FactorizedReduce: stride must be 1 or 2, got '
                             f'{stride!r}')
        self.stride, self.relu = stride, relu
        if stride == 1:
            self.conv = nn.Conv2d(in_channels, channels, 1, bias=False)
        else:
            half = channels // 2
            self.path1 = nn.Conv2d(in_channels, half, 1, bias=False)
            self.path2 = nn.Conv2d(in_channels, channels - half, 1,
                                   bias=False)
        self.bn = build_norm_layer(norm_cfg, channels)[1]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # x: (N, C_in, H, W) -> (N, C, ceil(H / stride), ceil(W / stride))
        if self.relu:
            x = F.relu(x)
        if self.stride == 1:
            return self.bn(self.conv(x))
        # 1x1 conv of stride 2 == 1x1 conv on every second pixel
        a = self.path1(x[:, :, ::2, ::2])
        shifted = F.pad(x, (0, 1, 0, 1))[:, :, 1:, 1:]
        b = self.path2(shifted[:, :, ::2, ::2])
        return self.bn(torch.cat([a, b], dim=1))
