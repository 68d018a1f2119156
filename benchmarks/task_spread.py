"""Does the task tell architectures apart? Standalone accuracy of ensembles
drawn from the digits space, stratified over FLOPs, over several seeds.

Each architecture is trained from scratch with one recipe and budget
(``neas_mm.evaluation.StandaloneTrainer``) on the ``train`` split and scored
on ``val`` (and ``search``). Results are cached in a JSON-lines file, so a
rerun trains only what is missing. Prints one JSON object:

* ``span``: best minus worst mean val accuracy (fractions), with
  ``span_ci95`` (bootstrap over seeds);
* ``best`` / ``worst``: highest / lowest mean val accuracy;
* ``seed_std``: mean over architectures of the std of val accuracy over
  seeds (``seed_std_max``: the largest); ``seed_std_over_span``;
* ``seed_tau``: Kendall tau between two seeds' rankings (the noise
  ceiling of any ranking measured against this ground truth);
* ``flops_rho``: Spearman rho of mean val accuracy vs MACs;
* ``search_val_tau``: Kendall tau of the search and val rankings;
* ``archs``: per architecture its ``arch_list``, ``flops`` (multiply-adds
  at the task's input size, counted as the paper counts FLOPs), ``params``
  and per-seed ``val`` and ``search`` accuracies;
* ``criteria``: the issue's goals (span >= 0.08, best < 0.95, seed std <=
  span / 4, one training <= 60 s), each true or false;
* ``train_seconds_mean`` / ``_max``: wall time of one standalone training.

A plot of val accuracy vs MACs with seed error bars goes to ``--out-dir``.

Run: ``.venv/bin/python benchmarks/task_spread.py [--quick]``.
"""
import dataclasses
import json
import statistics
from pathlib import Path
from typing import Any, Dict, List

import torch

from neas_mm.evaluation.ground_truth_setup import set_up
from neas_mm.search import bootstrap_interval, kendall_tau, spearman_rho
from bench_common.args import REPO, benchmark_parser
from bench_common.figures import new_figure, save_figure

MODEL_CONFIG = REPO / 'configs' / '_base_' / 'models' / \
    'neas_supernet_k2_digits.py'


def summarise(archs: List[Dict[str, Any]]) -> Dict[str, Any]:
    """Spread, seed noise and rank statistics of per-seed accuracies."""
    means = [statistics.mean(a['val']) for a in archs]
    stds = [statistics.stdev(a['val']) if len(a['val']) > 1 else 0.0
            for a in archs]
    span = max(means) - min(means)
    num_seeds = len(archs[0]['val'])

    def resampled_span(idx: List[int]) -> float:
        # Resample seeds per architecture (idx indexes seeds).
        m = [statistics.mean(a['val'][i] for i in idx) for a in archs]
        return max(m) - min(m)

    out = dict(span=span,
               span_ci95=bootstrap_interval(resampled_span, num_seeds),
               best=max(means), worst=min(means),
               seed_std=statistics.mean(stds), seed_std_max=max(stds),
               seed_std_over_span=statistics.mean(stds) / span if span
               else None,
               flops_rho=spearman_rho([a['flops'] for a in archs], means),
               search_val_tau=kendall_tau(
                   [statistics.mean(a['search']) for a in archs], means))
    if num_seeds > 1:
        out['seed_tau'] = kendall_tau([a['val'][0] for a in archs],
                                      [a['val'][1] for a in archs])
    return out


def plot(archs: List[Dict[str, Any]], out: Path, title: str) -> None:
    macs = [a['flops'] / 1e6 for a in archs]
    means = [100 * statistics.mean(a['val']) for a in archs]
    stds = [100 * statistics.stdev(a['val']) if len(a['val']) > 1 else 0
            for a in archs]
    fig, axes = new_figure(figsize=(6.5, 4.2))
    ax = axes[0, 0]
    ax.errorbar(macs, means, yerr=stds, fmt='o', capsize=3)
    for a, x, y in zip(archs, macs, means):
        ax.annotate(f's{a["arch_list"][0]}', (x, y), fontsize=7,
                    xytext=(3, 3), textcoords='offset points')
    ax.set_xlabel('ensemble MACs (M) at the task input size')
    ax.set_ylabel('standalone val top-1 (%), mean +- std over seeds')
    ax.set_title(title, fontsize=9)
    ax.grid(alpha=0.3)
    save_figure(fig, out)


def main() -> None:
    parser = benchmark_parser(__doc__, '4 architectures, 2 seeds, 200 steps',
                              REPO / 'data' / 'cluttered_digits')
    parser.add_argument('--archs', type=int, default=16)
    parser.add_argument('--seeds', type=int, default=3)
    parser.add_argument('--steps', type=int, default=600,
                        help='standalone training steps per ensemble')
    parser.add_argument('--model-config', type=Path, default=MODEL_CONFIG,
                        help='supernet config giving widths and the space')
    args = parser.parse_args()
    if args.quick:
        args.archs, args.seeds, args.steps = 4, 2, 200
    torch.set_num_threads(args.threads)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    setup = set_up(args.data_root, str(args.model_config), args.archs,
                   args.steps, args.out_dir / 'standalone_cache.jsonl')
    rows, seconds = [], []
    for arch, results in zip(setup.archs, setup.standalone(args.seeds)):
        seconds.extend(r['train_seconds'] for r in results)
        rows.append(dict(arch_list=arch.to_arch_list(),
                         flops=setup.table.macs(arch),
                         params=setup.table.params(arch),
                         val=[r['acc']['val'] for r in results],
                         search=[r['acc']['search'] for r in results]))
    name = 'task_spread_quick' if args.quick else 'task_spread'
    plot_file = args.out_dir / f'{name}.png'
    summary = summarise(rows)
    plot(rows, plot_file,
         f'{args.data_root.name}: {len(rows)} ensembles x {args.seeds} '
         f'seeds, {args.steps} steps; span {summary["span"]:.3f}, seed std '
         f'{summary["seed_std"]:.3f}')
    criteria = dict(
        span_at_least_0_08=summary['span'] >= 0.08,
        best_below_0_95=summary['best'] < 0.95,
        seed_std_at_most_quarter_span=summary['seed_std'] <=
        summary['span'] / 4,
        training_at_most_60_s=max(seconds) <= 60)
    print(json.dumps(dict(
        task=setup.task, criteria=criteria,
        recipe=dataclasses.asdict(setup.truth.trainer.recipe),
        model=setup.widths,
        num_archs=len(rows), seeds=args.seeds, **summary,
        train_seconds_mean=statistics.mean(seconds),
        train_seconds_max=max(seconds), newly_trained=setup.truth.trained,
        threads=torch.get_num_threads(), archs=rows,
        plot=str(plot_file))))


if __name__ == '__main__':
    main()
