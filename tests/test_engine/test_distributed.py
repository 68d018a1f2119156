"""Two CPU processes (gloo) through tools/dist_train.sh and
tools/dist_search.sh: every rank must see the same run."""
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from neas_mm.models import KPathSampler
from neas_mm.space import SearchSpace
from neas_mm.testing import tiny_supernet_options

REPO = Path(__file__).resolve().parents[2]
CONFIGS = REPO / 'configs' / 'neas'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def config_with_record(tmp_path, name, hooks):
    """``name`` with ``hooks`` (plus the RankRecordHook) as custom hooks."""
    path = tmp_path / f'record_{name}'
    hooks = [*hooks, dict(type='neas_mm.RankRecordHook')]
    path.write_text(f"_base_ = [{str(CONFIGS / name)!r}]\n"
                    f"custom_hooks = {hooks!r}\n")
    return str(path)


def launch(script, *args, options):
    env = dict(os.environ, PYTHON=sys.executable, PORT=str(free_port()),
               OMP_NUM_THREADS='1')
    cli = [f'{k}={v}'.replace(' ', '') for k, v in options.items()]
    done = subprocess.run(['bash', str(REPO / 'tools' / script), *args,
                           '--cfg-options', *cli], env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]


def records(work_dir):
    return [json.loads((work_dir / f'rank{r}.json').read_text())
            for r in range(2)]


def data_options(root):
    return {f'{key}.dataset.data_root': str(root) for key in (
        'train_dataloader', 'val_dataloader', 'search_dataloader')}


SHRINK = dict(type='neas_mm.DiversityShrinkHook', interval=1, threshold=3,
              num_drop=12, num_samples=3, score_size=16)


@pytest.fixture(scope='module')
def two_process_supernet(tmp_path_factory, digits_cls_root):
    """A tiny supernet trained 3 epochs on 2 processes (shrunk after
    epochs 1 and 2), then resumed from epoch 2 in another work dir with 4
    epochs: (first run, resumed run) work dirs."""
    first = tmp_path_factory.mktemp('dist_supernet')
    resumed = tmp_path_factory.mktemp('dist_resumed')
    options = {**tiny_supernet_options(), **data_options(digits_cls_root),
               'train_dataloader.batch_size': 8}
    config = config_with_record(first, 'neas_supernet_k2_digits.py',
                                [SHRINK])
    launch('dist_train.sh', config, '2', '--work-dir', str(first),
           options={**options, 'train_cfg.max_epochs': 3})
    launch('dist_train.sh', config, '2', '--work-dir', str(resumed),
           '--resume', str(first / 'epoch_3.pth'),
           options={**options, 'train_cfg.max_epochs': 4})
    return first, resumed


def test_ranks_train_the_same_supernet(two_process_supernet,
                                       digits_cls_root):
    rank0, rank1 = records(two_process_supernet[0])
    # The same architecture at every iteration (draws depend on (seed, i)).
    assert rank0['archs'] and rank0['archs'] == rank1['archs']
    # Gradients were averaged: the weights are bit-identical at the end.
    assert rank0['weights_sha256'] == rank1['weights_sha256']
    # Both shrank the same combinations, twice (after epochs 1 and 2).
    assert rank0['space'] == rank1['space']
    assert SearchSpace.from_dict(rank0['space']).size < 90  # of 90
    # Each epoch, the two ranks' indices cover the training set once.
    size = len((digits_cls_root / 'meta' / 'train.txt').read_text()
               .splitlines())
    assert len(rank0['indices']) == 3
    for a, b in zip(rank0['indices'], rank1['indices']):
        assert len(a) + len(b) == size + size % 2  # padded to even
        assert set(a) | set(b) == set(range(size))


def test_ranks_find_the_same_best_ensemble(tmp_path, two_process_supernet,
                                           digits_cls_root):
    ckpt = two_process_supernet[0] / 'epoch_3.pth'
    config = config_with_record(tmp_path, 'neas_search_k2_digits.py', [])
    launch('dist_search.sh', config, str(ckpt), '2', '--work-dir',
           str(tmp_path), options={
               **tiny_supernet_options(), **data_options(digits_cls_root),
               'train_cfg.search_dataloader.dataset.data_root':
               str(digits_cls_root),
               'train_cfg.population_size': 6, 'train_cfg.top_k': 2,
               'train_cfg.max_generations': 2,
               'train_cfg.num_mutation': 3, 'train_cfg.num_crossover': 3,
               'train_cfg.flops_range': (None, None),
               'train_cfg.calib_size': 32})
    rank0, rank1 = records(tmp_path)
    assert rank0['best'] is not None and rank0['best'] == rank1['best']
    best = json.loads((tmp_path / 'best_arch.json').read_text())
    assert {k: best[k] for k in rank0['best']} == rank0['best']


def test_two_process_resume_continues_the_same_run(two_process_supernet):
    """Resumed after epoch 3, epoch 4 trains on the space of epoch 3 the
    architectures its draw counter continues with, on both ranks."""
    first, resumed = two_process_supernet
    straight, _ = records(first)
    rank0, rank1 = records(resumed)
    assert rank0['archs'] == rank1['archs']
    assert rank0['weights_sha256'] == rank1['weights_sha256']
    assert rank0['space'] == straight['space']  # no shrink after the last
    space = SearchSpace.from_dict(straight['space'])
    drawn = len(straight['archs'])
    sampler = KPathSampler(seed=0)
    assert rank0['archs'] == [
        sampler.sample(space, drawn + i).to_dict()
        for i in range(len(rank0['archs']))]
    assert (resumed / 'epoch_4.pth').is_file()


def test_slurm_scripts_hand_the_tool_its_arguments(tmp_path):
    """With a stand-in ``srun`` that prints what it was given (no slurm
    here): one task per GPU, the tool, its arguments, --launcher slurm."""
    fake = tmp_path / 'srun'
    fake.write_text('#!/usr/bin/env bash\nprintf "%s\\n" "$@"\n')
    fake.chmod(0o755)
    env = dict(os.environ, PATH=f'{tmp_path}:{os.environ["PATH"]}',
               GPUS='16', PYTHON='py')
    for script, args, tool in (
            ('slurm_train.sh', ['cfg.py', '--resume'], 'train.py'),
            ('slurm_search.sh', ['cfg.py', 'ck.pth'], 'search.py')):
        done = subprocess.run(['bash', str(REPO / 'tools' / script), 'dev',
                               'job', *args], env=env, capture_output=True,
                              text=True, check=True)
        words = done.stdout.split('\n')
        assert words[:2] == ['-p', 'dev'] and '--ntasks=16' in words
        start = words.index(str(REPO / 'tools' / tool))
        assert words[start - 2:start] == ['py', '-u']
        assert words[start + 1:start + 1 + len(args)] == args
        assert words[start + 1 + len(args):] == ['--launcher', 'slurm', '']


def test_cpu_launch_errors_name_the_fix(monkeypatch):
    from mmengine.config import Config

    from neas_mm.apis import prepare_cpu_distributed
    monkeypatch.setattr('torch.cuda.is_available', lambda: False)
    with pytest.raises(ValueError, match='torchrun and --launcher pytorch'):
        prepare_cpu_distributed(Config(dict(launcher='slurm')))
    for key in ('RANK', 'WORLD_SIZE', 'MASTER_ADDR', 'MASTER_PORT'):
        monkeypatch.delenv(key, raising=False)
    with pytest.raises(ValueError, match=r"needs \['RANK'"):
        prepare_cpu_distributed(Config(dict(launcher='pytorch')))
    # Not distributed: nothing to do.
    cfg = Config(dict(launcher='none'))
    assert prepare_cpu_distributed(cfg) is cfg and 'env_cfg' not in cfg
