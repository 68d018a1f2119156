"""The stack repairs: a Runner resumes from its own checkpoints on torch
>= 2.6, and checkpoints from elsewhere still load weights-only."""
import copy
import pathlib

import pytest
import torch
from mmengine.hooks import Hook
from mmengine.model import BaseModel
from mmengine.runner import Runner
from torch import nn
from torch.utils.data import Dataset

from neas_mm.compat import load_local_checkpoint, trusted_checkpoints


class ToyData(Dataset):

    def __init__(self):
        gen = torch.Generator().manual_seed(0)
        self.x = torch.randn(24, 3, generator=gen)
        self.y = self.x @ torch.tensor([1.0, -2.0, 0.5]) + 0.3

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return dict(inputs=self.x[i], target=self.y[i])


class ToyModel(BaseModel):

    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(3, 1)

    def forward(self, inputs, target, mode='tensor'):
        pred = self.linear(torch.stack(inputs)).squeeze(1)
        if mode == 'loss':
            return dict(loss=((pred - torch.stack(target))**2).mean())
        return pred


class CaptureResumedState(Hook):
    """Records optimizer and message-hub state right after resuming."""

    def before_train(self, runner):
        self.optimizer = copy.deepcopy(runner.optim_wrapper.state_dict())
        self.epoch, self.iter = runner.epoch, runner.iter
        self.loss_history = runner.message_hub.get_scalar(
            'train/loss').data[0].copy()


def make_runner(work_dir, max_epochs, resume=False, hooks=()):
    torch.manual_seed(0)
    return Runner(
        model=ToyModel(),
        work_dir=str(work_dir),
        train_dataloader=dict(dataset=ToyData(),
                              sampler=dict(type='DefaultSampler',
                                           shuffle=True),
                              batch_size=4, num_workers=0),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.05,
                                          momentum=0.9)),
        train_cfg=dict(by_epoch=True, max_epochs=max_epochs),
        default_hooks=dict(checkpoint=dict(type='CheckpointHook',
                                           interval=1)),
        custom_hooks=list(hooks),
        randomness=dict(seed=0),
        resume=resume,
        default_scope='mmengine')


def test_runner_resumes_its_own_checkpoint(tmp_path):
    first = make_runner(tmp_path / 'run', max_epochs=2)
    first.train()
    saved_optimizer = copy.deepcopy(first.optim_wrapper.state_dict())
    saved_history = first.message_hub.get_scalar('train/loss').data[0]
    steps_per_epoch = len(first.train_dataloader)

    capture = CaptureResumedState()
    second = make_runner(tmp_path / 'run', max_epochs=4, resume=True,
                         hooks=[capture])
    second.train()
    # Resumed exactly where the first run stopped...
    assert (capture.epoch, capture.iter) == (2, 2 * steps_per_epoch)
    for key, value in saved_optimizer['state'][0].items():
        assert torch.equal(capture.optimizer['state'][0][key], value)
    assert (capture.loss_history == saved_history).all()
    # ...and went on to epoch 4, matching a run that was never stopped.
    assert (second.epoch, second.iter) == (4, 4 * steps_per_epoch)
    straight = make_runner(tmp_path / 'straight', max_epochs=4)
    straight.train()
    for a, b in zip(second.model.parameters(), straight.model.parameters()):
        assert torch.allclose(a, b)


def test_untrusted_full_checkpoint_is_refused(tmp_path):
    runner = make_runner(tmp_path / 'run', max_epochs=1)
    runner.train()
    checkpoint = tmp_path / 'run' / 'epoch_1.pth'
    with pytest.raises(RuntimeError, match='Python objects'):
        load_local_checkpoint(str(checkpoint))
    with trusted_checkpoints():
        assert 'message_hub' in load_local_checkpoint(str(checkpoint))
    # Trust given to one file does not extend to others.
    other = tmp_path / 'run' / 'copy.pth'
    other.write_bytes(checkpoint.read_bytes())
    with trusted_checkpoints(str(checkpoint)):
        assert 'message_hub' in load_local_checkpoint(str(checkpoint))
        with pytest.raises(RuntimeError, match='Python objects'):
            load_local_checkpoint(str(other))
    # Plain weights load without trust.
    weights = tmp_path / 'weights.pth'
    torch.save(runner.model.state_dict(), weights)
    assert set(load_local_checkpoint(str(weights))) == {'linear.weight',
                                                        'linear.bias'}


class Payload:
    """Unpickling this creates a file: code execution, if it happens."""

    def __init__(self, target):
        self.target = target

    def __reduce__(self):
        return pathlib.Path.touch, (pathlib.Path(self.target), )


def test_malicious_pickle_does_not_run(tmp_path):
    evil = tmp_path / 'evil.pth'
    torch.save({'state_dict': {}, 'x': Payload(tmp_path / 'pwned')}, evil)
    with pytest.raises(RuntimeError, match='evil.pth'):
        load_local_checkpoint(str(evil))
    assert not (tmp_path / 'pwned').exists()


def test_load_from_stays_weights_only(tmp_path):
    # The Runner's `load_from` (weights from elsewhere) goes through the
    # same safe loader: a payload file is refused.
    evil = tmp_path / 'evil.pth'
    torch.save({'state_dict': {}, 'x': Payload(tmp_path / 'pwned')}, evil)
    runner = make_runner(tmp_path / 'run', max_epochs=1)
    with pytest.raises(RuntimeError, match='Python objects'):
        runner.load_checkpoint(str(evil))
    assert not (tmp_path / 'pwned').exists()
