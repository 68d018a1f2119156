# The cluttered-digits supernet (neas_supernet_k2_cluttered.py: 4 epochs)
# with SE-NAS: its shrinking metric and a deeper shrink, 216 -> 126 -> 36
# combinations after epochs 1 and 2, then supernet expanding (child spaces
# of at most 200 partial models; see neas_supernet_k2_senas_digits.py), so
# epochs 3 and 4 train the copies. benchmarks/ranking.py --senas trains it
# with and without expanding (custom_hooks.0.expand_threshold=None) and
# with either metric (custom_hooks.0.metric.type=...).
_base_ = ['./neas_supernet_k2_cluttered.py']

custom_hooks = [
    dict(type='neas_mm.DiversityShrinkHook', interval=1, threshold=36,
         num_drop=90, num_samples=60,
         metric=dict(type='neas_mm.SENASMetric'),
         score_size=256, score_batch_size=128,
         expand_threshold=200, expand_min_layers=2)
]
