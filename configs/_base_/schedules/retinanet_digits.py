# A RetinaNet schedule for the digits set: 8 epochs of 128 iterations (2,048
# training images, batch 16) = 1,024 steps, AdamW (lr 2e-3, wd 0.05) after
# a 50-step linear warm-up, x0.1 after epochs 6 and 7. Measured from scratch
# (README, "Detection on the digits"): mmdet's 1x recipe (SGD 0.02) reached
# COCO mAP 0.46 on the same 1,024 steps, AdamW 0.57.
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=8, val_interval=8)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0,
         end=50),
    dict(type='MultiStepLR', begin=0, end=8, by_epoch=True,
         milestones=[6, 7], gamma=0.1)
]
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=0.002, weight_decay=0.05),
    clip_grad=dict(max_norm=10, norm_type=2))
