import hashlib
from pathlib import Path

import pytest
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmpretrain.datasets import CustomDataset
from mmpretrain.registry import DATASETS

from neas_mm.datasets import (DIGIT_CLASSES, prepare_cluttered_digits,
                              read_sources)
from neas_mm.datasets.cluttered_digits import SPLITS

REPO = Path(__file__).resolve().parents[2]
SMALL = dict(num_images=(40, 12, 12), image_size=32, num_fragments=3)


def digests(root):
    return {p.relative_to(root).as_posix():
            hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob('*')) if p.is_file()}


@pytest.fixture(scope='module')
def cluttered_root(tmp_path_factory):
    root = tmp_path_factory.mktemp('data') / 'cluttered_digits'
    prepare_cluttered_digits(str(root), **SMALL)
    return root


def test_same_parameters_give_the_same_files(cluttered_root, tmp_path):
    again = prepare_cluttered_digits(str(tmp_path / 'again'), **SMALL)
    assert again['rebuilt']
    assert digests(tmp_path / 'again') == digests(cluttered_root)
    other = prepare_cluttered_digits(str(tmp_path / 'other'), seed=1,
                                     **SMALL)
    assert other['rebuilt']
    assert digests(tmp_path / 'other') != digests(cluttered_root)
    # A complete folder is reused, not rewritten.
    assert not prepare_cluttered_digits(str(cluttered_root),
                                        **SMALL)['rebuilt']


def test_no_source_digit_is_shared_between_splits(cluttered_root):
    sources = read_sources(str(cluttered_root))
    pools = {s: set(sources[s]['pool']) for s in SPLITS}
    assert not pools['train'] & pools['search']
    assert not pools['train'] & pools['val']
    assert not pools['search'] & pools['val']
    # Every digit an image shows, target and fragments, is of its split.
    for split in SPLITS:
        shown = sources[split]['images']
        assert len(shown) == SMALL['num_images'][SPLITS.index(split)]
        assert all(len(used) == 1 + 3 for used in shown)
        assert set(i for used in shown for i in used) <= pools[split]
    # Pools are stratified: every class is in every pool.
    from neas_mm.datasets import load_digit_images
    _, labels = load_digit_images()
    for split in SPLITS:
        assert {int(labels[i]) for i in pools[split]} == set(range(10))


def test_labels_are_the_targets_class(cluttered_root):
    from neas_mm.datasets import load_digit_images
    _, labels = load_digit_images()
    sources = read_sources(str(cluttered_root))
    for split in SPLITS:
        lines = (cluttered_root / 'meta' / f'{split}.txt').read_text(
        ).split()
        file_labels = [int(v) for v in lines[1::2]]
        targets = [used[0] for used in sources[split]['images']]
        assert file_labels == [int(labels[t]) for t in targets]


def test_loaded_by_mmpretrain_through_the_dataset_config(cluttered_root):
    init_default_scope('mmpretrain')
    cfg = Config.fromfile(
        str(REPO / 'configs' / '_base_' / 'datasets' /
            'cluttered_digits.py'))
    for key, split in (('train_dataloader', 'train'),
                       ('search_dataloader', 'search'),
                       ('val_dataloader', 'val')):
        dataset_cfg = cfg[key].dataset.copy()
        dataset_cfg.data_root = str(cluttered_root)
        dataset = DATASETS.build(dataset_cfg)
        assert isinstance(dataset, CustomDataset)
        assert len(dataset) == SMALL['num_images'][SPLITS.index(split)]
        sample = dataset[0]
        assert tuple(sample['inputs'].shape) == (3, 32, 32)
        label = int(sample['data_samples'].gt_label)
        assert Path(dataset.get_data_info(0)['img_path']).parent.name == \
            DIGIT_CLASSES[label]


@pytest.mark.parametrize('kwargs, names', [
    (dict(image_size=8), ['image_size', '16']),
    (dict(num_images=(10, 0, 5)), ['num_images', '>= 1']),
    (dict(source_fractions=(0.7, 0.2, 0.3)), ['source_fractions', '<= 1']),
    (dict(digit_scale=(12, 40)), ['digit_scale', 'image_size=32']),
    (dict(num_fragments=-1), ['num_fragments', '>= 0']),
    (dict(fragment_fraction=(0.5, 1.5)), ['fragment_fraction', '<= 1']),
    (dict(occlusion_prob=2.0), ['occlusion_prob', '[0, 1]']),
    (dict(noise_std=-0.1), ['noise_std', '>= 0']),
])
def test_bad_parameters_name_the_value_and_range(tmp_path, kwargs, names):
    with pytest.raises(ValueError) as error:
        prepare_cluttered_digits(str(tmp_path / 'bad'), **kwargs)
    for name in names:
        assert name in str(error.value)
    assert not (tmp_path / 'bad').exists()


def test_prepare_tool_writes_the_task_and_a_preview(tmp_path):
    import json
    import subprocess
    import sys
    out = subprocess.run(
        [sys.executable, str(REPO / 'tools' / 'prepare_data.py'),
         '--data-root', str(tmp_path), '--only', 'cluttered',
         '--clutter-images', '30', '10', '10', '--clutter-fragments', '2'],
        capture_output=True, text=True, check=True).stdout
    summary = json.loads(out.strip().splitlines()[-1])['cluttered_digits']
    assert (summary['train'], summary['search'], summary['val']) == \
        (30, 10, 10)
    sources = read_sources(str(tmp_path / 'cluttered_digits'))
    assert all(len(used) == 3 for used in sources['train']['images'])
    assert (tmp_path / 'cluttered_digits_preview.png').stat().st_size > 0


def test_cluttered_retrain_config_has_the_digits_budget(cluttered_root):
    """neas_retrain_cluttered.py: the digits retrain's recipe and steps
    (12 epochs of 19 iterations), on the first 1,216 cluttered images."""
    configs = REPO / 'configs' / 'neas'
    cfg = Config.fromfile(str(configs / 'neas_retrain_cluttered.py'))
    digits = Config.fromfile(str(configs / 'neas_retrain_digits.py'))
    assert cfg.optim_wrapper == digits.optim_wrapper
    assert cfg.param_scheduler == digits.param_scheduler
    assert cfg.train_cfg == digits.train_cfg
    assert cfg.model == digits.model
    # 1,216 images at batch 64: the 19 iterations an epoch of the digits'
    # 1,169 training images
    loader = cfg.train_dataloader
    assert loader.batch_size == digits.train_dataloader.batch_size == 64
    assert loader.dataset.indices == 19 * 64
    init_default_scope('mmpretrain')
    for key, split in (('train_dataloader', 'train'),
                       ('val_dataloader', 'val')):
        dataset_cfg = cfg[key].dataset.copy()
        # the cluttered task, prepared on first use in the repo's data/
        assert dataset_cfg.embedded == 'cluttered_digits'
        assert Path(dataset_cfg.data_root).resolve() == \
            REPO / 'data' / 'cluttered_digits'
        assert dataset_cfg.data_prefix == split
        dataset_cfg.data_root = str(cluttered_root)
        if key == 'train_dataloader':
            dataset_cfg.indices = 16  # the small root has 40
        dataset = DATASETS.build(dataset_cfg)
        assert len(dataset) == (16 if split == 'train' else
                                SMALL['num_images'][SPLITS.index(split)])
