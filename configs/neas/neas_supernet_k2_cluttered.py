# Phase 1 on the cluttered-digits task (tools/prepare_data.py --only
# cluttered): the digits supernet, trained on the `train` split (12,000
# images, 188 iterations an epoch) for 4 epochs (~750 steps, the digits
# demo's budget) with a shrink after epochs 1, 2 and 3 (216 -> 176 -> 136 ->
# 100 combinations, 54 % removed; the last epoch trains the shrunk space),
# the ensembles scored on the `search` split. benchmarks/ranking.py and
# benchmarks/shrink_quality.py train it once per shrink metric.
_base_ = ['./neas_supernet_k2_digits.py']

data_root = '{{fileDirname}}/../../data/cluttered_digits'
train_dataloader = dict(
    dataset=dict(embedded='cluttered_digits', data_root=data_root,
                 ann_file='meta/train.txt',
                 data_prefix='train'))
val_dataloader = dict(
    batch_size=256,
    dataset=dict(embedded='cluttered_digits', data_root=data_root,
                 ann_file='meta/val.txt',
                 data_prefix='val'))
test_dataloader = val_dataloader
search_dataloader = dict(
    batch_size=256,
    dataset=dict(embedded='cluttered_digits', data_root=data_root,
                 ann_file='meta/search.txt',
                 data_prefix='search'))

param_scheduler = dict(end=4)
train_cfg = dict(max_epochs=4, val_interval=1)
custom_hooks = [
    dict(type='neas_mm.DiversityShrinkHook', interval=1, threshold=100,
         num_drop=40, num_samples=60,
         # No argument, so `custom_hooks.0.metric.type=...` swaps the metric.
         metric=dict(type='neas_mm.DiversityMetric'),
         score_size=256, score_batch_size=128)
]
default_hooks = dict(logger=dict(interval=50))
