import torch
from torch import nn

from neas_mm.registry import MODELS
from .make_divisible import make_divisible


@MODELS.register_module()
class SqueezeExcite(nn.Module):
    """Squeeze-and-excitation with a ReLU bottleneck and a hard-sigmoid gate.

    Args:
        channels: Channels of the gated feature map.
        ratio: Bottleneck width as a share of ``channels``; the width is
            rounded by :func:`make_divisible` to a multiple of ``divisor``.
        divisor: Rounding unit of the bottleneck width.
    """

    def __init__(self, channels: int, ratio: float = 0.25,
                 divisor: int = 8) -> None:
        super().__init__()
        reduced = make_divisible(channels * ratio, divisor)
        self.reduce = nn.Conv2d(channels, reduced, 1, bias=True)
        self.act = nn.ReLU(inplace=True)
        self.expand = nn.Conv2d(reduced, channels, 1, bias=True)
        self.gate = nn.Hardsigmoid()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # x: (N, C, H, W) -> scale: (N, C, 1, 1)
        scale = x.mean((2, 3), keepdim=True)
        scale = self.gate(self.expand(self.act(self.reduce(scale))))
        return x * scale
