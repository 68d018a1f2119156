"""One searchable layer whose MBConv operators share one set of weights."""
from typing import Dict, Optional, Sequence

import torch
import torch.nn.functional as F
from mmrazor.models import OneShotMutableValue
from torch import nn

from neas_mm.registry import MODELS
from neas_mm.space import MBCONV_SPECS, SKIP
from ..utils.drop_path import drop_path
from .mbconv import MBConv
from .mbconv_slicing import op_widths, slice_mbconv_state, sliced_batch_norm


@MODELS.register_module()
class EntangledMBConv(nn.Module):
    """A searchable layer of weight-entangled MBConv+SE operators.

    OFA/BigNAS-style sharing: the layer keeps the weights of its largest
    operator (k7, e6) as an :class:`MBConv`; a smaller operator uses the
    first ``in * expand`` hidden channels, the centre of the depthwise
    kernel and the first SE channels (BN sliced alike). ``skip`` is the
    identity. The chosen operator of a single-path subnet is an mmrazor
    ``OneShotMutableValue`` named ``alias``, so mmrazor's
    ``export_fix_subnet`` and ``load_fix_subnet`` record and fix the
    choice as with ``OneShotMutableOP``; a fixed layer still holds the
    largest operator's weights (``static_op`` gives the chosen one alone).

    mmrazor's dynamic ops keep the active width and kernel as mutable state
    per op; here one layer runs a different operator for each ensemble path
    within one forward, so the operator is an argument and the slicing is
    stateless.

    Args:
        in_channels: Input channels.
        out_channels: Output channels.
        stride: Stride of the depthwise convolution.
        ops: Operator names of this layer (MBConv names and maybe skip).
        se_ratio: SE bottleneck share of the hidden width.
        norm_cfg: Normalisation config (BN: it is sliced per operator).
        act_cfg: Activation config.
        alias: Name of the layer's mutable (``'layer<m>'``).
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 stride: int,
                 ops: Sequence[str],
                 se_ratio: Optional[float] = 0.25,
                 norm_cfg: dict = dict(type='BN'),
                 act_cfg: dict = dict(type='Swish'),
                 alias: Optional[str] = None) -> None:
        super().__init__()
        mbconvs = [op for op in ops if op != SKIP]
        if not mbconvs or any(op not in MBCONV_SPECS for op in mbconvs):
            raise ValueError(f'ops must name MBConv operators '
                             f'{sorted(MBCONV_SPECS)} (and maybe skip), '
                             f'got {list(ops)}')
        if SKIP in ops and (stride != 1 or in_channels != out_channels):
            raise ValueError('skip needs stride 1 and in == out channels')
        if norm_cfg.get('type') not in ('BN', 'BN2d') or \
                not norm_cfg.get('affine', True) or \
                not norm_cfg.get('track_running_stats', True):
            raise ValueError(f"entangled operators slice BN with affine "
                             f"weights and running statistics; norm_cfg "
                             f"must be dict(type='BN'), got {norm_cfg!r}")
        self.in_channels, self.out_channels = in_channels, out_channels
        self.stride, self.se_ratio = stride, se_ratio
        self.norm_cfg, self.act_cfg = dict(norm_cfg), dict(act_cfg)
        kernel = max(MBCONV_SPECS[op][0] for op in mbconvs)
        expand = max(MBCONV_SPECS[op][1] for op in mbconvs)
        self.block = MBConv(in_channels, out_channels, kernel, expand,
                            stride, se_ratio, norm_cfg, act_cfg)
        self.mutable = OneShotMutableValue(value_list=list(ops),
                                           alias=alias)

    @property
    def ops(self) -> Sequence[str]:
        return self.mutable.choices

    @property
    def current_choice(self) -> str:
        return self.mutable.current_choice

    @current_choice.setter
    def current_choice(self, op: str) -> None:
        self.mutable.current_choice = op

    def op_state_dict(self, op: str) -> Dict[str, torch.Tensor]:
        """Weights of ``op`` keyed for a static :class:`MBConv`."""
        return slice_mbconv_state(self.block.state_dict(), op,
                                  self.se_ratio)

    def static_op(self, op: str) -> nn.Module:
        """``op`` as a static module holding its share of the weights (in
        this layer's train/eval mode)."""
        if op == SKIP:
            return nn.Identity().train(self.training)
        kernel, expand = MBCONV_SPECS[op]
        module = MBConv(self.in_channels, self.out_channels, kernel, expand,
                        self.stride, self.se_ratio, self.norm_cfg,
                        self.act_cfg)
        module.load_state_dict(self.op_state_dict(op))
        return module.to(self.block.project.conv.weight).train(self.training)

    def forward_choice(self, x: torch.Tensor, op: str) -> torch.Tensor:
        """Run operator ``op`` on ``x``."""
        # x: (N, C_in, H, W) -> (N, C_out, H / stride, W / stride)
        if op not in self.ops:
            raise ValueError(f'operator {op!r} is not among this layer\'s '
                             f'{list(self.ops)}')
        if op == SKIP:
            return x
        b = self.block
        w = op_widths(op, self.in_channels, self.se_ratio)
        h, k, r = w['hidden'], w['kernel'], w['reduced']
        # 1x1 expansion: (N, C_in, H, W) -> (N, h, H, W)
        out = F.conv2d(x, b.expand.conv.weight[:h])
        out = b.expand.activate(sliced_batch_norm(b.expand.bn, out))
        # k x k depthwise, centre of the largest kernel
        lo = (b.depthwise.conv.kernel_size[0] - k) // 2
        out = F.conv2d(out, b.depthwise.conv.weight[:h, :, lo:lo + k,
                                                     lo:lo + k],
                       stride=self.stride, padding=k // 2, groups=h)
        out = b.depthwise.activate(sliced_batch_norm(b.depthwise.bn, out))
        if r:
            # SE: (N, h, 1, 1) gate from an r-channel bottleneck
            se = b.se
            s = out.mean((2, 3), keepdim=True)
            s = se.act(F.conv2d(s, se.reduce.weight[:r, :h],
                                se.reduce.bias[:r]))
            s = se.gate(F.conv2d(s, se.expand.weight[:h, :r],
                                 se.expand.bias[:h]))
            out = out * s
        # 1x1 projection: (N, h, H', W') -> (N, C_out, H', W')
        out = F.conv2d(out, b.project.conv.weight[:, :h])
        out = b.project.bn(out)
        if b.has_residual:
            out = drop_path(out, b.drop_path_rate, self.training) + x
        return out

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.forward_choice(x, self.current_choice)
