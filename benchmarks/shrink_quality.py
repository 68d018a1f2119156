"""Does shrinking keep the good ensembles? Algorithm 1 on the cluttered-digits
task, measured against standalone training.

For every shrink metric (diversity, accuracy, SE-NAS, random drops as the
control, none), the supernet of ``configs/neas/neas_supernet_k2_cluttered.py``
is trained through ``tools/train.py`` once per supernet seed (one Runner
each, resumable, reused when done): shrinks after epochs 1..3 score
ensembles on the ``search`` split and take the space from 216 to 100
combinations; the last epoch trains the shrunk space. Each final space is
compared with the ensembles of ``ranking.py``, whose standalone ``val``
accuracy (mean over seeds) comes from the truth table (``--truth train``:
the short recipe, from the shared cache, trained only where missing); the
JSON carries ``truth_version``, ``truth_reliability`` and ``ceiling_tau``. Prints one JSON object:

* ``metrics``: per metric, each a mean over supernet seeds with the
  per-seed values beside (``*_per_seed``):
  ``top_quartile_kept`` (share of the best quarter of the ensembles that the
  shrunk space still contains) against ``all_kept`` (the same for all: what
  chance gives); ``top_quartile_decisions_kept`` and
  ``bottom_quartile_decisions_kept`` (share of those ensembles' per-layer
  choices still allowed); ``top_quartile_combos_kept``,
  ``bottom_quartile_combos_kept``, ``all_combos_kept`` (the same over
  their layers after the split only: a shared operator survives while any
  combination holds it, so ensembles that split late look safe under any
  metric, random included); ``space_removed`` (share of the combinations
  gone); ``surviving_mean_acc`` (mean standalone accuracy of the contained
  ensembles) against ``full_mean_acc``; ``kept_weighted_mean_acc``;
  ``kendall_tau`` (+ ``_ci95``, bootstrap over ensembles) of the trained
  supernet's scores after shrinking against standalone accuracy;
  ``score_truth_tau`` (Kendall tau between each ensemble's mean score
  percentile at a shrink and its standalone accuracy, mean over shrinks
  and seeds; ``_per_shrink`` per seed): whether the metric's scores point
  at the good ensembles at all, before any drop decision;
* ``vs_random``: per metric, its ``top_quartile_decisions_kept``,
  ``top_quartile_combos_kept``, ``kendall_tau`` and ``score_truth_tau``
  minus the random control's, each with ``_seed_noise`` (the larger
  half-range over supernet seeds of the two rows) beside;
* ``archs`` and ``settings``.

Plots (``shrink_quality_{full,quick}.png``): per metric the share of the
top and bottom quartiles' choices kept, and Kendall tau, one dot a seed;
each run's work dir also holds the hook's per-shrink heat maps.

Run: ``.venv/bin/python benchmarks/shrink_quality.py [--quick]``.
"""
import argparse
import json
from pathlib import Path
from typing import Any, Dict, List

import torch

from neas_mm.evaluation import (SupernetScorer, format_share, mean_present,
                                shrink_score_percentiles, survival_line,
                                survival_summary)
from neas_mm.evaluation.ground_truth_setup import log
from neas_mm.search import kendall_tau, rank_agreement_over_seeds
from bench_common.args import add_calib_option, benchmark_parser
from bench_common.figures import new_figure, save_figure
from bench_common.truth import add_truth_options, standalone_truth
from bench_common.cluttered_supernets import (CONFIG, FULL_EPOCHS, METRICS,
                                              QUICK, shrinking_job,
                                              shrinking_supernet)
from bench_common.supernet_runs import (REPO, load_supernet,
                                        train_in_parallel)
SUMMARY_KEYS = ('top_quartile_kept', 'all_kept',
                'top_quartile_decisions_kept',
                'bottom_quartile_decisions_kept', 'all_decisions_kept',
                'top_quartile_combos_kept', 'bottom_quartile_combos_kept',
                'all_combos_kept',
                'space_removed', 'surviving_mean_acc', 'full_mean_acc',
                'kept_weighted_mean_acc')


def shrunk_run(metric: str, seed: int, args: argparse.Namespace, setup,
               calib: torch.Tensor,
               truth: List[float]) -> Dict[str, Any]:
    """Train (or reuse) one shrinking supernet; its space and scores."""
    checkpoint = shrinking_supernet(args.out_dir, args.data_root, metric,
                                    seed, args.quick)
    work_dir = checkpoint.parent
    model = load_supernet(CONFIG, checkpoint, 'entangled')
    scorer = SupernetScorer(model, calib, setup.splits['search'])
    scores = [scorer.score(arch) for arch in setup.archs]
    history_file = work_dir / 'shrink_history.json'
    history = json.loads(history_file.read_text()) \
        if history_file.is_file() else []
    run = dict(scores=scores,
               survival=survival_summary(model.space, setup.archs, truth),
               score_truth_tau=[score_truth_tau(r, setup.archs, truth)
                                for r in history],
               shrinks=[dict(epoch=r['epoch'], size_after=r['size_after'],
                             layer_sizes=r['layer_sizes'])
                        for r in history])
    log(f'  {metric} seed {seed}: space {model.space.size}, '
        f'{survival_line(run["survival"])}')
    return run


def score_truth_tau(record: Dict[str, Any], archs: List[Any],
                    truth: List[float]) -> Any:
    """Kendall tau between the ensembles' mean score percentile in one
    shrink and their standalone accuracy: does the metric prefer the good
    ensembles' combinations at all?"""
    percentiles = shrink_score_percentiles(record, archs)
    idx = [i for i, v in enumerate(percentiles) if v is not None]
    if len(idx) < 3:
        return None
    return kendall_tau([percentiles[i] for i in idx], [truth[i] for i in idx])


def metric_row(metric: str, args: argparse.Namespace, setup,
               calib: torch.Tensor, truth: List[float]) -> Dict[str, Any]:
    """One metric: a shrinking supernet per seed, summarised."""
    runs = [shrunk_run(metric, seed, args, setup, calib, truth)
            for seed in range(args.supernet_seeds)]
    row: Dict[str, Any] = dict(metric=METRICS[metric])
    for key in SUMMARY_KEYS:
        per_seed = [r['survival'][key] for r in runs]
        row[key], row[f'{key}_per_seed'] = mean_present(per_seed), per_seed
    agreement = rank_agreement_over_seeds([r['scores'] for r in runs],
                                          truth)
    row.update({k: agreement[k] for k in ('kendall_tau', 'kendall_tau_ci95',
                                          'kendall_tau_per_seed')})
    row['score_truth_tau_per_shrink'] = [r['score_truth_tau'] for r in runs]
    row['score_truth_tau_per_seed'] = [mean_present(r['score_truth_tau'])
                                       for r in runs]
    row['score_truth_tau'] = mean_present(row['score_truth_tau_per_seed'])
    row['shrinks'] = [r['shrinks'] for r in runs]
    row['scores'] = [r['scores'] for r in runs]
    log(f'{metric}: {survival_line(row)}, tau '
        f'{format_share(row["kendall_tau"], ".3f")}')
    return row


def half_range(values: List[Any]) -> float:
    values = [v for v in values if v is not None]
    return (max(values) - min(values)) / 2 if len(values) > 1 else 0.0


def against_random(rows: Dict[str, Dict[str, Any]]) -> Dict[str, Any]:
    """Each metric minus the random control, with the seed noise."""
    if 'random' not in rows:
        return {}
    control = rows['random']
    out = {}
    for name, row in rows.items():
        if name == 'random':
            continue
        entry = {}
        for key in ('top_quartile_decisions_kept',
                    'top_quartile_combos_kept', 'kendall_tau',
                    'score_truth_tau'):
            per_seed = f'{key}_per_seed'
            if row[key] is None or control[key] is None:
                entry[key] = None
                continue
            entry[key] = row[key] - control[key]
            entry[f'{key}_seed_noise'] = max(
                half_range(row[per_seed]), half_range(control[per_seed]))
        out[name] = entry
    return out


def plot(rows: Dict[str, Dict[str, Any]], out: Path) -> None:
    names = list(rows)
    fig, axes = new_figure(1, 3, (15, 4))
    kept_ax, tau_ax, score_ax = axes[0]
    for x, name in enumerate(names):
        row = rows[name]
        for offset, key, color in ((-0.12, 'top_quartile_combos_kept',
                                    'tab:green'),
                                   (0.12, 'bottom_quartile_combos_kept',
                                    'tab:red')):
            # None (no ensemble of the quartile splits) is not drawn.
            values = [float('nan') if v is None else v
                      for v in row[f'{key}_per_seed']]
            kept_ax.scatter([x + offset] * len(values), values, c=color,
                            label=key.split('_')[0] if x == 0 else None)
        taus = row['kendall_tau_per_seed']
        tau_ax.scatter([x] * len(taus), taus, c='tab:blue')
        tau_ax.errorbar([x], [row['kendall_tau']], yerr=[
            [row['kendall_tau'] - row['kendall_tau_ci95'][0]],
            [row['kendall_tau_ci95'][1] - row['kendall_tau']]], fmt='_',
            c='k', capsize=4)
        for seed, per_shrink in enumerate(row['score_truth_tau_per_shrink']):
            score_ax.plot([x + 0.08 * (seed - 0.5)] * len(per_shrink),
                          [float('nan') if v is None else v
                           for v in per_shrink], '.', c='tab:purple')
    removed = mean_present([r['space_removed'] for r in rows.values()
                     if r['space_removed']]) or 0
    kept_ax.axhline(1 - removed, ls='--', c='gray',
                    label='all combinations')
    kept_ax.set_ylabel("share of the quartile's combinations kept")
    kept_ax.legend(fontsize=7)
    tau_ax.set_ylabel('Kendall tau after shrinking (bar: 95% CI)')
    score_ax.set_ylabel('tau(score percentile, standalone acc) per shrink')
    for ax in (tau_ax, score_ax):
        ax.axhline(0, c='gray', lw=0.5)
    for ax in axes[0]:
        ax.set_xticks(range(len(names)), names)
        ax.grid(alpha=0.3)
    fig.suptitle('shrinking against standalone ground truth (dots: '
                 'supernet seeds)', fontsize=9)
    save_figure(fig, out)


def main() -> None:
    parser = benchmark_parser(
        __doc__, '6 ensembles, 2 seeds x 200 standalone steps, 2 supernet '
        'epochs on '
        '3,000 train images with one shrink (216 -> 100), 1 supernet seed',
        REPO / 'data' / 'cluttered_digits')
    add_truth_options(parser)
    parser.add_argument('--metrics', nargs='+', choices=list(METRICS),
                        default=list(METRICS), help='shrink metrics')
    parser.add_argument('--supernet-seeds', type=int, default=2,
                        help='supernets trained per metric (seeds 0..n-1)')
    parser.add_argument('--train-workers', type=int, default=1,
                        help='train the supernets this many at a time, one '
                        'thread each, before scoring them')
    add_calib_option(parser)
    args = parser.parse_args()
    if args.train_workers < 1:
        raise ValueError(f'--train-workers {args.train_workers} must be '
                         '>= 1')
    if args.quick:
        args.archs, args.steps, args.seeds = 6, 200, 2
        args.supernet_seeds = 1
    torch.set_num_threads(args.threads)
    setup, standalone, truth, calib, truth_stats = standalone_truth(
        args, CONFIG)

    tag = 'quick' if args.quick else 'full'
    if args.train_workers > 1:
        train_in_parallel([shrinking_job(args.out_dir, args.data_root, m,
                                         seed, args.quick)
                           for seed in range(args.supernet_seeds)
                           for m in args.metrics], args.train_workers)
    rows = {m: metric_row(m, args, setup, calib, truth)
            for m in args.metrics}
    plot_file = args.out_dir / f'shrink_quality_{tag}.png'
    plot(rows, plot_file)
    result = json.dumps(dict(
        metrics={m: {k: v for k, v in r.items() if k != 'scores'}
                 for m, r in rows.items()},
        vs_random=against_random(rows), **truth_stats,
        archs=[dict(arch_list=a.to_arch_list(), flops=setup.table.macs(a),
                    val=[r['acc']['val'] for r in results],
                    scores={m: [s[i] for s in r['scores']]
                            for m, r in rows.items()})
               for i, (a, results) in enumerate(zip(setup.archs,
                                                    standalone))],
        settings=dict(archs=len(setup.archs), seeds=args.seeds,
                      truth=args.truth, steps=args.steps,
                      supernet_seeds=args.supernet_seeds,
                      supernet_epochs=(QUICK['epochs'] if args.quick
                                       else FULL_EPOCHS),
                      calib=args.calib,
                      train_images=(QUICK['train_images'] if args.quick
                                    else 'all'),
                      task=setup.task),
        plot=str(plot_file)))
    (args.out_dir / f'shrink_quality_{tag}.json').write_text(result + '\n')
    print(result)


if __name__ == '__main__':
    main()
