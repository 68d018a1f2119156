# The NEAS K-path supernet (paper Table 7): 20 searchable layers in 5 stages
# of 4, 7 operators per layer, split point in [9, 20], K = 2 paths.
# The operators of a layer share one set of weights (`entangled`): measured
# on the digits budget, independent operators (the paper's) stay near 22%
# where entangled ones reach 90%+ (benchmarks/supernet_learning.py). The
# paper's variant: the `*_independent.py` configs.
num_paths = 2
model = dict(
    type='neas_mm.NEASSupernetClassifier',
    backbone=dict(
        type='neas_mm.NEASSupernet',
        num_paths=num_paths,
        stage_depths=(4, 4, 4, 4, 4),
        widen_factor=1.0,
        operators='entangled'),
    head=dict(
        type='neas_mm.NEASEnsembleHead',
        num_paths=num_paths,
        in_channels=1280,
        num_classes=1000),
    split_range=(9, 20),
    sampler=dict(type='neas_mm.KPathSampler', seed=0),
    data_preprocessor=dict(
        type='mmpretrain.ClsDataPreprocessor',
        num_classes=1000,
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        to_rgb=True))
