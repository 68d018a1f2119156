from .batch_norm_statistics import batch_statistics
from .scale_gradient import ScaleGradient, scale_gradient

__all__ = ['ScaleGradient', 'scale_gradient', 'batch_statistics']
