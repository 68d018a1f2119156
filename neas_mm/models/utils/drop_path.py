import torch


def drop_path(x: torch.Tensor, prob: float, training: bool) -> torch.Tensor:
    """Zero whole samples of a residual branch with probability ``prob``
    (scaling the kept ones by 1 / (1 - prob)); identity when not training
    or ``prob`` is 0."""
    if not training or prob <= 0.0:
        return x
    keep = 1.0 - prob
    # one Bernoulli draw per sample: (N, 1, 1, 1)
    mask = x.new_empty((x.shape[0], ) + (1, ) * (x.dim() - 1)).bernoulli_(
        keep)
    return x * mask / keep
