# RetinaNet + FPN for the digits set (mmdet's RetinaNet model config with
# 10 classes and anchors from 16 px); the backbone is set by each config.
_base_ = 'mmdet::_base_/models/retinanet_r50_fpn.py'
model = dict(
    data_preprocessor=dict(pad_size_divisor=32),
    neck=dict(out_channels=64, start_level=0, num_outs=5),
    bbox_head=dict(
        num_classes=10, in_channels=64, feat_channels=64, stacked_convs=2,
        anchor_generator=dict(octave_base_scale=2)),
    test_cfg=dict(score_thr=0.05, max_per_img=50))
