"""The budget study behind the truth table's recipe: how reliable and how
spread the standalone ground truth is as a function of the training budget.

The first ``--archs`` ensembles of the table's order (``candidate_archs``:
FLOPs-stratified, spread over the range) are trained with ``--seeds`` seeds
under each budget of ``BUDGETS``, from today's ground truth (600 steps x
32, lr 0.05) up to 1,000 x 128 (about 11 epochs of the train split; the
budget equal to the table's recipe, 500 x 128, reads the table's rows), and
with a quarter of the training images as the task's own lever. Each
budget is a truth table of its own under
``neas_mm/evaluation/truth_tables/budget_study/`` (in the repository: the
study is read back, not recomputed; same builder, workers and resume as
``truth_table.py``), so the study continues where it stopped. The JSON and
the plot go to ``--out-dir/truth_budget/``.

Prints one JSON object: ``budgets``, per budget its ``recipe``,
``train_images``, ``images`` (seen per training), ``epochs``,
``single_seed_reliability``, ``seed_tau`` (+ ``_ci95``), ``ceiling_tau``,
``span``, ``best``, ``mean``, ``seed_std``, ``true_std`` and
``train_seconds_median``, ``means`` (per ensemble) and ``tau_vs_longest``
(Kendall tau of its seed means against the longest full-data budget's:
does a cheap budget rank like a converged one?); ``chosen`` (the cheapest
budget whose
single-seed reliability reaches 0.9 while its span is >= 5 points and its
best < 95 %, or null); and the plot (reliability, seed std and span against
images seen).

Run: ``.venv/bin/python benchmarks/truth_budget.py [--quick]``.
"""
import dataclasses
import json
import statistics
from typing import Any, Dict, List

from neas_mm.evaluation import StandaloneRecipe, TruthTable
from neas_mm.evaluation.ground_truth_setup import (load_task, log,
                                                   model_widths,
                                                   space_and_flops)
from neas_mm.evaluation.table_candidates import candidate_archs
from neas_mm.evaluation.truth_builder import open_builder
from neas_mm.evaluation.truth_table import TABLE_DIR, TABLE_RECIPE
from neas_mm.search import (ceiling_tau, kendall_tau, noise_and_spread,
                            seed_tau, single_seed_reliability)
from bench_common.args import REPO, benchmark_parser
from bench_common.figures import new_figure, save_figure

CONFIG = REPO / 'configs' / 'neas' / 'neas_supernet_k2_cluttered.py'
# name: (recipe, training images: the first N of the train split, or all)
BUDGETS = {
    '600x32': (StandaloneRecipe(steps=600, batch_size=32, lr=0.05,
                                warmup_steps=50), None),
    '250x128': (dataclasses.replace(TABLE_RECIPE, steps=250,
                                    warmup_steps=25), None),
    '500x128': (dataclasses.replace(TABLE_RECIPE, steps=500,
                                    warmup_steps=50), None),
    '1000x128': (dataclasses.replace(TABLE_RECIPE, steps=1000,
                                     warmup_steps=100), None),
    # The task's size as a lever: a quarter of the training images for
    # the same ~11 epochs (a quarter of the cost), and for 4x the epochs.
    '250x128-n3000': (dataclasses.replace(TABLE_RECIPE, steps=250,
                                          warmup_steps=25), 3000),
    '1000x128-n3000': (dataclasses.replace(TABLE_RECIPE, steps=1000,
                                           warmup_steps=100), 3000),
}


def summary(table: TruthTable, archs: List[Any], seeds: int,
            train_images: int) -> Dict[str, Any]:
    """The reliability figures of one budget's table over ``archs``."""
    rows = [[table.get(a, s)['val'] for s in range(seeds)] for a in archs]
    recipe = table.context['recipe']
    tau, ci = seed_tau(rows)
    seconds = [table.get(a, s)['seconds'] for a in archs
               for s in range(seeds)]
    return dict(
        recipe=recipe, train_images=train_images,
        images=recipe['steps'] * recipe['batch_size'],
        epochs=round(recipe['steps'] * recipe['batch_size'] / train_images,
                     2),
        single_seed_reliability=round(single_seed_reliability(rows), 4),
        seed_tau=round(tau, 4), seed_tau_ci95=[round(v, 4) for v in ci],
        ceiling_tau=round(ceiling_tau(rows), 4),
        mean=round(statistics.mean(v for r in rows for v in r), 4),
        means=[round(statistics.mean(r), 4) for r in rows],
        **{k: round(v, 4) for k, v in noise_and_spread(rows).items()},
        train_seconds_median=statistics.median(seconds), table=str(table.file))


def plot(budgets: Dict[str, Dict[str, Any]], out) -> None:
    """Reliability (left) and spread (right) against images seen, a line
    per training-set size."""
    fig, axes = new_figure(1, 2, (10, 3.6))
    left, right = axes[0]
    sizes = sorted({b['train_images'] for b in budgets.values()})
    for size in sizes:
        names = sorted((n for n, b in budgets.items()
                        if b['train_images'] == size),
                       key=lambda n: budgets[n]['images'])
        x = [budgets[n]['images'] / 1000 for n in names]
        tag = f'{size} train images'
        left.plot(x, [budgets[n]['single_seed_reliability'] for n in names],
                  'o-', label=f'reliability, {tag}')
        left.plot(x, [budgets[n]['seed_tau'] for n in names], 's--',
                  label=f'seed tau, {tag}')
        right.plot(x, [100 * budgets[n]['span'] for n in names], 'o-',
                   label=f'span of means, {tag}')
        right.plot(x, [100 * budgets[n]['seed_std'] for n in names], 's--',
                   label=f'seed std, {tag}')
        for ax in (left, right):
            for xi, n in zip(x, names):
                ax.annotate(n, (xi, 0), fontsize=6, rotation=90,
                            xycoords=('data', 'axes fraction'))
    left.axhline(0.9, c='gray', ls=':', lw=0.8)
    right.axhline(5, c='gray', ls=':', lw=0.8)
    for ax, label in ((left, 'agreement between seeds'),
                      (right, 'val top-1 points')):
        ax.set_xscale('log')
        ax.set_xlabel('images seen per training (thousands)')
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=6)
    save_figure(fig, out)


def main() -> None:
    parser = benchmark_parser(
        __doc__, '3 ensembles x 2 seeds, every budget cut to 1/20 of its '
        'steps', REPO / 'data' / 'cluttered_digits')
    parser.add_argument('--archs', type=int, default=8)
    parser.add_argument('--seeds', type=int, default=3)
    parser.add_argument('--workers', type=int, default=2)
    parser.add_argument('--budgets', nargs='+', choices=list(BUDGETS),
                        default=list(BUDGETS))
    args = parser.parse_args()
    budgets = {n: BUDGETS[n] for n in args.budgets}
    if args.quick:
        args.archs, args.seeds = 3, 2
        budgets = {n: (dataclasses.replace(
            r, steps=r.steps // 20, warmup_steps=r.warmup_steps // 20), n_img)
            for n, (r, n_img) in budgets.items()}
    task, splits = load_task(args.data_root)
    widths = model_widths(str(CONFIG))
    space, flops = space_and_flops(widths,
                                   tuple(splits['train'][0].shape[-2:]))
    archs = candidate_archs(space, flops.macs, args.archs)
    # The budgets' tables are data the next reader reuses: in the repository
    # beside the truth table (--quick's in the out-dir).
    folder = args.out_dir / 'truth_budget_quick' if args.quick \
        else TABLE_DIR / 'budget_study'
    out_dir = args.out_dir / ('truth_budget_quick' if args.quick
                              else 'truth_budget')
    out: Dict[str, Dict[str, Any]] = {}
    for name, (recipe, train_images) in budgets.items():
        file = folder / f'{name}.jsonl'
        if recipe == TABLE_RECIPE and train_images is None:
            file = TABLE_DIR / 'cluttered_k2.jsonl'  # shared with the table
        budget_task = task if train_images is None else \
            dict(task, train_images=train_images)
        builder = open_builder(
            file, args.data_root, str(CONFIG), recipe, budget_task, widths,
            args.workers, progress=lambda line, n=name: log(f'{n}: {line}'))
        builder.fill(archs, range(args.seeds))
        out[name] = summary(builder.table, archs, args.seeds,
                            train_images or len(splits['train'][0]))
        log(f'{name}: reliability {out[name]["single_seed_reliability"]}, '
            f'seed tau {out[name]["seed_tau"]}, span {out[name]["span"]}, '
            f'mean {out[name]["mean"]}')
    out = dict(sorted(out.items(), key=lambda item: item[1]['images']))
    # Does a budget rank the ensembles as the longest full-data one does?
    full = [n for n, b in out.items()
            if b['train_images'] == len(splits['train'][0])]
    if full:
        reference = out[full[-1]]['means']
        for b in out.values():
            b['tau_vs_longest'] = round(kendall_tau(b['means'], reference),
                                        4)
    chosen = next((n for n, b in out.items()
                   if b['single_seed_reliability'] >= 0.9
                   and b['span'] >= 0.05 and b['best'] < 0.95), None)
    out_dir.mkdir(parents=True, exist_ok=True)
    plot_file = out_dir / 'truth_budget.png'
    plot(out, plot_file)
    result = dict(budgets=out, chosen=chosen, archs=args.archs,
                  seeds=args.seeds, plot=str(plot_file))
    (out_dir / 'truth_budget.json').write_text(json.dumps(result) + '\n')
    print(json.dumps(result))


if __name__ == '__main__':
    main()
