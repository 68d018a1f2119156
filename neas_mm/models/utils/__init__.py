from .batch_norm_statistics import (BNStats, batch_statistics, bn_stats,
                                    load_bn_stats, preserved_bn_state,
                                    recalibrated_bn, recalibrated_paths)
from .drop_path import drop_path
from .scale_gradient import ScaleGradient, scale_gradient

__all__ = ['ScaleGradient', 'scale_gradient', 'batch_statistics', 'drop_path',
           'preserved_bn_state', 'recalibrated_bn', 'recalibrated_paths',
           'bn_stats', 'load_bn_stats', 'BNStats']
