"""tools/train.py trains the digits supernet config, saves, resumes."""
import json
import runpy
import subprocess
import sys
from pathlib import Path
from unittest import mock

from neas_mm.testing import tiny_supernet_options

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / 'configs' / 'neas' / 'neas_supernet_k2_digits.py'
TINY = [f'{key}={value}'.replace(' ', '')
        for key, value in tiny_supernet_options().items()
        ] + ['default_hooks.logger.interval=1']


def train(work_dir, data_root, epochs, *extra, config=CONFIG, options=()):
    """tools/train.py's main in this process, as its command line."""
    tool = REPO / 'tools' / 'train.py'
    argv = [
        str(tool), str(config), '--work-dir', str(work_dir), *extra,
        '--cfg-options', *TINY, f'train_cfg.max_epochs={epochs}',
        f'train_dataloader.dataset.data_root={data_root}',
        f'val_dataloader.dataset.data_root={data_root}',
        f'search_dataloader.dataset.data_root={data_root}', *options
    ]
    with mock.patch.object(sys, 'argv', argv):
        runpy.run_path(str(tool), run_name='__main__')


def logs(work_dir):
    return '\n'.join(log.read_text()
                     for log in Path(work_dir).glob('*/*.log'))


def scalars(work_dir):
    logs = sorted(Path(work_dir).glob('*/vis_data/scalars.json'))
    return [json.loads(line) for log in logs
            for line in log.read_text().splitlines()]


def test_train_save_resume_and_log_accuracy(tmp_path, digits_cls_root):
    work_dir = tmp_path / 'supernet'
    train(work_dir, digits_cls_root, 1)
    assert (work_dir / 'epoch_1.pth').is_file()
    train(work_dir, digits_cls_root, 2, '--resume')
    assert 'resumed epoch: 1' in logs(work_dir)
    assert (work_dir / 'epoch_2.pth').is_file()
    records = scalars(work_dir)
    val = [r for r in records if 'accuracy/top1' in r]
    assert [r['step'] for r in val] == [1, 2]
    assert all(0 <= r['accuracy/top1'] <= 100 for r in val)
    train_losses = [r['loss'] for r in records if 'loss' in r]
    assert train_losses and all(loss > 0 for loss in train_losses)


def test_the_senas_config_expands_and_resumes(tmp_path, digits_cls_root):
    import torch
    config = CONFIG.with_name('neas_supernet_k2_senas_digits.py')
    # The tiny space (3 splittable layers of 30) shrunk to 3 a layer after
    # epoch 1, so that its child spaces fit the config's threshold.
    options = ['custom_hooks.0.interval=1', 'custom_hooks.0.threshold=9',
               'custom_hooks.0.num_drop=81']
    work_dir = tmp_path / 'senas'
    train(work_dir, digits_cls_root, 2, config=config, options=options)
    assert 'SE-NAS expanding (T=200)' in logs(work_dir)
    history = json.loads((work_dir / 'shrink_history.json').read_text())
    assert history[0]['metric'] == 'senas'
    assert history[0]['expansion']['copies'] > 0
    state = torch.load(work_dir / 'epoch_2.pth', weights_only=False)
    copies = [k for k in state['state_dict']
              if k.startswith('backbone.expansion.groups.')]
    assert copies
    train(work_dir, digits_cls_root, 3, '--resume', config=config,
          options=options)
    assert 'resumed epoch: 2' in logs(work_dir)
    resumed = torch.load(work_dir / 'epoch_3.pth', weights_only=False)
    assert [k for k in resumed['state_dict']
            if k.startswith('backbone.expansion.groups.')] == copies
    assert any(not torch.equal(state['state_dict'][k],
                               resumed['state_dict'][k])
               for k in copies)


def test_help_lists_the_openmmlab_options():
    out = subprocess.run([sys.executable, str(REPO / 'tools' / 'train.py'),
                          '--help'], capture_output=True, text=True,
                         check=True).stdout
    for option in ('--work-dir', '--resume', '--cfg-options', '--launcher',
                   '--amp'):
        assert option in out
