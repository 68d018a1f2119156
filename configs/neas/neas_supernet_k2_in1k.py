# Phase 1 on ImageNet-1k with the paper's settings: the K=2 supernet,
# 120 epochs, SGD 0.9, wd 4e-5, lr 0.5 linear annealing.
_base_ = [
    '../_base_/models/neas_supernet_k2.py',
    '../_base_/datasets/imagenet_bs128.py',
    '../_base_/schedules/neas_supernet_120e.py',
    '../_base_/default_runtime.py',
]

# Diversity-guided shrinking (Algorithm 1): every 20 epochs drop the 20
# lowest-scored combinations, beta = 1e-3. Layers 9..19 can split and hold
# 9 x 42 + 2 x 30 = 438 combinations; a threshold of 338 gives the 5 shrinks
# at epochs 20..100.
custom_hooks = [
    dict(type='neas_mm.DiversityShrinkHook', interval=20, threshold=338,
         num_drop=20, num_samples=100,
         metric=dict(type='neas_mm.DiversityMetric', beta=1e-3),
         holdout_size=1000, holdout_batch_size=125)
]
