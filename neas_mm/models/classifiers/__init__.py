from .neas_supernet_classifier import (NEASSupernetClassifier,
                                       pack_extra_state, unpack_extra_state)

__all__ = ['NEASSupernetClassifier', 'pack_extra_state',
           'unpack_extra_state']
