"""Phase 2: K-path evolution search over a trained NEAS supernet.

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
"""
import argparse
from pathlib import Path

from mmengine.runner import Runner

from neas_mm.apis import add_runner_args, load_runner_config
from neas_mm.compat import load_local_checkpoint, trusted_checkpoints
from neas_mm.models import unpack_extra_state


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='K-path evolution (or random) search of a NEAS '
        'ensemble over a trained supernet.')
    parser.add_argument('config', help='search config file')
    parser.add_argument('checkpoint', help='supernet checkpoint written by '
                        'tools/train.py (weights and shrunk space)')
    parser.add_argument('--resume', action='store_true',
                        help='continue the search saved in the work dir')
    add_runner_args(parser)
    return parser.parse_args()


def check_supernet_checkpoint(path: Path) -> None:
    """Fail early, naming the problem, unless ``path`` is a NEAS supernet
    checkpoint (it must hold the search space in the model state)."""
    if not path.is_file():
        raise FileNotFoundError(f'supernet checkpoint {path} does not exist')
    # The user names their own supernet run's checkpoint: full unpickling
    # of that one file.
    with trusted_checkpoints(str(path)):
        checkpoint = load_local_checkpoint(str(path), map_location='cpu')
    state = checkpoint.get('state_dict', checkpoint) \
        if isinstance(checkpoint, dict) else None
    extra = state.get('_extra_state') if isinstance(state, dict) else None
    try:
        extra = unpack_extra_state(extra)
    except (TypeError, ValueError, UnicodeDecodeError):
        extra = None
    if not isinstance(extra, dict) or 'space' not in extra:
        raise ValueError(f'{path} is not a NEAS supernet checkpoint: its '
                         'model state holds no search space (expected a '
                         'checkpoint of NEASSupernetClassifier written by '
                         'tools/train.py)')


def main() -> None:
    args = parse_args()
    cfg = load_runner_config(args)
    checkpoint = Path(args.checkpoint).resolve()
    check_supernet_checkpoint(checkpoint)
    cfg.load_from, cfg.resume = str(checkpoint), False
    cfg.train_cfg.resume = args.resume
    runner = Runner.from_cfg(cfg)
    with trusted_checkpoints(str(checkpoint)):
        runner.train()


if __name__ == '__main__':
    main()
