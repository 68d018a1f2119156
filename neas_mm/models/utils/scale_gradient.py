import torch


class ScaleGradient(torch.autograd.Function):
    """Identity forward; the gradient is multiplied by ``scale`` backward.

    Used to divide the gradient entering the shared trunk by K, as the
    official NEAS retraining does.
    """

    @staticmethod
    def forward(ctx, x: torch.Tensor, scale: float) -> torch.Tensor:
        ctx.scale = scale
        return x.view_as(x)

    @staticmethod
    def backward(ctx, grad: torch.Tensor):
        return grad * ctx.scale, None


def scale_gradient(x: torch.Tensor, scale: float) -> torch.Tensor:
    """``x`` unchanged, its gradient scaled by ``scale`` (no-op at 1)."""
    return x if scale == 1 else ScaleGradient.apply(x, scale)
