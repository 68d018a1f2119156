# Phase 2 on ImageNet: evolution search with the paper's settings over the
# K=2 supernet of neas_supernet_k2_in1k.py. The FLOPs window is a parameter:
#   --cfg-options train_cfg.flops_range="(None,500)"
_base_ = [
    '../_base_/models/neas_supernet_k2.py',
    '../_base_/datasets/imagenet_bs128.py',
    '../_base_/default_runtime.py',
    '../_base_/schedules/neas_search_evolution.py',
]
# BN statistics are recalibrated per candidate; score with running stats.
model = dict(eval_bn='running')
# Candidates are scored on the held-out `search` split (imagenet_bs128.py).
train_cfg = dict(search_dataloader={{_base_.search_dataloader}})
