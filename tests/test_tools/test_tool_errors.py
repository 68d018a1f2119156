"""Errors that say what to do: checkpoints and --cfg-options keys."""
import runpy
import sys
from pathlib import Path

import pytest
import torch
from mmengine.config import Config

from neas_mm.apis import (CheckpointError, ConfigKeyError, check_cfg_options,
                          check_fits, read_checkpoint)

REPO = Path(__file__).resolve().parents[2]
CFG = Config(dict(train_cfg=dict(max_epochs=3, val_interval=1),
                  custom_hooks=[dict(type='Hook', metric=dict(type='M'))],
                  train_dataloader=dict(dataset=dict(type='D',
                                                     data_root='x'))))


def test_cfg_options_typos_name_the_closest_key():
    # Existing keys, and new entries mmengine creates (nested too).
    check_cfg_options(CFG, ['train_cfg.max_epochs', 'custom_hooks.0.metric.'
                            'type', 'train_dataloader.dataset.indices',
                            'model.backbone.init_cfg.type', 'zzz.y'])
    cases = {'trian_cfg.max_epochs': "did you mean 'train_cfg'?",
             'train_cfg.max_epoch': "did you mean 'train_cfg.max_epochs'?",
             'custom_hooks.0.metrc.type':
             "did you mean 'custom_hooks.0.metric'?",
             'custom_hooks.3.type': "custom_hooks has no '3'; it is a list "
                                    'of 1',
             'train_cfg.max_epochs.x': 'train_cfg.max_epochs is 3, not a '
                                       'dict or list'}
    for key, hint in cases.items():
        with pytest.raises(ConfigKeyError) as info:
            check_cfg_options(CFG, [key])
        assert hint in str(info.value) and key in str(info.value)


def test_the_demo_and_readme_options_pass():
    """Options the demo and the README's quick start pass to the tools."""
    cfg = Config.fromfile(str(REPO / 'configs' / 'neas' /
                              'retinanet_neas_fpn_digits.py'))
    check_cfg_options(cfg, [
        'model.backbone.init_cfg.type', 'model.backbone.init_cfg.prefix',
        'model.backbone.init_cfg.checkpoint', 'model.backbone.arch',
        'train_cfg.max_epochs', 'default_hooks.checkpoint.interval',
        'param_scheduler.1.milestones', 'val_evaluator.ann_file',
        'train_dataloader.dataset.data_root'])


def test_checkpoints_that_cannot_be_used_are_named(tmp_path):
    with pytest.raises(CheckpointError, match='does not exist; train one'):
        read_checkpoint(tmp_path / 'nope.pth')
    bad = tmp_path / 'bad.pth'
    bad.write_bytes(b'\x00garbage')
    with pytest.raises(CheckpointError, match=r'bad.pth cannot be read'):
        read_checkpoint(bad)
    tensor = tmp_path / 'tensor.pth'
    torch.save(torch.zeros(2), tensor)
    with pytest.raises(CheckpointError, match='holds a Tensor, not a '):
        read_checkpoint(tensor)
    model = torch.nn.Linear(3, 2)
    good = dict(state_dict=model.state_dict())
    check_fits(tmp_path / 'good.pth', good, model)
    with pytest.raises(CheckpointError, match='another kind of model'):
        check_fits(tmp_path / 'x.pth', dict(state_dict=dict(
            conv=torch.zeros(1))), model)
    with pytest.raises(CheckpointError,
                       match=r'weight is \(2, 4\) there and \(2, 3\) here'):
        check_fits(tmp_path / 'x.pth', dict(
            state_dict=torch.nn.Linear(4, 2).state_dict()), model)


def test_test_tool_exits_with_one_line(tmp_path, monkeypatch):
    tool = REPO / 'tools' / 'test.py'
    config = REPO / 'configs' / 'neas' / 'retinanet_neas_fpn_digits.py'
    corrupt = tmp_path / 'epoch_1.pth'
    corrupt.write_bytes(b'PK\x03\x04 truncated zip')
    other = tmp_path / 'other.pth'
    torch.save(dict(state_dict=dict(fc=torch.zeros(2))), other)
    expected = {corrupt: 'cannot be read (corrupt or truncated?',
                other: 'holds another kind of model than the config'}
    for ckpt, text in expected.items():
        monkeypatch.setattr(sys, 'argv', [str(tool), str(config), str(ckpt),
                                          '--work-dir', str(tmp_path)])
        with pytest.raises(SystemExit) as info:
            runpy.run_path(str(tool), run_name='__main__')
        message = str(info.value.code)
        assert message.startswith('tools/test.py: error: ')
        assert text in message and '\n' not in message


def test_publish_model_exits_with_one_line(tmp_path, monkeypatch):
    tool = REPO / 'tools' / 'model_converters' / 'publish_model.py'
    truncated = tmp_path / 'epoch_3.pth'
    torch.save(dict(state_dict=dict(w=torch.zeros(64, 64))), truncated)
    truncated.write_bytes(truncated.read_bytes()[:200])
    monkeypatch.setattr(sys, 'argv', [str(tool), str(truncated),
                                      str(tmp_path / 'out.pth')])
    with pytest.raises(SystemExit) as info:
        runpy.run_path(str(tool), run_name='__main__')
    assert str(info.value.code).startswith('publish_model.py: error: ')
    assert 'epoch_3.pth cannot be read' in str(info.value.code)
    assert not (tmp_path / 'out.pth').exists()


def test_packed_extra_state_of_another_length_fits(tmp_path):
    """A supernet's ``_extra_state`` (its space as JSON bytes) changes
    length when the space shrinks; it is data, not a weight."""
    class WithExtra(torch.nn.Linear):
        def get_extra_state(self):
            return torch.zeros(7, dtype=torch.uint8)

        def set_extra_state(self, state):
            pass
    model = WithExtra(3, 2)
    state = dict(model.state_dict())
    state['_extra_state'] = torch.zeros(99, dtype=torch.uint8)
    check_fits(tmp_path / 'shrunk.pth', dict(state_dict=state), model)
