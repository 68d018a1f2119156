# The embedded cluttered-digits task (tools/prepare_data.py --only
# cluttered): a digit at a random scale and place among fragments of other
# digits, an occluding bar and noise; 32 x 32 px, 10 classes, mmpretrain's
# CustomDataset layout. Three splits built from disjoint source digits:
# `train` (trained on), `search` (what shrinking and search score
# candidates on) and `val` (reported figures only).
_base_ = ['./digits_cls.py']

data_root = '{{fileDirname}}/../../../data/cluttered_digits'
embedded = 'cluttered_digits'
train_dataloader = dict(dataset=dict(embedded=embedded, data_root=data_root))
val_dataloader = dict(batch_size=256,
                      dataset=dict(embedded=embedded, data_root=data_root))
test_dataloader = val_dataloader
search_dataloader = dict(batch_size=256,
                         dataset=dict(embedded=embedded, data_root=data_root))
