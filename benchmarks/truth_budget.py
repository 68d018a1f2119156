"""The budget study behind the truth table's recipe: how reliable and how
spread the standalone ground truth is as a function of the training budget.

The first ``--archs`` ensembles of the table's order (``candidate_archs``:
FLOPs-stratified, spread over the range) are trained with ``--seeds`` seeds
under each budget of ``BUDGETS``, from today's ground truth (600 steps x
32, lr 0.05) up to the table's recipe (1,000 x 128, about 11 epochs of the
train split, whose rows are read from the table when it holds them). Each
budget is a truth table of its own under ``--out-dir/truth_budget/`` (same
builder, workers and resume as ``truth_table.py``), so the study continues
where it stopped.

Prints one JSON object: ``budgets``, per budget its ``recipe``, ``epochs``,
``single_seed_reliability``, ``seed_tau`` (+ ``_ci95``), ``ceiling_tau``,
``span``, ``best``, ``mean``, ``seed_std``, ``true_std`` and
``train_seconds_median``; ``chosen`` (the cheapest budget whose
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
from neas_mm.evaluation.truth_builder import (TABLE_RECIPE, candidate_archs,
                                              open_builder)
from neas_mm.evaluation.truth_table import TABLE_DIR
from neas_mm.search import (ceiling_tau, noise_and_spread, seed_tau,
                            single_seed_reliability)
from bench_common.args import REPO, benchmark_parser
from bench_common.figures import new_figure, save_figure

CONFIG = REPO / 'configs' / 'neas' / 'neas_supernet_k2_cluttered.py'
BUDGETS = {
    '600x32': StandaloneRecipe(steps=600, batch_size=32, lr=0.05,
                               warmup_steps=50),
    '250x128': dataclasses.replace(TABLE_RECIPE, steps=250,
                                   warmup_steps=25),
    '500x128': dataclasses.replace(TABLE_RECIPE, steps=500,
                                   warmup_steps=50),
    '1000x128': TABLE_RECIPE,
}


def summary(table: TruthTable, archs: List[Any], seeds: int,
            train_images: int) -> Dict[str, Any]:
    rows = [[table.get(a, s)['val'] for s in range(seeds)] for a in archs]
    recipe = table.context['recipe']
    tau, ci = seed_tau(rows)
    seconds = [table.get(a, s)['seconds'] for a in archs
               for s in range(seeds)]
    return dict(
        recipe=recipe, images=recipe['steps'] * recipe['batch_size'],
        epochs=round(recipe['steps'] * recipe['batch_size'] / train_images,
                     2),
        single_seed_reliability=round(single_seed_reliability(rows), 4),
        seed_tau=round(tau, 4), seed_tau_ci95=[round(v, 4) for v in ci],
        ceiling_tau=round(ceiling_tau(rows), 4),
        mean=round(statistics.mean(v for r in rows for v in r), 4),
        **{k: round(v, 4) for k, v in noise_and_spread(rows).items()},
        train_seconds_median=statistics.median(seconds), table=str(table.file))


def plot(budgets: Dict[str, Dict[str, Any]], out) -> None:
    fig, axes = new_figure(1, 2, (10, 3.6))
    left, right = axes[0]
    names = list(budgets)
    x = [budgets[n]['images'] / 1000 for n in names]
    left.plot(x, [budgets[n]['single_seed_reliability'] for n in names],
              'o-', label='single-seed reliability (Pearson)')
    left.plot(x, [budgets[n]['seed_tau'] for n in names], 's-',
              label='seed tau')
    left.axhline(0.9, c='gray', ls='--', lw=0.8)
    right.plot(x, [100 * budgets[n]['span'] for n in names], 'o-',
               label='span of seed means')
    right.plot(x, [100 * budgets[n]['seed_std'] for n in names], 's-',
               label='seed std')
    for ax, label in ((left, 'agreement'), (right, 'points')):
        ax.set_xscale('log')
        ax.set_xlabel('images seen per training (thousands)')
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
        ax.set_xticks(x, names, fontsize=7)
        ax.minorticks_off()
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
        budgets = {n: dataclasses.replace(
            r, steps=r.steps // 20, warmup_steps=r.warmup_steps // 20)
            for n, r in budgets.items()}
    task, splits = load_task(args.data_root)
    train_images = len(splits['train'][0])
    widths = model_widths(str(CONFIG))
    space, flops = space_and_flops(widths,
                                   tuple(splits['train'][0].shape[-2:]))
    del splits
    archs = candidate_archs(space, flops.macs, args.archs)
    folder = args.out_dir / ('truth_budget_quick' if args.quick
                             else 'truth_budget')
    out: Dict[str, Dict[str, Any]] = {}
    for name, recipe in budgets.items():
        file = folder / f'{name}.jsonl'
        if recipe == TABLE_RECIPE:
            file = TABLE_DIR / 'cluttered_k2.jsonl'  # shared with the table
        builder = open_builder(
            file, args.data_root, str(CONFIG), recipe, task, widths,
            args.workers, progress=lambda line, n=name: log(f'{n}: {line}'))
        builder.fill(archs, range(args.seeds))
        out[name] = summary(builder.table, archs, args.seeds, train_images)
        log(f'{name}: reliability {out[name]["single_seed_reliability"]}, '
            f'seed tau {out[name]["seed_tau"]}, span {out[name]["span"]}, '
            f'mean {out[name]["mean"]}')
    out = dict(sorted(out.items(), key=lambda item: item[1]['images']))
    chosen = next((n for n, b in out.items()
                   if b['single_seed_reliability'] >= 0.9
                   and b['span'] >= 0.05 and b['best'] < 0.95), None)
    folder.mkdir(parents=True, exist_ok=True)
    plot_file = folder / 'truth_budget.png'
    plot(out, plot_file)
    result = dict(budgets=out, chosen=chosen, archs=args.archs,
                  seeds=args.seeds, plot=str(plot_file))
    (folder / 'truth_budget.json').write_text(json.dumps(result) + '\n')
    print(json.dumps(result))


if __name__ == '__main__':
    main()
