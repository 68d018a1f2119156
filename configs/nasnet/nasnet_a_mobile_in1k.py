# NASNet-A mobile (Zoph et al., CVPR 2018, Table 2): 4 @ 1056 (N = 4 normal
# cells per stage, C = 44, 88, 176), the ImageNet stem (3x3 conv of 32
# filters, stride 2, then two reduction cells), 224 px: 564 M mult-adds and
# 5.3 M parameters in the paper, 563.6 M and 5.29 M here
# (tools/analysis_tools/nasnet_info.py).
#
# The ImageNet recipe of appendix A.7 as far as it is given: RMSProp with
# decay 0.9 and epsilon 1.0 (torch adds epsilon outside the square root, TF
# inside), an exponential learning-rate decay as in Inception-v3 [60]
# (x0.94 every 2 epochs), label smoothing 0.1, evaluation with a running
# average of the weights (decay 0.9999), L2 regularisation.
# Not given by the paper, taken from Inception-v3 [60] or TF-slim's
# defaults: lr 0.045, momentum 0.9, weight decay 4e-5, 100 epochs, batch
# 128 (the dataset base). Not reproduced: the auxiliary classifier at 2/3
# of the network (loss weight 0.4) and dropout 0.5 before the classifier
# (LinearClsHead has none). The published mobile model trains without
# drop path.
_base_ = [
    '../_base_/datasets/imagenet_bs128.py',
    '../_base_/default_runtime.py',
]
model = dict(
    type='ImageClassifier',
    backbone=dict(
        type='neas_mm.NASNetBackbone',
        arch='{{fileDirname}}/archs/nasnet_a.json',
        num_cells=4, penultimate_filters=1056,
        stem='imagenet', stem_multiplier=1.0),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='LinearClsHead', num_classes=1000, in_channels=1056,
              loss=dict(type='LabelSmoothLoss', label_smooth_val=0.1,
                        mode='original')),
    data_preprocessor=dict(
        type='ClsDataPreprocessor', num_classes=1000,
        mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375],
        to_rgb=True))

optim_wrapper = dict(
    optimizer=dict(type='RMSprop', lr=0.045, alpha=0.9, eps=1.0,
                   momentum=0.9, weight_decay=4e-5))
param_scheduler = [
    dict(type='StepLR', by_epoch=True, step_size=2, gamma=0.94),
]
train_cfg = dict(by_epoch=True, max_epochs=100, val_interval=5)
val_cfg = dict()
test_cfg = dict()
custom_hooks = [
    dict(type='EMAHook', momentum=1e-4, priority='ABOVE_NORMAL'),
    # ScheduledDropPath, off in the published mobile model:
    # dict(type='neas_mm.ScheduledDropPathHook', max_prob=0.3),
]
model_wrapper_cfg = dict(type='MMDistributedDataParallel',
                         find_unused_parameters=False)
