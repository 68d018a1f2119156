import pytest

from neas_mm.datasets import (prepare_digits_classification,
                              prepare_digits_detection)


@pytest.fixture(scope='session')
def digits_cls_root(tmp_path_factory):
    """A small digits classification set (ImageNet layout)."""
    root = tmp_path_factory.mktemp('data') / 'digits_cls'
    prepare_digits_classification(str(root), image_size=32,
                                  max_per_split=60)
    return root


@pytest.fixture(scope='session')
def digits_det_root(tmp_path_factory):
    """A small digits detection set (COCO layout)."""
    root = tmp_path_factory.mktemp('data') / 'digits_det'
    prepare_digits_detection(str(root), num_train=8, num_val=6,
                             canvas_size=64, digit_sizes=(16, 24, 32))
    return root


@pytest.fixture(scope='session')
def tiny_supernet():
    """Config overrides that shrink the digits supernet to a tiny one:
    5 searchable layers, split range 2..5 (layers 2..4 can split)."""
    return {
        'model.backbone.stage_depths': (1, 1, 1, 1, 1),
        'model.backbone.widen_factor': 0.25,
        'model.backbone.tail_channels': 64,
        'model.backbone.feature_channels': 192,
        'model.head.in_channels': 48,
        'model.split_range': (2, 5),
    }
