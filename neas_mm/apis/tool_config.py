"""What every tool entry point shares: the OpenMMLab command-line options
and turning them into a Runner config."""
import argparse
import os
from pathlib import Path

from mmengine.config import Config, DictAction

from .cfg_options_check import check_cfg_options
from .cpu_distributed import prepare_cpu_distributed

#: Default parent of work dirs: ``work_dirs/`` beside ``tools/`` in the repo.
REPO_WORK_DIRS = Path(__file__).resolve().parents[2] / 'work_dirs'


def add_runner_args(parser: argparse.ArgumentParser) -> None:
    """``--work-dir``, ``--cfg-options``, ``--launcher``, ``--local-rank``."""
    parser.add_argument('--work-dir', help='where logs and results go '
                        f'(default: {REPO_WORK_DIRS}/<config name>)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config entries, e.g. '
                        'train_cfg.max_epochs=2 model.backbone.num_paths=3')
    parser.add_argument('--launcher',
                        choices=['none', 'pytorch', 'slurm', 'mpi'],
                        default='none', help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)


def load_runner_config(args: argparse.Namespace) -> Config:
    """The config of ``args.config`` with the common options applied (a
    distributed launcher without a GPU starts the gloo process group)."""
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    cfg = Config.fromfile(args.config)
    if args.cfg_options is not None:
        check_cfg_options(cfg, args.cfg_options)
        cfg.merge_from_dict(args.cfg_options)
    cfg.launcher = args.launcher
    prepare_cpu_distributed(cfg)
    if args.work_dir is not None:
        cfg.work_dir = str(Path(args.work_dir).resolve())
    elif cfg.get('work_dir') is None:
        cfg.work_dir = str(REPO_WORK_DIRS / Path(args.config).stem)
    return cfg
