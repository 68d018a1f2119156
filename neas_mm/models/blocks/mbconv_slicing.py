"""How a smaller MBConv operator is cut from the largest one's weights."""
from typing import Dict, Optional

import torch
import torch.nn.functional as F
from torch import nn

from neas_mm.space import MBCONV_SPECS
from .make_divisible import make_divisible


def sliced_batch_norm(bn: nn.BatchNorm2d, x: torch.Tensor) -> torch.Tensor:
    """``bn`` applied to the first ``x.shape[1]`` of its channels.

    Weights and running statistics are sliced as views, so training
    updates the first channels of the full buffers in place; the momentum
    rule (``None``: cumulative average) is ``_BatchNorm``'s.
    """
    c = x.shape[1]
    factor = 0.0
    if bn.training and bn.track_running_stats:
        bn.num_batches_tracked.add_(1)
        factor = (1.0 / float(bn.num_batches_tracked)
                  if bn.momentum is None else bn.momentum)
    return F.batch_norm(x, bn.running_mean[:c], bn.running_var[:c],
                        bn.weight[:c], bn.bias[:c], bn.training, factor,
                        bn.eps)


def op_widths(op: str, in_channels: int, se_ratio: Optional[float]
              ) -> Dict[str, int]:
    """Kernel, hidden and SE widths of operator ``op`` (as in MBConv)."""
    kernel, expand = MBCONV_SPECS[op]
    hidden = int(round(in_channels * expand))
    reduced = make_divisible(hidden * se_ratio, 8) if se_ratio else 0
    return dict(kernel=kernel, hidden=hidden, reduced=reduced)


def slice_mbconv_state(state: Dict[str, torch.Tensor], op: str,
                       se_ratio: Optional[float]) -> Dict[str, torch.Tensor]:
    """Weights of operator ``op`` cut from the largest operator's
    :class:`MBConv` state dict, keyed for an ``MBConv`` of ``op``.

    Hidden channels are the first ``in * expand`` ones, the depthwise
    kernel is the centre ``k x k`` of the largest kernel, the SE
    bottleneck its first channels.
    """
    w = op_widths(op, state['expand.conv.weight'].shape[1], se_ratio)
    h, r = w['hidden'], w['reduced']
    k_max = state['depthwise.conv.weight'].shape[-1]
    lo = (k_max - w['kernel']) // 2
    out = {}
    for key, value in state.items():
        if key == 'depthwise.conv.weight':
            value = value[:h, :, lo:lo + w['kernel'], lo:lo + w['kernel']]
        elif key.startswith(('expand.', 'depthwise.')) and value.ndim:
            value = value[:h]
        elif key == 'se.reduce.weight':
            value = value[:r, :h]
        elif key == 'se.reduce.bias':
            value = value[:r]
        elif key == 'se.expand.weight':
            value = value[:h, :r]
        elif key == 'se.expand.bias':
            value = value[:h]
        elif key == 'project.conv.weight':
            value = value[:, :h]
        out[key] = value
    return out
