# NASNet-A (Zoph et al., CVPR 2018) trained on the embedded digits: 2 @ 192
# (N = 2 normal cells per stage, 192 filters in the last cell, so C = 8,
# 16, 32 per stage), the CIFAR stem (3x3 conv of 3C = 24 filters), 32 px.
# The paper's CIFAR recipe (A.6: momentum SGD 0.9, L2 weight decay, one
# cosine period) shortened to 12 epochs, with ScheduledDropPath (A.5; the
# published CIFAR models drop paths with probability 0.4 at the end).
_base_ = [
    '../_base_/datasets/digits_cls.py',
    '../_base_/default_runtime.py',
]
model = dict(
    type='ImageClassifier',
    backbone=dict(
        type='neas_mm.NASNetBackbone',
        arch='{{fileDirname}}/archs/nasnet_a.json',
        num_cells=2, penultimate_filters=192,
        stem='cifar', stem_multiplier=3.0),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='LinearClsHead', num_classes=10, in_channels=192,
              loss=dict(type='CrossEntropyLoss')),
    data_preprocessor=dict(type='ClsDataPreprocessor', num_classes=10,
                           mean=[127.5] * 3, std=[127.5] * 3))

optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.05, momentum=0.9, weight_decay=5e-4))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=True, begin=0, end=1,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=11, eta_min=0.0, by_epoch=True,
         begin=1, end=12, convert_to_iter_based=True),
]
# 12 epochs x 19 iterations (1,169 train images, batch 64).
train_cfg = dict(by_epoch=True, max_epochs=12, val_interval=6)
val_cfg = dict()
test_cfg = dict()
default_hooks = dict(logger=dict(interval=10))
custom_hooks = [
    dict(type='neas_mm.ScheduledDropPathHook', max_prob=0.4),
]
# Every parameter gets a gradient in every iteration.
model_wrapper_cfg = dict(type='MMDistributedDataParallel',
                         find_unused_parameters=False)
