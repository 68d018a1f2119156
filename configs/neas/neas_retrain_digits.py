# Retrain a searched ensemble of the digits space on the embedded digits
# (the paper's recipe shortened: RMSProp 0.9/0.9, wd 1e-5, dropout 0.2,
# warm-up + cosine, EMA, ScheduledDropPath). The demo passes the search's
# best_arch.json as model.backbone.arch.
_base_ = [
    '../_base_/models/neas_digits_arch.py',
    '../_base_/datasets/digits_cls.py',
    '../_base_/default_runtime.py',
]
model = dict(
    type='ImageClassifier',
    backbone=dict(
        type='neas_mm.NEASEnsembleBackbone',
        arch={{_base_.neas_digits_arch}},
        widen_factor=0.5, tail_channels=240, feature_channels=320,
        shared_grad_scale=0.5),
    head=dict(type='neas_mm.NEASEnsembleHead', num_paths=2, in_channels=160,
              num_classes=10, dropout=0.2),
    data_preprocessor=dict(type='ClsDataPreprocessor', num_classes=10,
                           mean=[127.5] * 3, std=[127.5] * 3))

optim_wrapper = dict(
    optimizer=dict(type='RMSprop', lr=0.004, alpha=0.9, momentum=0.9,
                   eps=1e-3, weight_decay=1e-5))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=True, begin=0, end=1,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=11, eta_min=1e-5, by_epoch=True,
         begin=1, end=12, convert_to_iter_based=True),
]
# 12 epochs x 19 iterations (1,169 train images, batch 64): the ~230 steps
# the demo had before the digits set gave 269 images to its search split.
train_cfg = dict(by_epoch=True, max_epochs=12, val_interval=6)
val_cfg = dict()
test_cfg = dict()
default_hooks = dict(logger=dict(interval=10))
custom_hooks = [
    dict(type='EMAHook', momentum=0.02, priority='ABOVE_NORMAL'),
    dict(type='neas_mm.ScheduledDropPathHook', max_prob=0.1),
]
