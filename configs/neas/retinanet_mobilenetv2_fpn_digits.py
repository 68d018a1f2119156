# The comparison for retinanet_neas_fpn_digits.py: the same detector with
# mmdet's MobileNetV2 backbone, width chosen for similar backbone FLOPs.
_base_ = [
    '../_base_/models/retinanet_digits.py',
    '../_base_/datasets/digits_det.py',
    '../_base_/schedules/retinanet_digits.py',
    'mmdet::_base_/default_runtime.py',
]
model = dict(
    backbone=dict(
        _delete_=True,
        type='MobileNetV2',
        widen_factor=0.5,
        out_indices=(2, 4, 6),
        act_cfg=dict(type='ReLU6')),
    neck=dict(in_channels=[16, 48, 160]))
default_hooks = dict(logger=dict(interval=10),
                     checkpoint=dict(interval=24))
# Reproducible runs (mmdet's default runtime draws a new seed each run).
randomness = dict(seed=0)
