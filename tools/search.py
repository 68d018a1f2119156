"""Phase 2: K-path evolution search over a trained NEAS supernet, or a
NASNet-style controller search (no checkpoint).

Reads the supernet's weights and its (shrunk) search space from CHECKPOINT,
scores ensembles by their accuracy on the ``search`` split (held out of
training and of the reported ``val`` split; ``train_cfg.search_dataloader``)
after BN recalibration, and writes
``best_arch.json`` (arch file with the official arch_list), the top-k table
and ``search_curve.png`` to the work dir.

Examples::

    python tools/search.py configs/neas/neas_search_k2_digits.py \
        work_dirs/neas_supernet_k2_digits/epoch_30.pth
    python tools/search.py CONFIG CKPT --resume     # continue a search
    python tools/search.py CONFIG CKPT --cfg-options train_cfg.mode=random \
        train_cfg.flops_range="(None,300)"

A loop that needs no supernet (``RLControllerSearchLoop``: children trained
from scratch) takes the config alone::

    python tools/search.py \
        configs/nasnet/nasnet_search_controller_cluttered.py
    python tools/search.py \
        configs/nasnet/nasnet_search_controller_cluttered.py --resume
"""
import argparse
from pathlib import Path
from typing import Optional, Tuple

from mmengine.runner import Runner

from neas_mm.apis import (CheckpointError, ConfigKeyError, add_runner_args,
                          check_fits, load_runner_config, read_checkpoint)
from neas_mm.compat import trusted_checkpoints
from neas_mm.models import unpack_extra_state
from neas_mm.registry import LOOPS


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='K-path evolution (or random) search of a NEAS '
        'ensemble over a trained supernet, or a controller search.')
    parser.add_argument('config', help='search config file')
    parser.add_argument('checkpoint', nargs='?', default=None,
                        help='supernet checkpoint written by tools/train.py '
                        '(weights and shrunk space); none for a loop that '
                        'trains its children (RLControllerSearchLoop)')
    parser.add_argument('--resume', action='store_true',
                        help='continue the search saved in the work dir')
    add_runner_args(parser)
    return parser.parse_args()


def supernet_checkpoint(path: Path) -> dict:
    """The checkpoint at ``path`` if it is a NEAS supernet's (its model
    state holds the search space); a :class:`CheckpointError` otherwise."""
    checkpoint = read_checkpoint(path)
    state = checkpoint.get('state_dict', checkpoint)
    try:
        extra = unpack_extra_state(state.get('_extra_state'))
    except (TypeError, ValueError, UnicodeDecodeError):
        extra = None
    if not isinstance(extra, dict) or 'space' not in extra:
        raise CheckpointError(
            f'{path} is not a NEAS supernet checkpoint: its model state '
            'holds no search space (a retrained or detection checkpoint?); '
            'pass a checkpoint of `python tools/train.py '
            'configs/neas/neas_supernet_<...>.py`')
    return checkpoint


def needs_checkpoint(cfg) -> bool:
    """Whether the config's search loop reads a supernet checkpoint (its
    class's ``needs_checkpoint``, True unless it says otherwise)."""
    loop_type = cfg.get('train_cfg', {}).get('type')
    loop = LOOPS.get(loop_type) if isinstance(loop_type, str) else loop_type
    return getattr(loop, 'needs_checkpoint', True)


def search_runner(cfg, args: argparse.Namespace
                  ) -> Tuple[Runner, Optional[Path]]:
    """The Runner of the search and the supernet checkpoint it reads (None
    for a loop that needs none)."""
    if not needs_checkpoint(cfg):
        if args.checkpoint is not None:
            raise CheckpointError(
                f'{cfg.train_cfg.type} ({args.config}) trains its children '
                f'from scratch and takes no checkpoint, got '
                f'{args.checkpoint}')
        cfg.train_cfg.resume = args.resume
        return Runner.from_cfg(cfg), None
    if args.checkpoint is None:
        raise CheckpointError(
            f'{args.config} searches over a trained supernet: pass its '
            'checkpoint, `python tools/search.py CONFIG CHECKPOINT`')
    checkpoint = Path(args.checkpoint).resolve()
    state = supernet_checkpoint(checkpoint)
    cfg.load_from, cfg.resume = str(checkpoint), False
    cfg.train_cfg.resume = args.resume
    runner = Runner.from_cfg(cfg)
    check_fits(checkpoint, state, runner.model, args.config)
    return runner, checkpoint


def main() -> None:
    args = parse_args()
    try:
        cfg = load_runner_config(args)
        runner, checkpoint = search_runner(cfg, args)
    except (CheckpointError, ConfigKeyError) as err:
        raise SystemExit(f'tools/search.py: error: {err}')
    if checkpoint is None:
        runner.train()
        return
    with trusted_checkpoints(str(checkpoint)):
        runner.train()


if __name__ == '__main__':
    main()
