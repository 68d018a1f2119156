"""Evaluate a trained model (classifier or detector) from a config.

Examples::

    python tools/test.py configs/neas/retinanet_neas_fpn_digits.py \
        work_dirs/retinanet_neas_fpn_digits/epoch_8.pth
    python tools/test.py CONFIG CKPT --out-json metrics.json
"""
import argparse
import json
from pathlib import Path

from mmengine.runner import Runner

from neas_mm.apis import (CheckpointError, ConfigKeyError, add_runner_args,
                          check_fits, load_runner_config, read_checkpoint)
from neas_mm.compat import trusted_checkpoints


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Evaluate a checkpoint with the config\'s test '
        'dataloader and evaluator (e.g. COCO mAP, top-1).')
    parser.add_argument('config', help='config file path')
    parser.add_argument('checkpoint', help='checkpoint written by '
                        'tools/train.py')
    parser.add_argument('--out-json', help='also write the metrics here')
    add_runner_args(parser)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    try:
        cfg = load_runner_config(args)
        checkpoint = Path(args.checkpoint).resolve()
        state = read_checkpoint(checkpoint)
        cfg.load_from, cfg.resume = str(checkpoint), False
        runner = Runner.from_cfg(cfg)
        check_fits(checkpoint, state, runner.model, args.config)
    except (CheckpointError, ConfigKeyError) as err:
        raise SystemExit(f'tools/test.py: error: {err}')
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
