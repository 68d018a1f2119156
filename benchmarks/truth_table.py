"""The standalone ground-truth table of the cluttered-digits task: build it,
extend it, report how far it can be trusted.

Every row is one ensemble of ``configs/neas/neas_supernet_k2_cluttered.py``'s
space trained from scratch with one seed by the table's recipe
(``neas_mm.evaluation.truth_builder.TABLE_RECIPE``): ``val`` and ``search``
top-1, final loss and seconds. The table file (default
``neas_mm/evaluation/truth_tables/cluttered_k2.jsonl``, in the repository)
starts with a header holding the recipe, task and widths and their hash,
the ``table_version``. Architectures are added in the order of
``candidate_archs`` (the ranking benchmarks' 16 ensembles first, then further
FLOPs-stratified batches), each with all its seeds trained fused
(``FusedSeedsTrainer``) in one of ``--workers`` processes of one thread each;
a row is written as soon as its architecture is done, so an interrupted build
keeps every finished architecture and a rerun trains only what is missing.

``--report`` (also printed after a build) prints one JSON object:
``archs``, ``seeds``, ``single_seed_reliability`` (mean Pearson r of two
seeds over the architectures), ``truth_reliability`` (of the mean over
``seeds``, Spearman-Brown), ``seed_tau`` with ``seed_tau_ci95`` (seeds 0 and
1, bootstrap over architectures), ``ceiling_tau`` (a perfect proxy's
expected tau against the seed mean), ``span`` and ``best`` (of the seed
means), ``seed_std``, ``true_std``, ``resolvable_tau_difference`` (for a
proxy whose tau against the table is 0.3 / 0.5 / 0.7, the smallest
difference from another method's tau a 5 % test resolves on these
architectures), ``recipe``, ``table_version``,
``train_seconds_median`` (per seed, fused) and ``plot`` (accuracy per
architecture, seeds as dots, sorted by mean).

Run: ``.venv/bin/python benchmarks/truth_table.py --add 8`` (8 more
architectures), ``--upto 48`` (fill to 48), ``--arch "[...]"``, ``--report``;
``--quick`` builds a tiny table (30 steps, 4 archs x 2 seeds) in the
out-dir through the same code path.
"""
import dataclasses
import json
import statistics
import sys
from pathlib import Path
from typing import Any, Dict, List

from neas_mm.evaluation import TruthTable
from neas_mm.evaluation.ground_truth_setup import (load_task, log,
                                                   model_widths,
                                                   space_and_flops)
from neas_mm.evaluation.table_candidates import candidate_archs
from neas_mm.evaluation.truth_builder import open_builder
from neas_mm.evaluation.truth_table import TABLE_DIR, TABLE_RECIPE
from neas_mm.search import (ceiling_tau, mean_reliability, noise_and_spread,
                            resolvable_at, seed_tau, single_seed_reliability)
from neas_mm.space import EnsembleArch
from bench_common.args import REPO, benchmark_parser
from bench_common.figures import new_figure, save_figure

CONFIG = REPO / 'configs' / 'neas' / 'neas_supernet_k2_cluttered.py'
QUICK_RECIPE = dataclasses.replace(TABLE_RECIPE, steps=30, warmup_steps=5)


def report(table: TruthTable, seeds: int, plot_file: Path) -> Dict[str, Any]:
    """The table's reliability figures over the architectures holding
    seeds ``0..seeds-1``."""
    matrix = table.matrix(seeds)
    if len(matrix) < 3:
        raise SystemExit(f'{table.file} holds {len(matrix)} architectures '
                         f'with seeds 0..{seeds - 1}; need >= 3 for a '
                         'report (add some with --add N)')
    rows = list(matrix.values())
    single = single_seed_reliability(rows)
    tau, tau_ci = seed_tau(rows)
    spread = noise_and_spread(rows)
    seconds = [r['seconds'] for r in table.rows]
    plot(matrix, plot_file)
    return dict(
        archs=len(rows), seeds=seeds,
        single_seed_reliability=round(single, 4),
        truth_reliability=round(mean_reliability(single, seeds), 4),
        seed_tau=round(tau, 4), seed_tau_ci95=[round(v, 4) for v in tau_ci],
        ceiling_tau=round(ceiling_tau(rows), 4),
        resolvable_tau_difference={
            k: round(v, 4) for k, v in resolvable_at(
                [statistics.mean(r) for r in rows]).items()},
        **{k: round(v, 4) for k, v in spread.items()},
        recipe=table.context['recipe'], table_version=table.version,
        train_seconds_median=statistics.median(seconds),
        table=str(table.file), plot=str(plot_file))


def plot(matrix: Dict[tuple, List[float]], out: Path) -> None:
    items = sorted(matrix.values(), key=statistics.mean)
    fig, axes = new_figure(1, 1, (8, 3.6))
    ax = axes[0][0]
    for x, accs in enumerate(items):
        ax.scatter([x] * len(accs), [100 * a for a in accs], s=10,
                   c='tab:blue')
        ax.plot([x - 0.3, x + 0.3], [100 * statistics.mean(accs)] * 2, c='k')
    ax.set_xlabel('ensemble (sorted by mean val top-1)')
    ax.set_ylabel('standalone val top-1 (%)')
    ax.set_title(f'truth table: {len(items)} ensembles, dots = seeds, '
                 'bar = mean', fontsize=9)
    ax.grid(alpha=0.3)
    save_figure(fig, out)


def main() -> None:
    parser = benchmark_parser(
        __doc__, 'a tiny table in --out-dir (30 steps, 4 archs x 2 seeds): '
        'the same code path in a few minutes',
        REPO / 'data' / 'cluttered_digits')
    parser.add_argument('--table', type=Path,
                        default=TABLE_DIR / 'cluttered_k2.jsonl',
                        help='the table file')
    parser.add_argument('--add', type=int, default=0, metavar='N',
                        help='add the next N architectures')
    parser.add_argument('--upto', type=int, default=0, metavar='N',
                        help='fill the table to its first N architectures')
    parser.add_argument('--arch', action='append', default=[],
                        help='add this arch_list (JSON), repeatable')
    parser.add_argument('--seeds', type=int, default=3,
                        help='seeds 0..n-1 per architecture')
    parser.add_argument('--workers', type=int, default=2,
                        help='worker processes, one thread each (0: train '
                        'here)')
    parser.add_argument('--report', action='store_true',
                        help='print the report only (no training)')
    args = parser.parse_args()
    for name in ('add', 'upto', 'seeds', 'workers'):
        if getattr(args, name) < 0 or (name == 'seeds' and args.seeds < 2):
            parser.error(f'--{name} must be >= {2 if name == "seeds" else 0}'
                         f', got {getattr(args, name)}')
    recipe = TABLE_RECIPE
    if args.quick:
        recipe = QUICK_RECIPE
        args.table = args.out_dir / 'truth_table_quick.jsonl'
        args.upto, args.seeds = 4, 2
    args.out_dir.mkdir(parents=True, exist_ok=True)
    tag = 'quick' if args.quick else 'full'
    plot_file = args.out_dir / f'truth_table_{tag}.png'
    if args.report:
        table = TruthTable(args.table)
        print(json.dumps(report(table, args.seeds, plot_file)))
        return

    task, splits = load_task(args.data_root)
    widths = model_widths(str(CONFIG))
    space, flops = space_and_flops(widths,
                                   tuple(splits['train'][0].shape[-2:]))
    del splits
    builder = open_builder(args.table, args.data_root, str(CONFIG), recipe,
                           task, widths, args.workers, progress=log)
    table = builder.table
    held = {tuple(a) for a in table.archs()}
    candidates = candidate_archs(space, flops.macs,
                                 max(args.upto, len(held) + args.add, 1))
    archs: List[EnsembleArch] = []
    new = 0
    for arch in candidates:
        if tuple(arch.to_arch_list()) in held:
            archs.append(arch)  # completes its seeds if some are missing
        elif new < args.add or len(archs) < args.upto:
            archs.append(arch)
            new += 1
    for text in args.arch:
        archs.append(EnsembleArch.from_arch_list(
            json.loads(text), stage_depths=widths['stage_depths']))
    jobs = builder.missing(archs, range(args.seeds))
    log(f'{table.file}: version {table.version}, {len(held)} architectures '
        f'held; {len(jobs)} trainings to run in {args.workers} workers')
    try:
        builder.fill(archs, range(args.seeds))
    except KeyboardInterrupt:
        log(f'interrupted: {len(table.rows)} rows are in {table.file}; '
            'rerun the same command to train the rest')
        sys.exit(130)
    print(json.dumps(report(table, args.seeds, plot_file)))


if __name__ == '__main__':
    main()
