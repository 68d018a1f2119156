# The comparison for retinanet_neas_fpn_digits.py: the same detector, data
# and schedule with mmdet's MobileNetV2 backbone, width chosen for similar
# backbone FLOPs.
_base_ = './retinanet_neas_fpn_digits.py'
model = dict(
    backbone=dict(
        _delete_=True,
        type='MobileNetV2',
        widen_factor=0.5,
        out_indices=(2, 4, 6),
        act_cfg=dict(type='ReLU6')),
    neck=dict(in_channels=[16, 48, 160]))
