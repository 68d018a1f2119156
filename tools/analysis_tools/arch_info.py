"""FLOPs, parameters and shape of an ensemble architecture, as one JSON line.

ARCH is an arch file (.json/.yaml) or an official NEAS ``arch_list`` given as
comma-separated integers. Examples (NEAS-S of the official release; a digits
ensemble priced with the digits config's widths at 32 px)::

    python tools/analysis_tools/arch_info.py \
        20,2,0,0,-1,0,2,0,0,2,-1,0,-1,0,3,2,4,0,2,5,0,4,3,0,0
    python tools/analysis_tools/arch_info.py best_arch.json --input-size 32 \
        --config configs/neas/neas_supernet_k2_digits.py
"""
import argparse
import json

from neas_mm.models import NEASSupernet
from neas_mm.search import FlopsTable
from neas_mm.space import EnsembleArch


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Print FLOPs (multiply-adds), parameters, split and '
        'number of paths of an ensemble architecture as one JSON line.')
    parser.add_argument('arch', help='arch file, or an official arch_list '
                        'as comma-separated integers')
    parser.add_argument('--input-size', type=int, default=224,
                        help='square input side in px (default: 224)')
    parser.add_argument('--num-classes', type=int, default=1000,
                        help='classes of each path\'s classifier')
    parser.add_argument('--widen-factor', type=float, default=1.0,
                        help='width multiplier of the space')
    parser.add_argument('--config', help='take the widths and classes from '
                        'this supernet/search config (e.g. the digits one) '
                        'instead of the official skeleton')
    return parser.parse_args()


def supernet_kwargs(args: argparse.Namespace) -> dict:
    """Skeleton options: from ``--config`` if given, else the flags."""
    if args.config is None:
        return dict(widen_factor=args.widen_factor)
    from mmengine.config import Config
    model = Config.fromfile(args.config).model
    args.num_classes = model.head.num_classes
    return {k: v for k, v in model.backbone.items()
            if k not in ('type', 'num_paths', 'stage_depths')}


def main() -> None:
    args = parse_args()
    arch = EnsembleArch.parse(args.arch)
    supernet = NEASSupernet(num_paths=arch.num_paths,
                            stage_depths=arch.stage_depths,
                            **supernet_kwargs(args))
    table = FlopsTable.from_supernet(supernet,
                                     (args.input_size, args.input_size),
                                     args.num_classes)
    print(json.dumps(dict(flops_m=round(table.macs(arch) / 1e6, 2),
                          params_m=round(table.params(arch) / 1e6, 3),
                          split=arch.split, num_paths=arch.num_paths,
                          num_layers=arch.num_layers,
                          input_size=args.input_size,
                          arch_list=arch.to_arch_list())))


if __name__ == '__main__':
    main()
