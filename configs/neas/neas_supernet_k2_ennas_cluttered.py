# The cluttered-digits supernet (neas_supernet_k2_cluttered.py: 4 epochs,
# a diversity shrink after epochs 1-3) trained the EnNAS way, as in
# neas_supernet_k2_ennas_digits.py: the K paths distil from their weighted
# ensemble from epoch 2 on, and each layer's K-tuple is drawn by operator
# diversity, measured after every epoch (epoch 1 draws uniformly).
# benchmarks/ranking.py trains it for its EnNAS row.
_base_ = ['./neas_supernet_k2_cluttered.py']

model = dict(head=dict(distill_weight=1.0, distill_temperature=2.0),
             sampler=dict(type='neas_mm.DiversityKPathSampler'))
# The shrink hook stays first, so `custom_hooks.0.metric.type=...` still
# swaps the shrink metric.
custom_hooks = [
    dict(type='neas_mm.DiversityShrinkHook', interval=1, threshold=100,
         num_drop=40, num_samples=60,
         metric=dict(type='neas_mm.DiversityMetric'),
         score_size=256, score_batch_size=128),
    dict(type='neas_mm.EnsembleDistillHook', start_epoch=2),
    dict(type='neas_mm.OperatorDiversityHook', interval=1, num_images=256),
]
