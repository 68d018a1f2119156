"""fixed_subset / fixed_train_subset: the calibration and scoring batches
of the shrink hook and the search loop."""
import types
from pathlib import Path

import numpy as np
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmpretrain.models import ClsDataPreprocessor

from neas_mm.engine.fixed_subset import (build_split, fixed_subset,
                                         fixed_train_subset)

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / 'configs' / 'neas' / 'neas_supernet_k2_digits.py'


def digits_runner(root):
    """What the helpers read of a Runner: its config."""
    cfg = Config.fromfile(str(CONFIG))
    init_default_scope(cfg.default_scope)  # as the Runner does
    for key in ('train_dataloader', 'val_dataloader', 'search_dataloader'):
        cfg[key].dataset.data_root = str(root)
    return types.SimpleNamespace(cfg=cfg)


def model():
    return types.SimpleNamespace(data_preprocessor=ClsDataPreprocessor(
        num_classes=10, mean=[127.5] * 3, std=[127.5] * 3))


def sizes(batches):
    return [len(inputs) for inputs, _ in batches]


def test_same_call_same_batches_other_seed_other_images(digits_cls_root):
    dataset = build_split(digits_runner(digits_cls_root), 'val_dataloader')
    a = fixed_subset(dataset, model(), 20, 8, seed=0)
    b = fixed_subset(dataset, model(), 20, 8, seed=0)
    c = fixed_subset(dataset, model(), 20, 8, seed=1)
    assert sizes(a) == [8, 8, 4]
    for (xa, ya), (xb, yb) in zip(a, b):
        assert torch.equal(xa, xb) and torch.equal(ya, yb)
    assert not all(torch.equal(xa, xc) for (xa, _), (xc, _) in zip(a, c))
    # Normalised by the model's preprocessor: (x - 127.5) / 127.5.
    assert a[0][0].min() >= -1 and a[0][0].max() <= 1


def test_no_batch_of_one_image(digits_cls_root):
    dataset = build_split(digits_runner(digits_cls_root), 'val_dataloader')
    assert sizes(fixed_subset(dataset, model(), 9, 4, seed=0)) == [4, 5]
    assert sizes(fixed_subset(dataset, model(), 10, 4, seed=0)) == [4, 4, 2]
    # More than the split holds: all of it, once.
    everything = fixed_subset(dataset, model(), 10_000, 64, seed=0)
    assert sum(sizes(everything)) == len(dataset)


def test_train_subset_uses_the_validation_pipeline(digits_cls_root):
    runner = digits_runner(digits_cls_root)
    # The training pipeline crops at random; calibration must not.
    assert any(t['type'] == 'RandomCrop'
               for t in runner.cfg.train_dataloader.dataset.pipeline)
    first = []
    for seed in (0, 1):
        np.random.seed(seed)
        torch.manual_seed(seed)
        first.append(fixed_train_subset(runner, model(), 12, 6, seed=3))
    for (xa, ya), (xb, yb) in zip(*first):
        assert torch.equal(xa, xb) and torch.equal(ya, yb)
    train = build_split(runner, 'train_dataloader')
    listed = (digits_cls_root / 'meta' / 'train.txt').read_text()
    assert len(train) == len(listed.splitlines())
