# mmpretrain's MobileNetV2 (width 0.5) trained on the embedded digits with
# the retraining recipe and budget of neas_retrain_digits.py (RMSProp,
# warm-up + cosine, 12 epochs, EMA), so that the detection comparison
# (benchmarks/detection_backbones.py) starts both backbones from the same
# classification budget. Its weights load into mmdet's MobileNetV2 of
# retinanet_mobilenetv2_fpn_digits.py (Pretrained, prefix='backbone.').
_base_ = ['./neas_retrain_digits.py']
model = dict(
    backbone=dict(_delete_=True, type='MobileNetV2', widen_factor=0.5),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(_delete_=True, type='LinearClsHead', num_classes=10,
              in_channels=1280, loss=dict(type='CrossEntropyLoss')))
# ScheduledDropPath acts on NEAS ensembles only.
custom_hooks = [
    dict(type='EMAHook', momentum=0.02, priority='ABOVE_NORMAL'),
]
