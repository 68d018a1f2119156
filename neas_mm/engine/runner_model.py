from mmengine.model import is_model_wrapper
from torch import nn


def runner_model(runner) -> nn.Module:
    """The Runner's model, unwrapped from DDP (or another model wrapper)."""
    model = runner.model
    return model.module if is_model_wrapper(model) else model
