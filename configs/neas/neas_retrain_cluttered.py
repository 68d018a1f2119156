# Retrain a searched ensemble of the digits space on the cluttered digits
# (a digit among fragments of others, an occluding bar and noise) with the
# recipe and budget of neas_retrain_digits.py: the same 12 epochs of 19
# iterations (228 steps), on the first 1,216 of the 12,000 training images.
# benchmarks/detection_backbones.py uses it as a detection pretraining
# closer to the detection canvases than the plain digits
# (neas_k2_cluttered_pretrained).
_base_ = ['./neas_retrain_digits.py']

data_root = '{{fileDirname}}/../../data/cluttered_digits'
train_dataloader = dict(
    dataset=dict(embedded='cluttered_digits', data_root=data_root,
                 ann_file='meta/train.txt', data_prefix='train',
                 indices=1216))
val_dataloader = dict(
    batch_size=256,
    dataset=dict(embedded='cluttered_digits', data_root=data_root,
                 ann_file='meta/val.txt', data_prefix='val'))
test_dataloader = val_dataloader
