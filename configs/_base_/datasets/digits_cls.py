# The embedded digits set, ImageNet folder layout, loaded by mmpretrain's
# CustomDataset; prepared on first use (or by tools/prepare_data.py).
# 32 x 32 px, 10 classes. Splits:
# `train` (trained on), `search` (what shrinking scores ensembles on, never
# trained on) and `val` (reported figures).
dataset_type = 'neas_mm.EmbeddedClassification'
data_root = '{{fileDirname}}/../../../data/digits_cls'
digit_classes = ('0', '1', '2', '3', '4', '5', '6', '7', '8', '9')

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomCrop', crop_size=32, padding=2),
    dict(type='PackInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='PackInputs'),
]

train_dataloader = dict(
    batch_size=64,
    num_workers=0,
    dataset=dict(type=dataset_type, embedded='digits_cls',
                 data_root=data_root,
                 ann_file='meta/train.txt', data_prefix='train',
                 metainfo=dict(classes=digit_classes),
                 pipeline=train_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=True),
)
val_dataloader = dict(
    batch_size=128,
    num_workers=0,
    dataset=dict(type=dataset_type, embedded='digits_cls',
                 data_root=data_root,
                 ann_file='meta/val.txt', data_prefix='val',
                 metainfo=dict(classes=digit_classes),
                 pipeline=test_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=False),
)
val_evaluator = dict(type='Accuracy', topk=(1, ))
test_dataloader = val_dataloader
test_evaluator = val_evaluator
search_dataloader = dict(
    batch_size=128,
    num_workers=0,
    dataset=dict(type=dataset_type, embedded='digits_cls',
                 data_root=data_root,
                 ann_file='meta/search.txt', data_prefix='search',
                 metainfo=dict(classes=digit_classes),
                 pipeline=test_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=False),
)
