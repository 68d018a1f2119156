"""Prepare the embedded data sets from scikit-learn's bundled digits.

Writes, deterministically, a classification set in the ImageNet folder layout,
the harder cluttered-digits classification task (train / search / val from
disjoint source digits) and a detection set in the COCO layout. A complete
folder prepared with the same parameters is reused; a half-written one is
rebuilt.

Example::

    python tools/prepare_data.py                 # all sets under <repo>/data
    python tools/prepare_data.py --only cluttered --clutter-fragments 6
    python tools/prepare_data.py --cls-size 64 --det-train 512 --force
"""
import argparse
import json
from pathlib import Path

from neas_mm.datasets import (DIGIT_CLASSES, prepare_cluttered_digits,
                              prepare_digits_classification,
                              prepare_digits_detection)

REPO_DATA = Path(__file__).resolve().parents[1] / 'data'


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Prepare the embedded digits classification (ImageNet '
        'layout) and detection (COCO layout) sets.')
    parser.add_argument('--data-root', type=Path, default=REPO_DATA,
                        help='folder that receives digits_cls/, '
                        'cluttered_digits/ and digits_det/ (default: '
                        '%(default)s)')
    parser.add_argument('--only', choices=['cls', 'cluttered', 'det', 'all'],
                        default='all', help='which set to prepare')
    parser.add_argument('--cls-size', type=int, default=32,
                        help='classification image side in px')
    parser.add_argument('--cls-val-fraction', type=float, default=0.2,
                        help='share of each class held out as val')
    parser.add_argument('--cls-search-fraction', type=float, default=0.15,
                        help='share of each class held out as search (what '
                        'shrinking scores ensembles on)')
    parser.add_argument('--clutter-images', type=int, nargs=3,
                        metavar=('TRAIN', 'SEARCH', 'VAL'),
                        help='cluttered-digits images per split (default: '
                        '12000 2000 3000)')
    parser.add_argument('--clutter-fragments', type=int,
                        help='fragments of other digits per image '
                        '(default: 1)')
    parser.add_argument('--clutter-scale', type=int, nargs=2,
                        metavar=('MIN', 'MAX'),
                        help='side (px) of the target digit (default: 14 '
                        '22)')
    parser.add_argument('--clutter-noise', type=float,
                        help='pixel noise std, pixels in [0, 1] (default: '
                        '0.03)')
    parser.add_argument('--det-train', type=int, default=2048,
                        help='number of detection training images')
    parser.add_argument('--det-val', type=int, default=256,
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


def save_cluttered_preview(root: Path, out: Path) -> None:
    """One image of every class from each split, titled with its label."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    from PIL import Image

    splits = ('train', 'search', 'val')
    fig, axes = plt.subplots(len(splits), len(DIGIT_CLASSES),
                             figsize=(12, 4.2))
    for row, split in zip(axes, splits):
        for ax, digit in zip(row, DIGIT_CLASSES):
            ax.axis('off')
            files = sorted((root / split / digit).glob('*.png'))
            if files:  # a tiny split may lack a class
                ax.imshow(Image.open(files[0]))
                ax.set_title(f'{split} {digit}', fontsize=8)
    fig.suptitle('cluttered_digits: label = the whole digit among fragments'
                 ' of others, occluding bars and noise (32 px)')
    fig.tight_layout()
    fig.savefig(out, dpi=100)
    plt.close(fig)


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
            val_fraction=args.cls_val_fraction,
            search_fraction=args.cls_search_fraction, seed=args.seed,
            force=args.force)
        print(describe(args.data_root / 'digits_cls'))
    if args.only in ('cluttered', 'all'):
        given = dict(num_images=args.clutter_images,
                     num_fragments=args.clutter_fragments,
                     digit_scale=args.clutter_scale,
                     noise_std=args.clutter_noise)
        summary['cluttered_digits'] = prepare_cluttered_digits(
            args.data_root / 'cluttered_digits', seed=args.seed,
            force=args.force,
            **{k: v for k, v in given.items() if v is not None})
        print(describe(args.data_root / 'cluttered_digits'))
        preview = args.data_root / 'cluttered_digits_preview.png'
        save_cluttered_preview(args.data_root / 'cluttered_digits', preview)
        print(f'preview: {preview}')
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
