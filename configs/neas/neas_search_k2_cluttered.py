# Phase 2 on the cluttered-digits task over neas_supernet_k2_cluttered.py:
# the digits search settings, candidates scored on the task's `search`
# split (2,000 images from source digits neither train nor val shows).
_base_ = ['./neas_search_k2_digits.py']

data_root = '{{fileDirname}}/../../data/cluttered_digits'
train_dataloader = dict(
    dataset=dict(embedded='cluttered_digits', data_root=data_root,
                 ann_file='meta/train.txt',
                 data_prefix='train'))
val_dataloader = dict(
    batch_size=256,
    dataset=dict(embedded='cluttered_digits', data_root=data_root,
                 ann_file='meta/val.txt',
                 data_prefix='val'))
test_dataloader = val_dataloader
train_cfg = dict(
    search_dataloader=dict(
        batch_size=250,
        dataset=dict(embedded='cluttered_digits', data_root=data_root,
                 ann_file='meta/search.txt',
                     data_prefix='search')))
