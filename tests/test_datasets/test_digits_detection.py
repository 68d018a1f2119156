import hashlib
import json

import numpy as np
import pytest
import torch
from mmdet.datasets import CocoDataset
from mmdet.evaluation import CocoMetric
from mmengine.registry import init_default_scope

from neas_mm.datasets import DIGIT_CLASSES, prepare_digits_detection


def coco_dataset(root, split, pipeline):
    return CocoDataset(data_root=str(root),
                       ann_file=f'annotations/instances_{split}2017.json',
                       data_prefix=dict(img=f'{split}2017/'),
                       metainfo=dict(classes=DIGIT_CLASSES),
                       filter_cfg=dict(filter_empty_gt=False),
                       pipeline=pipeline)


def test_loaded_by_mmdet_pipeline(digits_det_root):
    init_default_scope('mmdet')
    pipeline = [dict(type='LoadImageFromFile'),
                dict(type='LoadAnnotations', with_bbox=True),
                dict(type='PackDetInputs')]
    dataset = coco_dataset(digits_det_root, 'train', pipeline)
    assert len(dataset) == 8
    total = 0
    for i in range(len(dataset)):
        sample = dataset[i]
        assert tuple(sample['inputs'].shape) == (3, 64, 64)
        boxes = sample['data_samples'].gt_instances.bboxes.tensor
        labels = sample['data_samples'].gt_instances.labels
        assert len(boxes) >= 1 and len(boxes) == len(labels)
        assert (boxes[:, :2] >= 0).all() and (boxes[:, 2:] <= 64).all()
        assert (boxes[:, 2:] > boxes[:, :2]).all()
        assert ((labels >= 0) & (labels < 10)).all()
        total += len(boxes)
    ann = json.loads((digits_det_root / 'annotations' /
                      'instances_train2017.json').read_text())
    assert total == len(ann['annotations'])
    # Several scales are present.
    sides = {max(a['bbox'][2:]) for a in ann['annotations']}
    assert max(sides) / min(sides) > 1.5


def test_ground_truth_scores_map_one(digits_det_root):
    init_default_scope('mmdet')
    dataset = coco_dataset(digits_det_root, 'val', pipeline=[])
    metric = CocoMetric(ann_file=str(digits_det_root / 'annotations' /
                                     'instances_val2017.json'),
                        metric='bbox', format_only=False)
    metric.dataset_meta = dataset.metainfo
    for i in range(len(dataset)):
        info = dataset.get_data_info(i)
        boxes = torch.tensor([inst['bbox'] for inst in info['instances']],
                             dtype=torch.float32)
        labels = torch.tensor(
            [inst['bbox_label'] for inst in info['instances']])
        metric.process({}, [dict(img_id=info['img_id'],
                                 ori_shape=(info['height'], info['width']),
                                 pred_instances=dict(
                                     bboxes=boxes,
                                     scores=torch.ones(len(boxes)),
                                     labels=labels))])
    results = metric.evaluate(size=len(dataset))
    assert results['coco/bbox_mAP'] == pytest.approx(1.0)
    # Shifting every box spoils it: the metric really looks at the boxes.
    metric.results.clear()
    for i in range(len(dataset)):
        info = dataset.get_data_info(i)
        boxes = torch.tensor([inst['bbox'] for inst in info['instances']],
                             dtype=torch.float32) + 6
        labels = torch.tensor(
            [inst['bbox_label'] for inst in info['instances']])
        metric.process({}, [dict(img_id=info['img_id'],
                                 ori_shape=(info['height'], info['width']),
                                 pred_instances=dict(
                                     bboxes=boxes,
                                     scores=torch.ones(len(boxes)),
                                     labels=labels))])
    assert metric.evaluate(size=len(dataset))['coco/bbox_mAP'] < 0.9


def test_detection_preparation_is_deterministic(tmp_path):
    kwargs = dict(num_train=3, num_val=2, canvas_size=48,
                  digit_sizes=(12, 20))

    def digests(root):
        return {p.relative_to(root).as_posix():
                hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(root.rglob('*')) if p.is_file()}

    first = prepare_digits_detection(str(tmp_path / 'a'), **kwargs)
    prepare_digits_detection(str(tmp_path / 'b'), **kwargs)
    assert first['rebuilt'] and first['train_boxes'] >= 3
    assert digests(tmp_path / 'a') == digests(tmp_path / 'b')
    assert not prepare_digits_detection(str(tmp_path / 'a'),
                                        **kwargs)['rebuilt']
    # Images differ from each other (textures are random, not constant).
    images = sorted((tmp_path / 'a' / 'train2017').glob('*.png'))
    from PIL import Image
    arrays = [np.asarray(Image.open(p)) for p in images]
    assert not np.array_equal(arrays[0], arrays[1])
    assert arrays[0].std() > 5


@pytest.mark.parametrize('kwargs, match', [
    (dict(num_train=0), 'num_train'),
    (dict(canvas_size=16), 'canvas_size'),
    (dict(digit_sizes=(200, )), 'digit_sizes'),
    (dict(max_objects=0), 'max_objects'),
])
def test_bad_parameters_are_named(tmp_path, kwargs, match):
    with pytest.raises(ValueError, match=match):
        prepare_digits_detection(str(tmp_path / 'x'), **kwargs)
