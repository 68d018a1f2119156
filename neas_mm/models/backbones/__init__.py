from .neas_ensemble import NEASEnsembleBackbone, slice_supernet_state_dict
from .neas_supernet import NEASSupernet
from .skeleton import LayerShape, build_operator, layer_shapes, scale_channels

__all__ = [
    'NEASSupernet', 'NEASEnsembleBackbone', 'slice_supernet_state_dict',
    'LayerShape', 'build_operator', 'layer_shapes', 'scale_channels'
]
