"""Train a model from a config with an mmengine Runner (OpenMMLab style).

Examples::

    python tools/train.py configs/neas/neas_supernet_k2_digits.py
    python tools/train.py CONFIG --resume                 # latest in work_dir
    python tools/train.py CONFIG --cfg-options train_cfg.max_epochs=2
    torchrun --nproc_per_node=8 tools/train.py CONFIG --launcher pytorch
"""
import argparse
from pathlib import Path

from mmengine.config import Config
from mmengine.runner import Runner

from neas_mm.apis import (CheckpointError, ConfigKeyError, add_runner_args,
                          load_runner_config, read_checkpoint)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Train a model (supernet, retrained ensemble or '
        'detector) from a config.')
    parser.add_argument('config', help='config file path')
    parser.add_argument('--resume', nargs='?', type=str, const='auto',
                        help='resume from a checkpoint; with no value, from '
                        'the latest checkpoint in the work dir')
    parser.add_argument('--amp', action='store_true',
                        help='automatic mixed precision training')
    parser.add_argument('--auto-scale-lr', action='store_true',
                        help='scale the lr by the actual batch size')
    add_runner_args(parser)
    return parser.parse_args()


def merge_args(cfg: Config, args: argparse.Namespace) -> Config:
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
    try:
        cfg = merge_args(load_runner_config(args), args)
        if args.resume not in (None, 'auto'):
            read_checkpoint(Path(args.resume).resolve())
    except (CheckpointError, ConfigKeyError) as err:
        raise SystemExit(f'tools/train.py: error: {err}')
    runner = Runner.from_cfg(cfg)
    runner.train()


if __name__ == '__main__':
    main()
