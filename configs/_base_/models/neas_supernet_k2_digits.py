# The digits version of the K=2 supernet: the same space at a tiny size
# (10 searchable layers, 2 per stage; half width; 32 px inputs, 10 classes).
_base_ = ['./neas_supernet_k2.py']

model = dict(
    backbone=dict(stage_depths=(2, 2, 2, 2, 2), widen_factor=0.5,
                  tail_channels=240, feature_channels=320),
    head=dict(in_channels=160, num_classes=10),
    split_range=(4, 10),
    data_preprocessor=dict(num_classes=10, mean=[127.5] * 3,
                           std=[127.5] * 3))
