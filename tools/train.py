"""Train a model from a config with an mmengine Runner (OpenMMLab style).

Examples::

    python tools/train.py configs/neas/neas_supernet_k2_digits.py
    python tools/train.py CONFIG --resume                 # latest in work_dir
    python tools/train.py CONFIG --cfg-options train_cfg.max_epochs=2
    torchrun --nproc_per_node=8 tools/train.py CONFIG --launcher pytorch
"""
import argparse
import os
from pathlib import Path

from mmengine.config import Config, DictAction
from mmengine.runner import Runner

import neas_mm  # noqa: F401  (applies the stack repairs, registers modules)

REPO_WORK_DIRS = Path(__file__).resolve().parents[1] / 'work_dirs'


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Train a model (supernet, retrained ensemble or '
        'detector) from a config.')
    parser.add_argument('config', help='config file path')
    parser.add_argument('--work-dir',
                        help='where logs and checkpoints go (default: '
                        f'{REPO_WORK_DIRS}/<config name>)')
    parser.add_argument('--resume', nargs='?', type=str, const='auto',
                        help='resume from a checkpoint; with no value, from '
                        'the latest checkpoint in the work dir')
    parser.add_argument('--amp', action='store_true',
                        help='automatic mixed precision training')
    parser.add_argument('--auto-scale-lr', action='store_true',
                        help='scale the lr by the actual batch size')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config entries, e.g. '
                        'train_cfg.max_epochs=2 model.backbone.num_paths=3')
    parser.add_argument('--launcher',
                        choices=['none', 'pytorch', 'slurm', 'mpi'],
                        default='none', help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def merge_args(cfg: Config, args: argparse.Namespace) -> Config:
    cfg.launcher = args.launcher
    if args.work_dir is not None:
        cfg.work_dir = str(Path(args.work_dir).resolve())
    elif cfg.get('work_dir') is None:
        cfg.work_dir = str(REPO_WORK_DIRS / Path(args.config).stem)
    if args.amp:
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
    if args.resume == 'auto':
        cfg.resume, cfg.load_from = True, None
    elif args.resume is not None:
        cfg.resume, cfg.load_from = True, args.resume
    if args.auto_scale_lr:
        cfg.auto_scale_lr = dict(cfg.get('auto_scale_lr', {}), enable=True)
    return cfg


def main() -> None:
    args = parse_args()
    cfg = Config.fromfile(args.config)
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    cfg = merge_args(cfg, args)
    runner = Runner.from_cfg(cfg)
    runner.train()


if __name__ == '__main__':
    main()
