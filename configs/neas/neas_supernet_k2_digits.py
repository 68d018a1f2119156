# Phase 1 on the embedded digits (tools/prepare_data.py): a tiny version of
# the same space (10 searchable layers, 2 per stage; narrower), 32 px inputs,
# a few minutes on 2 CPU cores.
_base_ = [
    '../_base_/models/neas_supernet_k2_digits.py',
    '../_base_/datasets/digits_cls.py',
    '../_base_/schedules/neas_supernet_120e.py',
    '../_base_/default_runtime.py',
]

optim_wrapper = dict(optimizer=dict(lr=0.1))
param_scheduler = dict(end=30)
train_cfg = dict(max_epochs=30, val_interval=5)

# Layers 4..9 can split: 3 x 30 + 3 x 42 = 216 combinations; the space
# shrinks every 5 epochs by 24 down to 96 (epochs 5..25; epochs 26..30
# train the final space), scored by the diversity metric on the `search`
# split.
custom_hooks = [
    dict(type='neas_mm.DiversityShrinkHook', interval=5, threshold=96,
         num_drop=24, num_samples=20,
         metric=dict(type='neas_mm.DiversityMetric'),
         score_size=256, score_batch_size=128)
]
default_hooks = dict(logger=dict(interval=10))
auto_scale_lr = dict(base_batch_size=64)
