# Phase 1 on the embedded digits with SE-NAS (../shared/papers/se-nas):
# its shrinking metric (Eq. 5-7, scores compared across layers) and its
# supernet expanding (section 3.4). The space shrinks every 5 epochs by 45,
# 216 -> 171 -> 126 -> 81 -> 36 combinations (epochs 5..20), deeper than the
# NEAS digits config (96): SE-NAS expands once layer-wise spaces are small.
# After each shrink, adjacent splittable layers merge, shallow to deep, into
# child spaces of at most 200 partial models (the paper suggests T = 50 on
# single-path spaces; here a partial model is a K-path one and counts the
# shared-layer variants of every split point, so two layers of 6
# combinations already hold ~100), and each partial model trains its own
# copy of those layers from then on.
_base_ = ['./neas_supernet_k2_digits.py']

custom_hooks = [
    dict(type='neas_mm.DiversityShrinkHook', interval=5, threshold=36,
         num_drop=45, num_samples=20,
         metric=dict(type='neas_mm.SENASMetric'),
         score_size=256, score_batch_size=128,
         expand_threshold=200, expand_min_layers=2)
]
