"""Command-line options every ranking-style benchmark shares."""
import argparse
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def benchmark_parser(doc: str, quick_help: str,
                     data_root: Path) -> argparse.ArgumentParser:
    """A parser with the module docstring's first line as description,
    ``--quick`` and the shared ``--data-root``, ``--out-dir``,
    ``--threads`` options."""
    parser = argparse.ArgumentParser(
        description=doc.split('\n')[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument('--quick', action='store_true', help=quick_help)
    parser.add_argument('--data-root', type=Path, default=data_root,
                        help='the task folder (prepared with defaults if '
                        'missing)')
    parser.add_argument('--out-dir', type=Path,
                        default=REPO / 'work_dirs' / 'benchmarks',
                        help='cache, work dirs and plot folder')
    parser.add_argument('--threads', type=int, default=2,
                        help='torch threads')
    return parser


def add_calib_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('--calib', type=int, default=256,
                        help='train images for BN recalibration')
