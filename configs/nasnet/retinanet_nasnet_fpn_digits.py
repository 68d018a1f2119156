# RetinaNet + FPN on the embedded digits detection set with a NASNet-A
# backbone: 2 @ 264 (C = 11, 22, 44), the ImageNet stem, so the three stage
# outputs (66, 132 and 264 filters) are at strides 8, 16 and 32, the levels
# of the digits RetinaNet's anchors.
_base_ = [
    '../_base_/models/retinanet_digits.py',
    '../_base_/datasets/digits_det.py',
    '../_base_/schedules/retinanet_digits.py',
    'mmdet::_base_/default_runtime.py',
]
model = dict(
    backbone=dict(
        _delete_=True,
        type='neas_mm.NASNetBackbone',
        arch='{{fileDirname}}/archs/nasnet_a.json',
        num_cells=2, penultimate_filters=264,
        stem='imagenet', out_indices=(0, 1, 2)),
    neck=dict(in_channels=[66, 132, 264]))
default_hooks = dict(logger=dict(interval=10),
                     checkpoint=dict(interval=8))
# Reproducible runs (mmdet's default runtime draws a new seed each run).
randomness = dict(seed=0)
