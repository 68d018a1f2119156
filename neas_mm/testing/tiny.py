"""The tiny network sizes the test suite and quick checks share (as
``mmdet.testing`` does for mmdet's tests): small enough for CPU tests at
32-64 px, large enough that every operator and both paths exist."""
from typing import Any, Dict

# Widths of the backbones (NEASSupernet / NEASEnsembleBackbone keywords).
TINY_WIDTHS: Dict[str, Any] = dict(widen_factor=0.25, tail_channels=64,
                                   feature_channels=192)
# One searchable layer per stage: 5 layers.
TINY_DEPTHS = (1, 1, 1, 1, 1)
# Pooled features per path reaching the head: feature_channels x 0.25.
TINY_HEAD_CHANNELS = 48


def tiny_supernet_options() -> Dict[str, Any]:
    """``--cfg-options`` that shrink a digits supernet config to the tiny
    one: 5 searchable layers, split range 2..5 (layers 2..4 can split)."""
    options = {f'model.backbone.{k}': v for k, v in TINY_WIDTHS.items()}
    options.update({'model.backbone.stage_depths': TINY_DEPTHS,
                    'model.head.in_channels': TINY_HEAD_CHANNELS,
                    'model.split_range': (2, 5)})
    return options
