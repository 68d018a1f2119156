# The digits supernet trained the EnNAS way (the EnNAS paper, sections 3.2
# and 3.3):
# * ensemble distillation: the K paths of each sampled ensemble are the
#   students; their teacher is the K paths' logits weighted to minimise its
#   cross-entropy on the batch. Labels only in epoch 1, then each path adds
#   distill_weight * tau^2 KL(teacher || path);
# * diversity-based sampling: each layer's K-tuple is drawn operator by
#   operator, favouring operators whose outputs differ from those already
#   drawn (operator diversity measured after every epoch; the first epoch
#   draws uniformly).
_base_ = ['./neas_supernet_k2_digits.py']

model = dict(head=dict(distill_weight=1.0, distill_temperature=2.0),
             sampler=dict(type='neas_mm.DiversityKPathSampler'))
custom_hooks = [
    dict(type='neas_mm.DiversityShrinkHook', interval=5, threshold=96,
         num_drop=24, num_samples=20,
         metric=dict(type='neas_mm.DiversityMetric'),
         score_size=256, score_batch_size=128),
    dict(type='neas_mm.EnsembleDistillHook', start_epoch=2),
    dict(type='neas_mm.OperatorDiversityHook', interval=1, num_images=256),
]
