from .batch_norm_statistics import (batch_statistics, preserved_bn_state,
                                    recalibrated_bn)
from .drop_path import drop_path
from .scale_gradient import ScaleGradient, scale_gradient

__all__ = ['ScaleGradient', 'scale_gradient', 'batch_statistics', 'drop_path',
           'preserved_bn_state', 'recalibrated_bn']
