from .backbones import (NEASEnsembleBackbone, NEASSupernet,
                        slice_supernet_state_dict)
from .blocks import DepthwiseSeparableConv, MBConv, PathTail, SqueezeExcite
from .classifiers import NEASSupernetClassifier
from .heads import NEASEnsembleHead
from .samplers import KPathSampler

__all__ = [
    'DepthwiseSeparableConv', 'MBConv', 'PathTail', 'SqueezeExcite',
    'NEASSupernet', 'NEASEnsembleBackbone', 'slice_supernet_state_dict',
    'NEASEnsembleHead', 'NEASSupernetClassifier', 'KPathSampler'
]
