# RetinaNet + FPN on the embedded digits detection set with a NEAS ensemble
# backbone of the digits space (the demo passes the searched best_arch.json
# as model.backbone.arch and the retrained classifier as init_cfg).
_base_ = [
    '../_base_/models/retinanet_digits.py',
    '../_base_/datasets/digits_det.py',
    '../_base_/schedules/retinanet_digits.py',
    'mmdet::_base_/default_runtime.py',
]
model = dict(
    backbone=dict(
        _delete_=True,
        type='neas_mm.NEASEnsembleBackbone',
        arch=dict(split=7, stage_depths=[2, 2, 2, 2, 2],
                  shared=['k3_e4', 'skip', 'k5_e4', 'k3_e6', 'k5_e6',
                          'skip', 'k7_e4'],
                  paths=[['k3_e6', 'k5_e4', 'k3_e4'],
                         ['k5_e4', 'k3_e4', 'k7_e6']]),
        widen_factor=0.5,
        out_indices=(1, 2, 4),
        fuse='mean'),
    neck=dict(in_channels=[24, 40, 80]))
default_hooks = dict(logger=dict(interval=10),
                     checkpoint=dict(interval=24))
