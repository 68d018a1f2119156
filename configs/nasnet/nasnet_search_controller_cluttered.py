# NASNet's controller search (Zoph et al., CVPR 2018, Sec. 3, A.2-A.3) on the
# cluttered-digits task (tools/prepare_data.py --only cluttered), scaled to
# CPUs: the controller (one-layer LSTM of 100 units) samples the 2 x 5B
# decisions of a normal and a reduction cell of B = 3 blocks; each child, a
# tiny NASNet (CIFAR stem, 3 stages of 1 normal cell, C = 8 filters in the
# first stage), trains 300 steps of 32 images from scratch and is rewarded
# with its accuracy on the `search` split (never `val`); PPO updates the
# controller after every 20 children (A.3's minibatch). 200 children, 2
# worker processes. The 5 best children are then retrained with the truth
# table's recipe (500 steps of 128, lr 0.1) and scored on `search` (which
# picks the winner) and `val` (reported).
#
#   python tools/search.py configs/nasnet/nasnet_search_controller_cluttered.py
#   ... --resume                                     # after an interruption
#   ... --cfg-options train_cfg.mode=random          # the random baseline
#
# Writes best_arch.json (readable NASNetArch), search_topk_<mode>.json/.md,
# search_curve.png and the resumable search_state_<mode>.pth.
_base_ = [
    '../_base_/datasets/cluttered_digits.py',
    '../_base_/default_runtime.py',
]
model = dict(
    type='neas_mm.ControllerPolicy',
    space=dict(type='nasnet', num_blocks=3),
    hidden_size=100,
    init_range=0.1)

# Only its data_root is read: the children load the task as tensors.
train_dataloader = dict(dataset=dict(ann_file='meta/train.txt',
                                     data_prefix='train'))
val_dataloader = None
val_evaluator = None
test_dataloader = None
test_evaluator = None

train_cfg = dict(
    type='neas_mm.RLControllerSearchLoop',
    mode='controller',  # or 'random', 'evolution'
    num_children=200,
    batch_size=20,
    workers=2,
    child=dict(
        type='cluttered',
        network=dict(channels=8, num_cells=1, stem='cifar'),
        search_recipe=dict(steps=300, batch_size=32, lr=0.05,
                           warmup_steps=30),
        final_recipe=dict(steps=500, batch_size=128, lr=0.1,
                          warmup_steps=50),
        search_images=None),
    # A.2: Adam 0.00035, PPO clip 0.2, entropy 1e-5, baseline decay 0.95.
    ppo=dict(lr=3.5e-4, clip=0.2, entropy_weight=1e-5, baseline_decay=0.95,
             epochs=1, algorithm='ppo'),
    top_k=5,
    final_seeds=1,
    parents=5,
    mutation_prob=0.1,
    seed=0)
# The controller is trained by the loop's PPO; the Runner's optimizer is
# required by the Runner only.
optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.0))
param_scheduler = None
val_cfg = None
test_cfg = None
custom_hooks = []
