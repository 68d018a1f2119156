# Supernet schedule of the paper: 120 epochs, SGD momentum 0.9,
# weight decay 4e-5, lr 0.5 annealed linearly to 0.
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.5, momentum=0.9, weight_decay=4e-5,
                   nesterov=False))
param_scheduler = dict(type='LinearLR', start_factor=1.0, end_factor=0.0,
                       by_epoch=True, begin=0, end=120,
                       convert_to_iter_based=True)
train_cfg = dict(by_epoch=True, max_epochs=120, val_interval=5)
val_cfg = dict()
test_cfg = dict()
# The paper's lr assumes a total batch of 1024 (8 GPUs x 128).
auto_scale_lr = dict(base_batch_size=1024)
