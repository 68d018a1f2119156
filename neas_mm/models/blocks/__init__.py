from .depthwise_separable import DepthwiseSeparableConv
from .entangled_mbconv import EntangledMBConv
from .factorized_reduce import FactorizedReduce
from .make_divisible import make_divisible
from .mbconv import MBConv
from .mbconv_slicing import op_widths, slice_mbconv_state, sliced_batch_norm
from .nasnet_cell_module import NASNetCellModule
from .nasnet_ops import (PoolBranch, ReLUConvBN, StackedSeparableConv,
                         build_nasnet_op)
from .path_tail import PathTail
from .squeeze_excite import SqueezeExcite

__all__ = ['DepthwiseSeparableConv', 'MBConv', 'SqueezeExcite',
           'make_divisible', 'PathTail', 'EntangledMBConv',
           'slice_mbconv_state', 'sliced_batch_norm', 'op_widths',
           'FactorizedReduce', 'NASNetCellModule', 'PoolBranch', 'ReLUConvBN',
           'StackedSeparableConv', 'build_nasnet_op']
