"""Does the supernet learn within the demo's budget? Independent vs
weight-entangled operators on the digits set.

For each operator kind, the supernet of
``configs/neas/neas_supernet_k2_digits.py`` is trained through
``tools/train.py`` with the config's own budget (30 epochs, ~690 steps,
shrinking included; ``--quick``: fewer epochs), then ``--archs`` ensembles
drawn uniformly from the *full* space are scored with its weights (BN
recalibrated per path on a fixed train subset, top-1 on ``val``). Prints
one JSON object with ``rows`` (per operator kind: ``mean_acc`` with a
bootstrap ``mean_acc_ci95``, ``min_acc``, ``max_acc``, the Runner's last
reference-ensemble ``reference_val_acc``, its final train ``train_acc``
and ``train_seconds``), ``entangled_over_independent`` (ratio of the mean
accuracies) and the issue's goal ``goal_mean_acc_at_least_0_9`` per row;
a histogram of the per-ensemble accuracies goes to ``--out-dir``.

Run: ``.venv/bin/python benchmarks/supernet_learning.py [--quick]``.
"""
import json
import random
import statistics
from pathlib import Path

import torch

from neas_mm.datasets import DIGIT_CLASSES, prepare_digits_classification
from neas_mm.datasets.prepared_folder import MARKER
from neas_mm.evaluation import SupernetScorer
from neas_mm.evaluation.ground_truth_setup import log
from neas_mm.evaluation.image_tensors import load_image_split
from neas_mm.search import bootstrap_interval
from bench_common.args import add_calib_option, benchmark_parser
from bench_common.figures import new_figure, save_figure
from bench_common.supernet_runs import (REPO, last_train_accuracy,
                                        last_val_accuracy, load_supernet,
                                        train_seconds, train_supernet)

CONFIG = REPO / 'configs' / 'neas' / 'neas_supernet_k2_digits.py'
OPERATORS = ('independent', 'entangled')


def plot(rows, out: Path) -> None:
    fig, axes = new_figure()
    ax = axes[0, 0]
    for row in rows:
        ax.hist([100 * a for a in row['accs']], bins=20, range=(0, 100),
                alpha=0.6, label=f'{row["operators"]}: mean '
                f'{100 * row["mean_acc"]:.1f}%')
    ax.axvline(90, color='k', ls='--', lw=1, label='goal 90%')
    ax.set_xlabel('val top-1 (%) of a random ensemble, supernet weights')
    ax.set_ylabel('ensembles')
    ax.legend(fontsize=8)
    save_figure(fig, out)


def main() -> None:
    parser = benchmark_parser(__doc__, '8 epochs, 8 ensembles',
                              REPO / 'data' / 'digits_cls')
    parser.add_argument('--epochs', type=int, default=30,
                        help="supernet epochs (the config's budget)")
    parser.add_argument('--archs', type=int, default=20)
    parser.add_argument('--operators', nargs='+', choices=OPERATORS,
                        default=list(OPERATORS))
    add_calib_option(parser)
    args = parser.parse_args()
    if args.quick:
        args.epochs, args.archs = 8, 8
    torch.set_num_threads(args.threads)
    if not (args.data_root / MARKER).is_file():
        log(f'preparing {args.data_root}')
        prepare_digits_classification(str(args.data_root))
    train = load_image_split(str(args.data_root), 'train', DIGIT_CLASSES)
    val = load_image_split(str(args.data_root), 'val', DIGIT_CLASSES)
    calib = train[0][torch.randperm(
        len(train[0]), generator=torch.Generator().manual_seed(0))
        [:args.calib]]
    tag = 'quick' if args.quick else 'full'
    rows = []
    for operators in args.operators:
        work_dir = args.out_dir / 'supernet_learning' / f'{operators}_{tag}'
        checkpoint = train_supernet(
            CONFIG, work_dir, args.epochs,
            [f'model.backbone.operators={operators}',
             *[f'{key}.dataset.data_root={args.data_root}'
               for key in ('train_dataloader', 'val_dataloader',
                           'search_dataloader')]])
        model = load_supernet(CONFIG, checkpoint, operators)
        # The full space (not the shrunk one), the same draws per row.
        space = model.backbone.default_space(model.space.split_range)
        rng = random.Random(0)
        archs = [space.sample(rng) for _ in range(args.archs)]
        scorer = SupernetScorer(model, calib, val)
        accs = []
        for n, arch in enumerate(archs):
            accs.append(scorer.score(arch))
            log(f'  {operators} [{n + 1}/{len(archs)}] val {accs[-1]:.3f}')
        mean = statistics.mean(accs)
        rows.append(dict(
            operators=operators, mean_acc=mean,
            mean_acc_ci95=bootstrap_interval(
                lambda idx: statistics.mean(accs[i] for i in idx),
                len(accs)),
            min_acc=min(accs), max_acc=max(accs),
            reference_val_acc=last_val_accuracy(work_dir),
            train_acc=last_train_accuracy(work_dir),
            train_seconds=round(train_seconds(work_dir), 1),
            goal_mean_acc_at_least_0_9=mean >= 0.9, accs=accs))
        log(f'{operators}: mean val {mean:.3f} over {len(accs)} ensembles')
    plot_file = args.out_dir / f'supernet_learning_{tag}.png'
    plot(rows, plot_file)
    by_ops = {r['operators']: r['mean_acc'] for r in rows}
    ratio = (by_ops['entangled'] / by_ops['independent']
             if len(by_ops) == 2 and by_ops['independent'] else None)
    print(json.dumps(dict(
        rows=rows, entangled_over_independent=ratio,
        settings=dict(epochs=args.epochs, archs=args.archs,
                      calib=args.calib, config=str(CONFIG)),
        plot=str(plot_file))))


if __name__ == '__main__':
    main()
