import json

import pytest
import torch

from neas_mm.datasets import DIGIT_CLASSES
from neas_mm.evaluation import (GroundTruth, ResultCache, StandaloneRecipe,
                                StandaloneTrainer, load_image_split)
from neas_mm.evaluation.standalone_trainer import random_crop
from neas_mm.space import EnsembleArch
from neas_mm.testing import TINY_DEPTHS, TINY_HEAD_CHANNELS, TINY_WIDTHS

TINY = TINY_WIDTHS
HEAD = dict(in_channels=TINY_HEAD_CHANNELS, num_classes=10)
ARCH = EnsembleArch(split=2, shared=['k3_e4', 'k3_e4'],
                    paths=[['k3_e4', 'k5_e4', 'k3_e4'],
                           ['k5_e4', 'k3_e4', 'k5_e4']],
                    stage_depths=TINY_DEPTHS)


@pytest.fixture(scope='module')
def digits_train(digits_cls_root):
    return load_image_split(str(digits_cls_root), 'train', DIGIT_CLASSES)


def trainer(split, steps=80):
    recipe = StandaloneRecipe(steps=steps, batch_size=20, lr=0.1,
                              warmup_steps=5)
    return StandaloneTrainer(TINY, HEAD, recipe, split, dict(train=split))


def test_split_is_read_through_the_annotation_file(digits_cls_root,
                                                   digits_train):
    x, y = digits_train
    assert x.dtype == torch.uint8 and tuple(x.shape[1:]) == (3, 32, 32)
    lines = (digits_cls_root / 'meta' / 'train.txt').read_text().split()
    assert y.tolist() == [int(v) for v in lines[1::2]]
    with pytest.raises(FileNotFoundError, match='prepare_data.py'):
        load_image_split(str(digits_cls_root), 'test', DIGIT_CLASSES)


def test_training_learns_and_is_reproducible(digits_train):
    first = trainer(digits_train).run(ARCH, seed=0)
    # 60 images, 10 classes: chance is 0.1; 80 steps fit most of them.
    assert first['acc']['train'] > 0.6
    again = trainer(digits_train).run(ARCH, seed=0)
    assert again['acc'] == first['acc']
    assert again['final_loss'] == pytest.approx(first['final_loss'])
    untrained = trainer(digits_train, steps=1).run(ARCH, seed=0)
    assert untrained['final_loss'] > 2 * first['final_loss']


def test_recipe_schedule_and_errors():
    recipe = StandaloneRecipe(steps=100, warmup_steps=10)
    assert recipe.lr_factor(0) == pytest.approx(0.1)
    assert recipe.lr_factor(10) == pytest.approx(1.0)
    assert recipe.lr_factor(55) == pytest.approx(0.5)
    assert recipe.lr_factor(99) < 0.01
    with pytest.raises(ValueError, match='steps must be >= 1'):
        StandaloneRecipe(steps=0)
    with pytest.raises(ValueError, match="optimizer must be 'sgd' or"):
        StandaloneRecipe(optimizer='lamb')
    with pytest.raises(ValueError, match='fewer than batch_size=32'):
        StandaloneTrainer(TINY, HEAD, StandaloneRecipe(),
                          (torch.zeros(10, 3, 8, 8, dtype=torch.uint8),
                           torch.zeros(10, dtype=torch.long)), {})


def test_random_crop_shifts_each_image_within_the_padding():
    x = torch.arange(2 * 1 * 4 * 4, dtype=torch.float32).view(2, 1, 4, 4)
    out = random_crop(x, 1, torch.Generator().manual_seed(0))
    assert out.shape == x.shape
    for i in range(2):
        padded = torch.nn.functional.pad(x[i], (1, 1, 1, 1))
        assert any(torch.equal(out[i], padded[:, dy:dy + 4, dx:dx + 4])
                   for dy in range(3) for dx in range(3))
    assert torch.equal(random_crop(x, 0, torch.Generator()), x)


def test_ground_truth_trains_once_and_keys_on_the_experiment(
        tmp_path, digits_train):
    cache_file = tmp_path / 'cache.jsonl'
    truth = GroundTruth(trainer(digits_train, steps=3),
                        ResultCache(str(cache_file)), task=dict(name='a'))
    first = truth.get(ARCH, 0)
    assert truth.get(ARCH, 0) == first and truth.trained == 1
    # A new process reads the file: nothing is trained again.
    reread = GroundTruth(trainer(digits_train, steps=3),
                         ResultCache(str(cache_file)), task=dict(name='a'))
    assert reread.get(ARCH, 0) == first and reread.trained == 0
    # Another seed, recipe or task is another experiment.
    assert reread.key(ARCH, 1) != reread.key(ARCH, 0)
    other_task = GroundTruth(trainer(digits_train, steps=3),
                             ResultCache(str(cache_file)),
                             task=dict(name='b'))
    other_recipe = GroundTruth(trainer(digits_train, steps=4),
                               ResultCache(str(cache_file)),
                               task=dict(name='a'))
    assert len({reread.key(ARCH, 0), other_task.key(ARCH, 0),
                other_recipe.key(ARCH, 0)}) == 3


def test_cache_survives_a_line_cut_short(tmp_path):
    file = tmp_path / 'c.jsonl'
    cache = ResultCache(str(file))
    cache.put('a', dict(v=1))
    with file.open('a') as f:
        f.write(json.dumps(dict(key='b', value=dict(v=2)))[:10])
    cache = ResultCache(str(file))
    assert len(cache) == 1 and cache.get('b') is None
    cache.put('c', dict(v=3))
    reread = ResultCache(str(file))
    assert reread.get('a') == dict(v=1) and reread.get('c') == dict(v=3)
