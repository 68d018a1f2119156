from .backbones import (NASNetBackbone, NEASEnsembleBackbone, NEASSupernet,
                        slice_supernet_state_dict)
from .blocks import DepthwiseSeparableConv, MBConv, PathTail, SqueezeExcite
from .classifiers import (NEASSupernetClassifier, pack_extra_state,
                          unpack_extra_state)
from .controller_policy import ControllerPolicy
from .heads import NEASEnsembleHead
from .samplers import DiversityKPathSampler, FairKPathSampler, KPathSampler

__all__ = [
    'ControllerPolicy',
    'DepthwiseSeparableConv', 'MBConv', 'PathTail', 'SqueezeExcite',
    'NASNetBackbone', 'NEASSupernet', 'NEASEnsembleBackbone',
    'slice_supernet_state_dict',
    'NEASEnsembleHead', 'NEASSupernetClassifier', 'KPathSampler',
    'DiversityKPathSampler', 'FairKPathSampler',
    'pack_extra_state', 'unpack_extra_state'
]
