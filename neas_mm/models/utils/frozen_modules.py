"""What mmdet-style backbones do in ``train()``: freeze their first stages
and keep BatchNorm layers in eval mode (``norm_eval``)."""
from typing import Iterable

from torch import nn
from torch.nn.modules.batchnorm import _BatchNorm


def freeze(modules: Iterable[nn.Module]) -> None:
    """Eval mode and no gradients for every module of ``modules``."""
    for module in modules:
        module.eval()
        for param in module.parameters():
            param.requires_grad = False


def batch_norms_to_eval(model: nn.Module) -> None:
    """Every BatchNorm layer of ``model`` in eval mode (its statistics
    frozen), the rest as it is."""
    for module in model.modules():
        if isinstance(module, _BatchNorm):
            module.eval()
