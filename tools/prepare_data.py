"""Prepare the embedded data sets from scikit-learn's bundled digits.

Writes, deterministically, a classification set in the ImageNet folder layout
and a detection set in the COCO layout. A complete folder prepared with the
same parameters is reused; a half-written one is rebuilt.

Example::

    python tools/prepare_data.py                 # both sets under <repo>/data
    python tools/prepare_data.py --cls-size 64 --det-train 512 --force
"""
import argparse
import json
from pathlib import Path

from neas_mm.datasets import (prepare_digits_classification,
                              prepare_digits_detection)

REPO_DATA = Path(__file__).resolve().parents[1] / 'data'


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Prepare the embedded digits classification (ImageNet '
        'layout) and detection (COCO layout) sets.')
    parser.add_argument('--data-root', type=Path, default=REPO_DATA,
                        help='folder that receives digits_cls/ and '
                        'digits_det/ (default: %(default)s)')
    parser.add_argument('--only', choices=['cls', 'det', 'all'],
                        default='all', help='which set to prepare')
    parser.add_argument('--cls-size', type=int, default=32,
                        help='classification image side in px')
    parser.add_argument('--cls-val-fraction', type=float, default=0.2,
                        help='share of each class held out as val')
    parser.add_argument('--det-train', type=int, default=256,
                        help='number of detection training images')
    parser.add_argument('--det-val', type=int, default=64,
                        help='number of detection validation images')
    parser.add_argument('--det-canvas', type=int, default=128,
                        help='detection canvas side in px')
    parser.add_argument('--det-digit-sizes', type=int, nargs='+',
                        default=[16, 24, 32, 48],
                        help='sides (px) at which digits are pasted')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--force', action='store_true',
                        help='rebuild even if complete folders exist')
    return parser.parse_args()


def describe(root: Path) -> str:
    files = [p for p in root.rglob('*') if p.is_file()]
    size = sum(p.stat().st_size for p in files)
    return f'{root}: {len(files)} files, {size / 1e6:.1f} MB'


def main() -> None:
    args = parse_args()
    summary = {}
    if args.only in ('cls', 'all'):
        summary['digits_cls'] = prepare_digits_classification(
            args.data_root / 'digits_cls', image_size=args.cls_size,
            val_fraction=args.cls_val_fraction, seed=args.seed,
            force=args.force)
        print(describe(args.data_root / 'digits_cls'))
    if args.only in ('det', 'all'):
        summary['digits_det'] = prepare_digits_detection(
            args.data_root / 'digits_det', num_train=args.det_train,
            num_val=args.det_val, canvas_size=args.det_canvas,
            digit_sizes=args.det_digit_sizes, seed=args.seed,
            force=args.force)
        print(describe(args.data_root / 'digits_det'))
    print(json.dumps(summary))


if __name__ == '__main__':
    main()
