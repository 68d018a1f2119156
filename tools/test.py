"""Evaluate a trained model (classifier or detector) from a config.

Examples::

    python tools/test.py configs/neas/retinanet_neas_fpn_digits.py \
        work_dirs/retinanet_neas_fpn_digits/epoch_8.pth
    python tools/test.py CONFIG CKPT --out-json metrics.json
"""
import argparse
import json
import os
from pathlib import Path

from mmengine.config import Config, DictAction
from mmengine.runner import Runner

from neas_mm.compat import trusted_checkpoints

REPO_WORK_DIRS = Path(__file__).resolve().parents[1] / 'work_dirs'


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Evaluate a checkpoint with the config\'s test '
        'dataloader and evaluator (e.g. COCO mAP, top-1).')
    parser.add_argument('config', help='config file path')
    parser.add_argument('checkpoint', help='checkpoint written by '
                        'tools/train.py')
    parser.add_argument('--work-dir', help='where logs go (default: '
                        f'{REPO_WORK_DIRS}/<config name>)')
    parser.add_argument('--out-json', help='also write the metrics here')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config entries')
    parser.add_argument('--launcher',
                        choices=['none', 'pytorch', 'slurm', 'mpi'],
                        default='none', help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def main() -> None:
    args = parse_args()
    cfg = Config.fromfile(args.config)
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    cfg.launcher = args.launcher
    if args.work_dir is not None:
        cfg.work_dir = str(Path(args.work_dir).resolve())
    elif cfg.get('work_dir') is None:
        cfg.work_dir = str(REPO_WORK_DIRS / Path(args.config).stem)
    checkpoint = Path(args.checkpoint).resolve()
    if not checkpoint.is_file():
        raise FileNotFoundError(f'checkpoint {checkpoint} does not exist')
    cfg.load_from, cfg.resume = str(checkpoint), False
    runner = Runner.from_cfg(cfg)
    # The user names a checkpoint of their own run: full unpickling.
    with trusted_checkpoints(str(checkpoint)):
        metrics = runner.test()
    metrics = {k: float(v) if isinstance(v, (int, float)) else str(v)
               for k, v in metrics.items()}
    if args.out_json:
        Path(args.out_json).write_text(json.dumps(metrics, indent=1))
    print(json.dumps(metrics))


if __name__ == '__main__':
    main()
