import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from mmengine.registry import init_default_scope
from mmpretrain.datasets import CustomDataset

from neas_mm.datasets import (DIGIT_CLASSES, folder_is_complete,
                              prepare_digits_classification)

REPO = Path(__file__).resolve().parents[2]


def digests(root):
    return {p.relative_to(root).as_posix():
            hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob('*')) if p.is_file()}


def test_loaded_by_mmpretrain_with_ann_file(digits_cls_root):
    init_default_scope('mmpretrain')
    pipeline = [dict(type='LoadImageFromFile'), dict(type='PackInputs')]
    dataset = CustomDataset(data_root=str(digits_cls_root),
                            ann_file='meta/train.txt', data_prefix='train',
                            metainfo=dict(classes=DIGIT_CLASSES),
                            pipeline=pipeline)
    lines = (digits_cls_root / 'meta' / 'train.txt').read_text().split('\n')
    assert len(dataset) == len([line for line in lines if line]) == 60
    sample = dataset[0]
    assert tuple(sample['inputs'].shape) == (3, 32, 32)
    label = int(sample['data_samples'].gt_label)
    assert 0 <= label < 10
    # The label agrees with the class folder of the image.
    assert Path(dataset.get_data_info(0)['img_path']).parent.name == \
        DIGIT_CLASSES[label]


def test_loaded_by_mmpretrain_from_folders(digits_cls_root):
    dataset = CustomDataset(data_root=str(digits_cls_root),
                            data_prefix='val', pipeline=[])
    assert dataset.CLASSES == DIGIT_CLASSES
    assert len(dataset) == 60


def test_preparation_is_deterministic_and_reused(tmp_path):
    a = prepare_digits_classification(str(tmp_path / 'a'), image_size=8,
                                      max_per_split=30)
    b = prepare_digits_classification(str(tmp_path / 'b'), image_size=8,
                                      max_per_split=30)
    assert a['rebuilt'] and b['rebuilt']
    assert digests(tmp_path / 'a') == digests(tmp_path / 'b')
    again = prepare_digits_classification(str(tmp_path / 'a'), image_size=8,
                                          max_per_split=30)
    assert not again['rebuilt']
    changed = prepare_digits_classification(str(tmp_path / 'a'),
                                            image_size=8, max_per_split=20)
    assert changed['rebuilt'] and changed['train'] == 20


def test_half_written_folder_is_redone(tmp_path):
    root = tmp_path / 'cls'
    params = dict(image_size=8, max_per_split=10)
    prepare_digits_classification(str(root), **params)
    good = digests(root)
    # A file lost or truncated after the marker was written...
    victim = next(root.glob('train/*/*.png'))
    victim.write_bytes(victim.read_bytes()[:10])
    marker = json.loads((root / '.complete.json').read_text())
    assert not folder_is_complete(root, marker['params'])
    assert prepare_digits_classification(str(root), **params)['rebuilt']
    assert digests(root) == good
    # ...and a folder with no marker at all (killed mid-way).
    (root / '.complete.json').unlink()
    (root / 'val').rename(root / 'val_gone')
    assert prepare_digits_classification(str(root), **params)['rebuilt']
    assert digests(root) == good


@pytest.mark.parametrize('kwargs, match', [
    (dict(image_size=4), 'image_size'),
    (dict(val_fraction=1.5), 'val_fraction'),
    (dict(search_fraction=0.9), 'search_fraction'),
    (dict(max_per_split=-1), 'max_per_split'),
])
def test_bad_parameters_are_named(tmp_path, kwargs, match):
    with pytest.raises(ValueError, match=match):
        prepare_digits_classification(str(tmp_path / 'x'), **kwargs)
    assert not (tmp_path / 'x').exists()


def test_prepare_tool(tmp_path):
    out = subprocess.run(
        [sys.executable, str(REPO / 'tools' / 'prepare_data.py'),
         '--data-root', str(tmp_path), '--only', 'cls', '--cls-size', '8'],
        capture_output=True, text=True, check=True).stdout
    summary = json.loads(out.strip().splitlines()[-1])
    counts = summary['digits_cls']
    assert counts['train'] + counts['search'] + counts['val'] == 1797
    assert counts['search'] == pytest.approx(0.15 * 1797, abs=10)
    # Three disjoint splits: the search split is never trained on.
    names = {}
    for split in ('train', 'search', 'val'):
        lines = (tmp_path / 'digits_cls' / 'meta' / f'{split}.txt'
                 ).read_text().split()[::2]
        names[split] = set(lines)
        assert len(lines) == counts[split]
    assert not names['train'] & names['search']
    assert not names['search'] & names['val']
    assert not names['train'] & names['val']
