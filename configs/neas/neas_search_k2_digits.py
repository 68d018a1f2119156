# Phase 2 on the embedded digits over neas_supernet_k2_digits.py: a small
# population and few generations; ensembles under 2.2M multiply-adds
# (the tiny space spans about 1.0M to 2.9M at 32 px).
_base_ = [
    '../_base_/models/neas_supernet_k2_digits.py',
    '../_base_/datasets/digits_cls.py',
    '../_base_/default_runtime.py',
    '../_base_/schedules/neas_search_evolution.py',
]
# Candidates are scored on the `search` split (never trained on, never
# reported); val stays for reported figures.
train_cfg = dict(
    search_dataloader={{_base_.search_dataloader}},
    population_size=16,
    top_k=4,
    max_generations=4,
    num_mutation=8,
    num_crossover=8,
    flops_range=(None, 2.2),
    input_size=32,
    calib_size=256,
    calib_batch_size=128)
# BN statistics are recalibrated per candidate; score with running stats.
model = dict(eval_bn='running')
default_hooks = dict(logger=dict(interval=10))
