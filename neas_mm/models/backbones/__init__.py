from .neas_ensemble import NEASEnsembleBackbone, slice_supernet_state_dict
from .nasnet import NASNetBackbone
from .neas_supernet import NEASSupernet
from .skeleton import LayerShape, build_operator, layer_shapes, scale_channels

__all__ = [
    'NASNetBackbone', 'NEASSupernet', 'NEASEnsembleBackbone',
    'slice_supernet_state_dict',
    'LayerShape', 'build_operator', 'layer_shapes', 'scale_channels'
]
