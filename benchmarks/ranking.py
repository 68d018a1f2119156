"""Does the supernet rank ensembles like standalone training does? The
paper's Table 2 protocol on the cluttered-digits task.

For every row (a shrink metric and an operator kind), the supernet of
``configs/neas/neas_supernet_k2_cluttered.py`` is trained through
``tools/train.py`` once per supernet seed (one Runner each, resumable,
reused when done, logs in its work dir).
The same FLOPs-stratified ensembles as ``task_spread.py`` are then scored
with the supernet's weights (BN recalibrated per ensemble on a fixed train
subset, top-1 on the ``search`` split) and compared with their standalone
``val`` accuracy (mean over seeds, from the shared cache; trained only where
missing). Prints one JSON object:

* ``kendall_tau``, ``spearman_rho`` (+ ``_ci95``, bootstrap over
  ensembles, not over supernet seeds), ``top_k_overlap`` and
  ``supernet_mean_acc`` of the first row (by default the diversity metric
  with entangled operators, the configs' default), each the mean over
  supernet seeds;
* ``noise_ceiling_tau``: Kendall tau between two standalone seeds (what a
  perfect proxy could reach against noisy ground truth), with ``_ci95``;
  ``single_run_tau``: one standalone seed against the mean of the others
  (averaged over seeds), the standalone proxy's tau on averaged truth;
* ``rows``: the same figures per row, with ``kendall_tau_per_seed`` (the
  spread of a single supernet run) and, per supernet seed, the share of the
  ensembles left in its shrunk space and its last reference-ensemble val
  accuracy;
* ``archs``: per ensemble its ``arch_list``, ``flops``, standalone ``val``
  per seed and the supernet ``scores`` per row (one per supernet seed).

A scatter plot (supernet score vs standalone accuracy, one panel per row)
and the JSON (``ranking_{full,quick}.json``) go to ``--out-dir``.

Run: ``.venv/bin/python benchmarks/ranking.py [--quick]``.
"""
import argparse
import json
import statistics
from pathlib import Path
from typing import Any, Dict, List

import torch

from neas_mm.evaluation import SupernetScorer
from neas_mm.evaluation.ground_truth_setup import log
from neas_mm.search import (bootstrap_interval, kendall_tau,
                            rank_agreement_over_seeds)
from bench_common.args import add_calib_option, benchmark_parser
from bench_common.figures import new_figure, save_figure
from bench_common.truth import standalone_truth
from bench_common.supernet_runs import (REPO, last_val_accuracy,
                                        load_supernet, train_supernet)

CONFIG = REPO / 'configs' / 'neas' / 'neas_supernet_k2_cluttered.py'
METRICS = dict(diversity='neas_mm.DiversityMetric',
               none='neas_mm.NoneMetric',
               accuracy='neas_mm.AccuracyMetric')


def plot(rows: List[Dict[str, Any]], truth: List[float], out: Path,
         ncols: int) -> None:
    """One panel per row, ``ncols`` panels (shrink metrics) a line."""
    nrows = -(-len(rows) // ncols)
    fig, axes = new_figure(nrows, ncols, (4.2 * ncols, 3.8 * nrows))
    for ax, row in zip(axes.flat, rows):
        for seed, scores in enumerate(row['scores']):
            ax.scatter([100 * t for t in truth], [100 * s for s in scores],
                       s=18, label=f'supernet seed {seed}')
        ax.legend(fontsize=7)
        ax.set_title(f'{row["name"]}: tau {row["kendall_tau"]:.2f} '
                     f'[{row["kendall_tau_ci95"][0]:.2f}, '
                     f'{row["kendall_tau_ci95"][1]:.2f}]', fontsize=9)
        ax.set_xlabel('standalone val top-1 (%), mean over seeds')
        ax.set_ylabel('supernet search top-1 (%)')
        ax.grid(alpha=0.3)
    save_figure(fig, out)


def supernet_scores(metric: str, operators: str, seed: int,
                    args: argparse.Namespace, tag: str, setup,
                    calib: torch.Tensor) -> Dict[str, Any]:
    """Train (or reuse) one supernet and score every ensemble with it."""
    name = f'{metric}-{operators}' + (f'_s{seed}' if seed else '')
    work_dir = args.out_dir / 'ranking' / f'{name}_{tag}'
    checkpoint = train_supernet(
        CONFIG, work_dir, args.epochs,
        [f'custom_hooks.0.metric.type={METRICS[metric]}',
         f'model.backbone.operators={operators}',
         f'randomness.seed={seed}', f'model.sampler.seed={seed}',
         *[f'{key}.dataset.data_root={args.data_root}'
           for key in ('train_dataloader', 'val_dataloader',
                       'search_dataloader')]])
    model = load_supernet(CONFIG, checkpoint, operators)
    scorer = SupernetScorer(model, calib, setup.splits['search'])
    scores = []
    for n, arch in enumerate(setup.archs):
        scores.append(scorer.score(arch))
        log(f'  {name} [{n + 1}/{len(setup.archs)}] supernet '
            f'{scores[-1]:.3f}')
    return dict(scores=scores,
                in_shrunk_space=sum(model.space.contains(a)
                                    for a in setup.archs) / len(setup.archs),
                space_size=model.space.size,
                reference_val_acc=last_val_accuracy(work_dir))


def ranking_row(metric: str, operators: str, args: argparse.Namespace,
                tag: str, setup, calib: torch.Tensor,
                truth: List[float]) -> Dict[str, Any]:
    """One row: a supernet per seed, each compared with ``truth``."""
    runs = [supernet_scores(metric, operators, seed, args, tag, setup, calib)
            for seed in range(args.supernet_seeds)]
    scorings = [r['scores'] for r in runs]
    row = dict(name=f'{metric}-{operators}', metric=METRICS[metric],
               operators=operators,
               **rank_agreement_over_seeds(scorings, truth),
               supernet_mean_acc=statistics.mean(
                   statistics.mean(s) for s in scorings))
    for key in ('in_shrunk_space', 'space_size', 'reference_val_acc'):
        row[key] = [r[key] for r in runs]
    row['scores'] = scorings
    log(f'{row["name"]}: tau {row["kendall_tau"]:.3f} '
        f'{row["kendall_tau_ci95"]} per seed '
        f'{[round(t, 3) for t in row["kendall_tau_per_seed"]]}')
    return row


def main() -> None:
    parser = benchmark_parser(
        __doc__, '6 ensembles, 200 standalone steps, 1 supernet epoch, '
        'rows diversity and none with entangled operators, 1 supernet seed',
        REPO / 'data' / 'cluttered_digits')
    parser.add_argument('--archs', type=int, default=16)
    parser.add_argument('--seeds', type=int, default=2)
    parser.add_argument('--steps', type=int, default=600,
                        help='standalone training steps per ensemble')
    parser.add_argument('--epochs', type=int, default=4,
                        help='supernet epochs (188 steps each)')
    parser.add_argument('--rows', nargs='+', choices=sorted(METRICS),
                        default=['diversity', 'none', 'accuracy'],
                        help='shrink metrics')
    parser.add_argument('--operators', nargs='+',
                        choices=['entangled', 'independent'],
                        default=['entangled', 'independent'],
                        help='operator kinds; one row per metric and kind '
                        '(the first row is the headline)')
    parser.add_argument('--supernet-seeds', type=int, default=2,
                        help='supernets trained per row (seeds 0..n-1); '
                        'figures are means over them')
    add_calib_option(parser)
    args = parser.parse_args()
    if args.quick:
        args.archs, args.steps, args.epochs = 6, 200, 1
        args.rows, args.operators = ['diversity', 'none'], ['entangled']
        args.supernet_seeds = 1
    torch.set_num_threads(args.threads)
    setup, standalone, truth, calib = standalone_truth(args, CONFIG)

    rows = []
    tag = 'quick' if args.quick else 'full'
    for operators in args.operators:
        for metric in args.rows:
            rows.append(ranking_row(metric, operators, args, tag, setup,
                                    calib, truth))
    seeds = [[r['acc']['val'] for r in results] for results in standalone]
    ceiling = dict(noise_ceiling_tau=None, noise_ceiling_tau_ci95=None)
    if args.seeds > 1:
        first = [s[0] for s in seeds]
        second = [s[1] for s in seeds]
        ceiling = dict(
            noise_ceiling_tau=kendall_tau(first, second),
            noise_ceiling_tau_ci95=bootstrap_interval(
                lambda idx: kendall_tau([first[i] for i in idx],
                                        [second[i] for i in idx]),
                len(first)))
        # One standalone run as the proxy, against the mean of the others:
        # what a supernet's tau compares with on the same kind of truth.
        rest = [[statistics.mean(s[:i] + s[i + 1:]) for s in seeds]
                for i in range(args.seeds)]
        ceiling['single_run_tau'] = statistics.mean(
            kendall_tau([s[i] for s in seeds], rest[i])
            for i in range(args.seeds))
    plot_file = args.out_dir / f'ranking_{tag}.png'
    plot(rows, truth, plot_file, ncols=len(args.rows))
    head = rows[0]
    result = json.dumps(dict(
        **{k: head[k] for k in ('kendall_tau', 'kendall_tau_ci95',
                                'spearman_rho', 'spearman_rho_ci95',
                                'top_k_overlap', 'top_k',
                                'supernet_mean_acc')},
        **ceiling, standalone_mean_acc=statistics.mean(truth),
        rows=[{k: v for k, v in r.items() if k != 'scores'} for r in rows],
        archs=[dict(arch_list=a.to_arch_list(), flops=setup.table.macs(a),
                    val=s, scores={r['name']: [sc[i] for sc in r['scores']]
                                   for r in rows})
               for i, (a, s) in enumerate(zip(setup.archs, seeds))],
        settings=dict(archs=args.archs, seeds=args.seeds, steps=args.steps,
                      supernet_seeds=args.supernet_seeds,
                      supernet_epochs=args.epochs, calib=args.calib,
                      task=setup.task), plot=str(plot_file)))
    # Also kept beside the plot (the demo's summary reads the full one).
    (args.out_dir / f'ranking_{tag}.json').write_text(result + '\n')
    print(result)


if __name__ == '__main__':
    main()
