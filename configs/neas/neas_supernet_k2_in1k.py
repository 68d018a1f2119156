# Phase 1 on ImageNet-1k with the paper's settings: the K=2 supernet,
# 120 epochs, SGD 0.9, wd 4e-5, lr 0.5 linear annealing.
_base_ = [
    '../_base_/models/neas_supernet_k2.py',
    '../_base_/datasets/imagenet_bs128.py',
    '../_base_/schedules/neas_supernet_120e.py',
    '../_base_/default_runtime.py',
]
