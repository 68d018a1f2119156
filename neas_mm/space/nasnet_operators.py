"""The NASNet search space's operations and combine methods (Zoph et al.,
CVPR 2018, Sec. 3 steps 3-5), in the order the controller indexes them.

Every operation maps a hidden state to the cell's ``C`` filters; in a
reduction cell the ones applied to the two cell inputs have stride 2.
"""
from typing import Tuple

#: Operation names; a decision's integer is the index in this tuple.
NASNET_OPS: Tuple[str, ...] = (
    'identity',
    'conv_1x3_3x1',    # 1x3 then 3x1 convolution
    'conv_1x7_7x1',    # 1x7 then 7x1 convolution
    'dil_conv_3x3',    # 3x3 dilated convolution (dilation 2)
    'avg_pool_3x3',
    'max_pool_3x3',
    'max_pool_5x5',
    'max_pool_7x7',
    'conv_1x1',
    'conv_3x3',
    'sep_conv_3x3',    # depthwise-separable, applied twice (appendix A.4)
    'sep_conv_5x5',
    'sep_conv_7x7',
)

#: How a block merges its two branches: element-wise sum (C filters) or
#: concatenation along the filters (2C).
NASNET_COMBINES: Tuple[str, ...] = ('add', 'concat')

IDENTITY = 'identity'
