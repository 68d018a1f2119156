# Phase 1 on the cluttered-digits task (tools/prepare_data.py --only
# cluttered): the digits supernet, trained on the `train` split (12,000
# images, 188 iterations an epoch) for 4 epochs (~750 steps, the digits
# demo's budget) with one shrink after every epoch (216 -> 136
# combinations). benchmarks/ranking.py trains it once per shrink metric.
_base_ = ['./neas_supernet_k2_digits.py']

data_root = '{{fileDirname}}/../../data/cluttered_digits'
train_dataloader = dict(
    dataset=dict(data_root=data_root, ann_file='meta/train.txt',
                 data_prefix='train'))
val_dataloader = dict(
    batch_size=256,
    dataset=dict(data_root=data_root, ann_file='meta/val.txt',
                 data_prefix='val'))
test_dataloader = val_dataloader

param_scheduler = dict(end=4)
train_cfg = dict(max_epochs=4, val_interval=1)
custom_hooks = [
    dict(type='neas_mm.DiversityShrinkHook', interval=1, threshold=136,
         num_drop=20, num_samples=20,
         # The paper's beta (1e-3, the metric's default); no other
         # argument, so `custom_hooks.0.metric.type=...` swaps the metric.
         metric=dict(type='neas_mm.DiversityMetric'),
         holdout_size=256, holdout_batch_size=128)
]
default_hooks = dict(logger=dict(interval=50))
