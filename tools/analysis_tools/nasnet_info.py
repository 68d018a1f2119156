"""Multiply-adds and parameters of a NASNet (backbone + linear classifier),
as one JSON line. Defaults: NASNet-A mobile (4 @ 1056, ImageNet stem, 224
px, 1000 classes), which the paper's Table 2 gives as 564 M mult-adds and
5.3 M parameters::

    python tools/analysis_tools/nasnet_info.py
    python tools/analysis_tools/nasnet_info.py --config \
        configs/nasnet/nasnet_a_digits.py --input-size 32
"""
import argparse
import json
from pathlib import Path

import torch

from neas_mm.models import NASNetBackbone
from neas_mm.search import count_macs, count_params

NASNET_A = Path(__file__).resolve().parents[2] / 'configs' / 'nasnet' / \
    'archs' / 'nasnet_a.json'


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Print the multiply-adds and parameters of a NASNet '
        '(backbone and linear classifier) as one JSON line.')
    parser.add_argument('arch', nargs='?', default=str(NASNET_A),
                        help='NASNet arch file (default: NASNet-A)')
    parser.add_argument('--num-cells', type=int, default=4,
                        help='N, normal cells per stage (default: 4)')
    parser.add_argument('--penultimate-filters', type=int, default=1056,
                        help='F, filters of the last cell (default: 1056)')
    parser.add_argument('--stem', default='imagenet',
                        choices=('imagenet', 'cifar'))
    parser.add_argument('--stem-multiplier', type=float, default=1.0)
    parser.add_argument('--input-size', type=int, default=224,
                        help='square input side in px (default: 224)')
    parser.add_argument('--num-classes', type=int, default=1000)
    parser.add_argument('--config', help='take the backbone and classes '
                        'from this classifier config instead of the flags')
    return parser.parse_args()


def backbone_kwargs(args: argparse.Namespace) -> dict:
    """NASNetBackbone options: from ``--config`` if given, else the flags."""
    if args.config is not None:
        from mmengine.config import Config
        model = Config.fromfile(args.config).model
        args.num_classes = model.head.num_classes
        return {k: v for k, v in model.backbone.items()
                if k not in ('type', 'out_indices', 'init_cfg')}
    return dict(arch=args.arch, num_cells=args.num_cells,
                penultimate_filters=args.penultimate_filters,
                stem=args.stem, stem_multiplier=args.stem_multiplier)


def main() -> None:
    args = parse_args()
    backbone = NASNetBackbone(**backbone_kwargs(args)).eval()
    with torch.no_grad():
        macs, _ = count_macs(backbone,
                             torch.zeros(1, 3, args.input_size,
                                         args.input_size))
    params = count_params(backbone)
    features = backbone.out_channels[-1]
    fc_macs = features * args.num_classes
    fc_params = (features + 1) * args.num_classes
    print(json.dumps(dict(
        arch=backbone.arch.name or str(args.arch),
        notation=f'{backbone.num_cells} @ {backbone.penultimate_filters}',
        input_size=args.input_size, num_classes=args.num_classes,
        macs_m=round((macs + fc_macs) / 1e6, 2),
        params_m=round((params + fc_params) / 1e6, 3),
        backbone_macs_m=round(macs / 1e6, 2),
        backbone_params_m=round(params / 1e6, 3),
        classifier_params_m=round(fc_params / 1e6, 3),
        first_stage_filters=backbone.channels,
        stem_channels=backbone.stem_channels)))


if __name__ == '__main__':
    main()
