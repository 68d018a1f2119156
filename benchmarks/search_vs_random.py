"""Does evolution find better ensembles than random search at the same
budget, and which of the paper's search operators matter? All searches on
one trained supernet, their winners trained standalone.

The supernet is the cluttered-digits one with diversity shrinking, seed 0
(shared with ``shrink_quality.py``: trained there or here, once). For each
search kind and seed, ``tools/search.py`` runs
``configs/neas/neas_search_k2_cluttered.py`` (one Runner each, resumable,
reused when done) with the same population, generations (so the same number
of evaluated candidates) and FLOPs window, scoring candidates on the
``search`` split. The kinds (``SEARCHES``): ``evolution`` (the loop's
defaults: split mutation to any point, parents the all-time top-k),
``random``, ``evolution_step`` (the split moves one layer at a time) and
``evolution_population`` (parents the top-k of the last generation only).
Each search's best ensemble is then trained standalone with the truth
table's recipe and seeds (read from the table, or trained in ``--threads``
worker processes of one thread each after all searches and appended to it;
``--truth train``: the short recipe of ``--steps``, cached) and scored
on ``val``. Prints one JSON object:

* ``evolution_mean``, ``evolution_se``, ``random_mean``, ``random_se``: mean
  and standard error over search seeds of the winners' standalone val
  accuracy (each the mean over ``--standalone-seeds``); ``difference`` and
  ``difference_se``; ``seeds`` (search seeds per mode);
* ``truth_version``, ``truth_reliability``, ``single_seed_reliability``,
  ``ceiling_tau`` (of the whole table);
* ``variants``: per evolution variant (``--variant-searches`` seeds) its
  ``mean``, ``se`` and ``difference`` (minus plain ``evolution``) with
  ``difference_se``;
* ``supernet_vs_standalone_gap``: mean over all winners of their supernet
  score (search split) minus their standalone val accuracy;
* ``runs``: per kind and seed the winner's ``arch_list``, ``flops``,
  supernet ``score`` and standalone ``val`` per standalone seed;
* ``curves``: per kind the best-so-far supernet score after each evaluated
  candidate, mean over seeds;
* ``settings``.

The plot (``search_vs_random_{full,quick}.png``) draws the best-so-far
curves and the winners' standalone accuracies.

Run: ``.venv/bin/python benchmarks/search_vs_random.py [--quick]``.
"""
import argparse
import itertools
import json
import math
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List

import torch

from neas_mm.evaluation.ground_truth_setup import log, set_up
from neas_mm.space import EnsembleArch
from bench_common.args import benchmark_parser
from bench_common.cluttered_supernets import CONFIG, shrinking_supernet
from bench_common.figures import new_figure, save_figure
from bench_common.supernet_runs import REPO
from bench_common.truth import TABLE, fill_table, table_truth_info

SEARCH_CONFIG = REPO / 'configs' / 'neas' / 'neas_search_k2_cluttered.py'
# Search kinds: the loop options each sets over the search config.
SEARCHES = {
    'evolution': dict(mode='evolution'),
    'random': dict(mode='random'),
    'evolution_step': dict(mode='evolution', split_move='step'),
    'evolution_population': dict(mode='evolution', parents='population'),
}


def run_search(kind: str, seed: int, checkpoint: Path,
               args: argparse.Namespace, tag: str) -> Dict[str, Any]:
    """One search through tools/search.py (reused when done)."""
    work_dir = args.out_dir / 'search_vs_random' / f'{kind}_s{seed}_{tag}'
    work_dir.mkdir(parents=True, exist_ok=True)
    mode = SEARCHES[kind]['mode']
    if not (work_dir / f'search_topk_{mode}.json').is_file():
        options = [
            *[f'train_cfg.{key}={value}'
              for key, value in SEARCHES[kind].items()],
            f'train_cfg.seed={seed}',
            f'train_cfg.population_size={args.population}',
            f'train_cfg.top_k={max(2, args.population // 4)}',
            f'train_cfg.num_mutation={args.population // 2}',
            f'train_cfg.num_crossover={args.population // 2}',
            f'train_cfg.max_generations={args.generations}',
            f'train_cfg.flops_range=(None,{args.flops_max})',
            *[f'{key}.dataset.data_root={args.data_root}'
              for key in ('train_dataloader', 'val_dataloader',
                          'train_cfg.search_dataloader')],
            f'train_cfg.search_dataloader.dataset.indices='
            f'{args.search_images}']
        log(f'{kind} search, seed {seed} -> {work_dir}')
        with (work_dir.parent / f'{work_dir.name}.log').open('w') as out:
            subprocess.run(
                [sys.executable, str(REPO / 'tools' / 'search.py'),
                 str(SEARCH_CONFIG), str(checkpoint), '--work-dir',
                 str(work_dir), '--resume', '--cfg-options', *options],
                check=True, cwd=REPO, stdout=out, stderr=subprocess.STDOUT)
    state = json.loads((work_dir / f'search_state_{mode}.json').read_text())
    scores = [score for _, score in state['scores']]
    best = EnsembleArch.load(work_dir / 'best_arch.json')
    return dict(best=best, score=max(scores),
                curve=list(itertools.accumulate(scores, max)))


def mean_se(values: List[float]) -> List[float]:
    if len(values) < 2:
        return [statistics.mean(values), float('nan')]
    return [statistics.mean(values),
            statistics.stdev(values) / math.sqrt(len(values))]


def plot(curves: Dict[str, List[float]], runs: Dict[str, List[dict]],
         out: Path) -> None:
    fig, axes = new_figure(1, 2, (11, 4))
    for kind, curve in curves.items():
        axes[0][0].plot(range(1, len(curve) + 1), curve, label=kind)
    axes[0][0].set_xlabel('candidates evaluated')
    axes[0][0].set_ylabel('best supernet top-1 so far (search split, %)')
    axes[0][0].legend()
    for x, kind in enumerate(runs):
        vals = [100 * statistics.mean(r['val']) for r in runs[kind]]
        axes[0][1].scatter([x] * len(vals), vals, label=kind)
        axes[0][1].errorbar([x + 0.15], [statistics.mean(vals)],
                            yerr=[mean_se(vals)[1]], fmt='o', c='k',
                            capsize=4)
    axes[0][1].set_xticks(range(len(runs)),
                          [k.replace('_', '\n') for k in runs], fontsize=7)
    axes[0][1].set_ylabel('winner standalone val top-1 (%)')
    for ax in axes[0]:
        ax.grid(alpha=0.3)
    fig.suptitle('searches at equal budget (right: one dot a search '
                 'seed; bar: mean +- standard error)',
                 fontsize=9)
    save_figure(fig, out)


def main() -> None:
    parser = benchmark_parser(
        __doc__, '2 searches per mode of 3 generations x 8 candidates on '
        '500 search images, 200-step standalone training, 1 seed; the quick '
        'supernet of shrink_quality.py', REPO / 'data' / 'cluttered_digits')
    parser.add_argument('--searches', type=int, default=5,
                        help='search seeds per mode')
    parser.add_argument('--population', type=int, default=16)
    parser.add_argument('--generations', type=int, default=8)
    parser.add_argument('--flops-max', type=float, default=2.2,
                        help='FLOPs window upper end, M multiply-adds')
    parser.add_argument('--search-images', type=int, default=1000,
                        help='search-split images scoring each candidate')
    parser.add_argument('--truth', choices=('table', 'train'),
                        default='table',
                        help="train each winner with the truth table's "
                        'recipe and seeds (rows appended to --table), or '
                        'with --steps (cached in --out-dir)')
    parser.add_argument('--table', type=Path, default=TABLE,
                        help='the truth table (benchmarks/truth_table.py)')
    parser.add_argument('--steps', type=int, default=600,
                        help='standalone training steps per winner '
                        '(--truth train)')
    parser.add_argument('--standalone-seeds', type=int, default=3)
    parser.add_argument('--variant-searches', type=int, default=None,
                        help='search seeds per evolution variant (default: '
                        '--searches)')
    parser.add_argument('--kinds', nargs='+', default=list(SEARCHES),
                        choices=list(SEARCHES),
                        help='searches to run (evolution and random always)')
    args = parser.parse_args()
    kinds = ['evolution', 'random'] + [
        k for k in args.kinds if k not in ('evolution', 'random')]
    if args.quick:
        args.searches, args.population, args.generations = 2, 8, 3
        args.search_images, args.steps, args.standalone_seeds = 500, 200, 1
        args.truth = 'train'  # the table's recipe takes minutes a winner
    torch.set_num_threads(args.threads)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    tag = 'quick' if args.quick else 'full'
    table = args.table if args.truth == 'table' else None
    setup = set_up(args.data_root, str(CONFIG), 4, args.steps,
                   args.out_dir / 'standalone_cache.jsonl', table_file=table,
                   table_seeds=args.standalone_seeds)
    checkpoint = shrinking_supernet(args.out_dir, args.data_root,
                                    'diversity', 0, args.quick)
    runs: Dict[str, List[dict]] = {}
    curves = {}
    for kind in kinds:
        seeds = args.searches if kind in ('evolution', 'random') else \
            args.variant_searches or args.searches
        runs[kind] = [run_search(kind, seed, checkpoint, args, tag)
                      for seed in range(seeds)]
    if args.truth == 'table':
        # The missing winner rows, in --threads one-thread workers.
        fill_table(setup, [r['best'] for kind in kinds for r in runs[kind]],
                   args.standalone_seeds, args.table, args.data_root, CONFIG,
                   args.threads)
    for kind in kinds:
        results = runs[kind]
        for seed, result in enumerate(results):
            val = [setup.truth.get(result['best'], s)['acc']['val']
                   for s in range(args.standalone_seeds)]
            result.update(val=val, flops=setup.table.macs(result['best']))
            log(f'{kind} seed {seed}: supernet {result["score"]:.1f}%, '
                f'standalone val {[round(v, 3) for v in val]}')
        length = min(len(r['curve']) for r in results)
        curves[kind] = [statistics.mean(r['curve'][i] for r in results)
                        for i in range(length)]
    stats = {kind: mean_se([statistics.mean(r['val']) for r in runs[kind]])
             for kind in kinds}
    plot_file = args.out_dir / f'search_vs_random_{tag}.png'
    plot(curves, runs, plot_file)
    winners = [r for kind in kinds for r in runs[kind]]
    result = json.dumps(dict(
        evolution_mean=stats['evolution'][0],
        evolution_se=stats['evolution'][1],
        random_mean=stats['random'][0], random_se=stats['random'][1],
        difference=stats['evolution'][0] - stats['random'][0],
        difference_se=math.hypot(stats['evolution'][1],
                                 stats['random'][1]),
        seeds=args.searches,
        **table_truth_info(args, setup, args.standalone_seeds),
        variants={kind: dict(mean=stats[kind][0], se=stats[kind][1],
                             difference=stats[kind][0] -
                             stats['evolution'][0],
                             difference_se=math.hypot(
                                 stats[kind][1], stats['evolution'][1]))
                  for kind in kinds[2:]},
        supernet_vs_standalone_gap=statistics.mean(
            r['score'] / 100 - statistics.mean(r['val']) for r in winners),
        runs={kind: [dict(seed=i, arch_list=r['best'].to_arch_list(),
                          flops=r['flops'], score=r['score'], val=r['val'])
                     for i, r in enumerate(runs[kind])] for kind in kinds},
        curves=curves,
        settings=dict(searches=args.searches,
                      variant_searches=args.variant_searches or args.searches,
                      population=args.population,
                      generations=args.generations,
                      evaluations=args.population * args.generations,
                      flops_max=args.flops_max,
                      search_images=args.search_images, steps=args.steps,
                      standalone_seeds=args.standalone_seeds,
                      task=setup.task),
        plot=str(plot_file)))
    (args.out_dir / f'search_vs_random_{tag}.json').write_text(result + '\n')
    print(result)


if __name__ == '__main__':
    main()
