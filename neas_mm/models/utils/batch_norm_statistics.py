import contextlib
from typing import Iterator

from torch import nn
from torch.nn.modules.batchnorm import _BatchNorm


@contextlib.contextmanager
def batch_statistics(model: nn.Module) -> Iterator[nn.Module]:
    """Evaluate ``model`` with every BN normalising by the batch's own
    statistics, leaving running statistics and modes untouched afterwards.

    In a supernet the running statistics mix many architectures; scoring
    one architecture with its batch statistics is the usual one-shot remedy.
    Everything but BN is in eval mode (no dropout).
    """
    modes = {m: m.training for m in model.modules()}
    saved = {}
    model.eval()
    for module in model.modules():
        if isinstance(module, _BatchNorm):
            tracked = module.num_batches_tracked
            saved[module] = (module.momentum,
                             None if tracked is None else tracked.clone())
            module.momentum = 0.0  # running <- running: no update
            module.train()
    try:
        yield model
    finally:
        for module, (momentum, tracked) in saved.items():
            module.momentum = momentum
            if tracked is not None:
                module.num_batches_tracked.copy_(tracked)
        for module, mode in modes.items():
            module.training = mode
