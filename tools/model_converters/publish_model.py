"""Strip a training checkpoint down to its weights.

A Runner checkpoint holds the optimizer, the message hub and other Python
objects, so neas_mm loads it elsewhere (``init_cfg=dict(type='Pretrained')``)
only weights-only, which refuses it. This tool keeps ``state_dict`` (the EMA
weights when the run used EMAHook) and plain metadata, and writes a file any
config can load, e.g. a retrained ensemble as a RetinaNet backbone::

    python tools/model_converters/publish_model.py \
        work_dirs/neas_retrain_digits/epoch_10.pth neas_retrained.pth
"""
import argparse
from pathlib import Path

import torch

from neas_mm.apis import CheckpointError, read_checkpoint


def main() -> None:
    parser = argparse.ArgumentParser(
        description='Keep only the weights of a training checkpoint.')
    parser.add_argument('checkpoint', help='checkpoint of your own run')
    parser.add_argument('out', help='weights-only output file')
    args = parser.parse_args()
    src = Path(args.checkpoint).resolve()
    try:
        checkpoint = read_checkpoint(src)
    except CheckpointError as err:
        raise SystemExit(f'publish_model.py: error: {err}')
    state = checkpoint.get('state_dict', checkpoint)
    tensors = {k: v for k, v in state.items() if torch.is_tensor(v)}
    extra = {k: v for k, v in state.items() if not torch.is_tensor(v)}
    torch.save({'state_dict': {**tensors, **extra},
                'meta': {'source': str(src)}}, args.out)
    print(f'{len(tensors)} tensors from {src} -> {args.out}')


if __name__ == '__main__':
    main()
