import pytest

from neas_mm.datasets import (prepare_digits_classification,
                              prepare_digits_detection)
from neas_mm.testing import tiny_supernet_options


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
    """Config overrides that shrink the digits supernet to a tiny one
    (``neas_mm.testing.tiny_supernet_options``)."""
    return tiny_supernet_options()
