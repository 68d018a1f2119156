# Phase 1 on ImageNet-1k with the paper's settings: the K=2 supernet,
# 120 epochs, SGD 0.9, wd 4e-5, lr 0.5 linear annealing.
_base_ = [
    '../_base_/models/neas_supernet_k2.py',
    '../_base_/datasets/imagenet_bs128.py',
    '../_base_/schedules/neas_supernet_120e.py',
    '../_base_/default_runtime.py',
]

# Diversity-guided shrinking (Algorithm 1): every 20 epochs drop the 20
# lowest-scored combinations. Layers 9..19 can split and hold
# 9 x 42 + 2 x 30 = 438 combinations; a threshold of 338 gives the 5 shrinks
# at epochs 20..100, each followed by training. The paper's beta (1e-3)
# scaled distances between raw feature maps; the hook compares the paths'
# class probabilities, so beta is set from their median distance ('auto').
# Ensembles are scored on `search_dataloader` (train images held out of
# meta/train.txt; see imagenet_bs128.py).
custom_hooks = [
    dict(type='neas_mm.DiversityShrinkHook', interval=20, threshold=338,
         num_drop=20, num_samples=100,
         metric=dict(type='neas_mm.DiversityMetric', beta='auto'),
         score_size=1000, score_batch_size=125)
]
