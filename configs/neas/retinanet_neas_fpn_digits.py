# RetinaNet + FPN on the embedded digits detection set with a NEAS ensemble
# backbone of the digits space (the demo passes the searched best_arch.json
# as model.backbone.arch and the retrained classifier as init_cfg).
_base_ = [
    '../_base_/models/neas_digits_arch.py',
    '../_base_/models/retinanet_digits.py',
    '../_base_/datasets/digits_det.py',
    '../_base_/schedules/retinanet_digits.py',
    'mmdet::_base_/default_runtime.py',
]
model = dict(
    backbone=dict(
        _delete_=True,
        type='neas_mm.NEASEnsembleBackbone',
        arch={{_base_.neas_digits_arch}},
        widen_factor=0.5,
        out_indices=(1, 2, 4),
        fuse='mean'),
    neck=dict(in_channels=[24, 40, 80]))
default_hooks = dict(logger=dict(interval=10),
                     checkpoint=dict(interval=8))
# Reproducible runs (mmdet's default runtime draws a new seed each run).
randomness = dict(seed=0)
