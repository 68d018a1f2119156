# A RetinaNet schedule for the digits set: the 1x recipe's optimizer
# (SGD momentum 0.9, wd 1e-4) and step decay (x0.1 twice near the end), on
# 24 short epochs (16 iterations each at batch 16).
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=24, val_interval=24)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0,
         end=50),
    dict(type='MultiStepLR', begin=0, end=24, by_epoch=True,
         milestones=[18, 22], gamma=0.1)
]
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.02, momentum=0.9, weight_decay=0.0001),
    clip_grad=dict(max_norm=10, norm_type=2))
