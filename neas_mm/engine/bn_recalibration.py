"""Batch-norm recalibration of one architecture of a supernet."""
import contextlib
from typing import Callable, Iterable, Iterator

import torch
from torch import nn
from torch.nn.modules.batchnorm import _BatchNorm


@contextlib.contextmanager
def recalibrated_bn(model: nn.Module, forward: Callable[[torch.Tensor], None],
                    batches: Iterable[torch.Tensor]) -> Iterator[nn.Module]:
    """Within the block, every BN of ``model`` holds running statistics
    re-estimated from ``batches`` (a cumulative average over them, through
    ``forward``) and the model is in eval mode. On exit the previous
    statistics, momenta and modes come back, so the supernet is unchanged.
    """
    bns = [m for m in model.modules() if isinstance(m, _BatchNorm)]
    saved = [(m.running_mean.clone(), m.running_var.clone(),
              m.num_batches_tracked.clone(), m.momentum) for m in bns]
    modes = {m: m.training for m in model.modules()}
    try:
        model.eval()
        for m in bns:
            m.reset_running_stats()
            m.momentum = None  # cumulative moving average
            m.train()
        with torch.no_grad():
            for inputs in batches:
                forward(inputs)
        model.eval()
        yield model
    finally:
        for m, (mean, var, tracked, momentum) in zip(bns, saved):
            m.running_mean.copy_(mean)
            m.running_var.copy_(var)
            m.num_batches_tracked.copy_(tracked)
            m.momentum = momentum
        for m, mode in modes.items():
            m.training = mode
