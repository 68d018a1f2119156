"""FLOPs, parameters and shape of an ensemble architecture, as one JSON line.

ARCH is an arch file (.json/.yaml) or an official NEAS ``arch_list`` given as
comma-separated integers. Example (NEAS-S of the official release)::

    python tools/analysis_tools/arch_info.py \
        20,2,0,0,-1,0,2,0,0,2,-1,0,-1,0,3,2,4,0,2,5,0,4,3,0,0
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
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    arch = EnsembleArch.parse(args.arch)
    supernet = NEASSupernet(num_paths=arch.num_paths,
                            stage_depths=arch.stage_depths,
                            widen_factor=args.widen_factor)
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
