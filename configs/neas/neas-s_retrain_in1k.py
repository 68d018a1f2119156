# Retrain the searched NEAS-S ensemble on ImageNet with the paper's recipe:
# RMSProp (decay 0.9, momentum 0.9), wd 1e-5, dropout 0.2, lr 0.064 with a
# 3-epoch warm-up then cosine decay, EMA of the weights, RandAugment,
# label smoothing 0.1; 350 epochs as in the official release. The K paths'
# logits are averaged, their cross-entropies summed, and the gradient
# entering the shared trunk is divided by K.
_base_ = [
    '../_base_/datasets/imagenet_bs128.py',
    '../_base_/default_runtime.py',
]
neas_arch = [20, 2, 0, 0, -1, 0, 2, 0, 0, 2, -1, 0, -1, 0, 3, 2, 4, 0, 2, 5,
             0, 4, 3, 0, 0]  # NEAS-S (314M FLOPs) of the official release
model = dict(
    type='ImageClassifier',
    backbone=dict(type='neas_mm.NEASEnsembleBackbone', arch=neas_arch,
                  shared_grad_scale=0.5),
    head=dict(type='neas_mm.NEASEnsembleHead', num_paths=2,
              in_channels=1280, num_classes=1000, dropout=0.2,
              label_smoothing=0.1),
    data_preprocessor=dict(
        type='ClsDataPreprocessor', num_classes=1000,
        mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375],
        to_rgb=True))

bgr_mean = [103.53, 116.28, 123.675]
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomResizedCrop', scale=224, backend='pillow',
         interpolation='bicubic'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='RandAugment', policies='timm_increasing', num_policies=2,
         total_level=10, magnitude_level=9, magnitude_std=0.5,
         hparams=dict(pad_val=[round(x) for x in bgr_mean],
                      interpolation='bicubic')),
    dict(type='PackInputs'),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))

optim_wrapper = dict(
    optimizer=dict(type='RMSprop', lr=0.064, alpha=0.9, momentum=0.9,
                   eps=1e-3, weight_decay=1e-5))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-6 / 0.064, by_epoch=True,
         begin=0, end=3, convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=347, eta_min=1e-5, by_epoch=True,
         begin=3, end=350, convert_to_iter_based=True),
]
train_cfg = dict(by_epoch=True, max_epochs=350, val_interval=5)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=1024)
custom_hooks = [
    dict(type='EMAHook', momentum=1e-4, priority='ABOVE_NORMAL'),
    # NASNet's ScheduledDropPath, off in the paper's recipe:
    # dict(type='neas_mm.ScheduledDropPathHook', max_prob=0.1),
]
model_wrapper_cfg = dict(type='MMDistributedDataParallel',
                         find_unused_parameters=False)
