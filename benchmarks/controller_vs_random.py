"""Does NASNet's RL controller find better children than random sampling
(and evolution) with the same number of children? (NASNet's Fig. 6.)

For each search kind and search seed, ``tools/search.py`` runs the
controller search loop (``RLControllerSearchLoop``) with
``configs/nasnet/nasnet_search_controller_cluttered.py`` (``--space
nasnet``: NASNet cells) or ``neas_search_controller_cluttered.py``
(``--space neas``: the NEAS K-path space), one Runner each, resumable and
reused when done. Every kind samples the same number of children in batches
of the same size; each child trains from scratch on the cluttered task at
the reduced budget (``--steps``) and is rewarded with its ``search``-split
accuracy. The kinds: ``controller`` (PPO after every batch), ``random``
(uniform decisions) and ``evolution`` (crossover and mutation of the best
children so far). Each search's ``--top-k`` best children are retrained
with the full recipe (``--final-steps``) and the one with the best
retrained ``search`` accuracy, the winner, is scored on ``val``.

The defaults are the budget two CPU cores afford in about 1.7 h: 3 seeds
of controller and random searches of 60 children (PPO every 10, so 6
updates), 150 steps of 32 per child, the 2 best retrained 500 steps of 128
(evolution with ``--kinds controller random evolution``). The paper's
Fig. 6 samples 20,000 children; ``--children 200 --steps 300 --batch 20``
(A.3's minibatch) is about 13 h here. Work dirs are keyed by a hash of the
budget, so another budget never resumes a search of this one. Prints one
JSON object:

* ``controller_mean``, ``controller_se``, ``random_mean``, ``random_se``:
  mean and standard error over search seeds of the winners' ``val``
  accuracy (fraction); ``difference`` (controller minus random) and
  ``difference_se``; ``children`` (per search) and ``seeds`` (searches per
  kind);
* ``top1_mean``, ``top5_mean``: per kind, the mean over seeds of the best
  reward and of the mean reward of the 5 best distinct children at the end
  of the search (Fig. 6's y-axis, ``search`` split, reduced budget);
* ``kinds``: per kind ``mean``, ``se`` (as above) and ``difference``
  minus random with ``difference_se``, and ``late_reward`` /
  ``late_reward_se``: the mean reward of the last two batches, whether the
  kind's sampling distribution has moved to better children (mean and
  standard error over seeds);
* ``runs``: per kind and seed the winner, its reward and retrained
  ``search`` / ``val`` accuracies;
* ``curves``: per kind the best reward so far after each child, mean over
  seeds;
* ``seconds`` (the whole benchmark), ``settings``, ``plot``.

The plot (``controller_vs_random_<space>_{full,quick}.png``) draws the
best-so-far and top-5 curves against children sampled and the winners'
``val`` accuracies.

Run: ``.venv/bin/python benchmarks/controller_vs_random.py [--quick]``.
"""
import argparse
import hashlib
import json
import math
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Dict, List

from neas_mm.engine.controller_plot import best_so_far, top_mean_so_far
from neas_mm.evaluation.ground_truth_setup import log
from bench_common.args import REPO, benchmark_parser
from bench_common.figures import new_figure, save_figure

CONFIGS = {
    'nasnet': REPO / 'configs' / 'nasnet' /
    'nasnet_search_controller_cluttered.py',
    'neas': REPO / 'configs' / 'nasnet' /
    'neas_search_controller_cluttered.py',
}
KINDS = ('controller', 'random', 'evolution')


def search_options(args: argparse.Namespace, kind: str,
                   seed: int) -> List[str]:
    """The ``--cfg-options`` of one search."""
    return [f'train_cfg.mode={kind}', f'train_cfg.seed={seed}',
            *budget_options(args)]


def budget_options(args: argparse.Namespace) -> List[str]:
    """The ``--cfg-options`` every search of a run shares (all but the
    kind and the seed)."""
    options = [
        f'train_cfg.num_children={args.children}',
        f'train_cfg.batch_size={args.batch}',
        f'train_cfg.workers={args.workers}',
        f'train_cfg.top_k={args.top_k}',
        f'train_cfg.child.search_recipe.steps={args.steps}',
        f'train_cfg.child.search_recipe.warmup_steps={args.steps // 10}',
        f'train_cfg.child.final_recipe.steps={args.final_steps}',
        f'train_cfg.child.final_recipe.warmup_steps={args.final_steps // 10}',
        f'train_cfg.ppo.lr={args.controller_lr}',
        f'train_dataloader.dataset.data_root={args.data_root}']
    if args.search_images is not None:
        options.append(f'train_cfg.child.search_images={args.search_images}')
    if args.space == 'nasnet':
        options += [f'model.space.num_blocks={args.blocks}',
                    f'train_cfg.child.network.channels={args.channels}']
    return options


def budget_tag(args: argparse.Namespace, tag: str) -> str:
    """``tag`` and a hash of :func:`budget_options`: searches of another
    budget never resume in, or are reused from, the same work dir."""
    digest = hashlib.sha1(
        json.dumps(budget_options(args)).encode()).hexdigest()[:8]
    return f'{tag}_{digest}'


def run_search(kind: str, seed: int, args: argparse.Namespace,
               budget: str) -> Dict[str, Any]:
    """One search through tools/search.py (resumed, or reused when
    done); ``budget`` (:func:`budget_tag`) ends its work dir's name."""
    work_dir = (args.out_dir / 'controller_vs_random' /
                f'{args.space}_{kind}_s{seed}_{budget}')
    work_dir.mkdir(parents=True, exist_ok=True)
    if not (work_dir / f'search_topk_{kind}.json').is_file():
        log(f'{kind} search, seed {seed} -> {work_dir}')
        with (work_dir.parent / f'{work_dir.name}.log').open('w') as out:
            subprocess.run(
                [sys.executable, str(REPO / 'tools' / 'search.py'),
                 str(CONFIGS[args.space]), '--work-dir', str(work_dir),
                 '--resume', '--cfg-options',
                 *search_options(args, kind, seed)],
                check=True, cwd=REPO, stdout=out, stderr=subprocess.STDOUT)
    data = json.loads((work_dir / f'search_children_{kind}.json')
                      .read_text())
    children = data['children']
    rewards = [c['reward'] for c in children]
    keys = [json.dumps(c['arch'], sort_keys=True) for c in children]
    winner = max(data['final'], key=lambda r: statistics.mean(r['search']))
    result = dict(curve=best_so_far(rewards),
                  top5_curve=top_mean_so_far(keys, rewards, 5),
                  top1=max(rewards),
                  top5=top_mean_so_far(keys, rewards, 5)[-1],
                  late=statistics.mean(rewards[-2 * args.batch:]),
                  winner=winner['arch'], winner_child=winner['index'] + 1,
                  reward=winner['reward'],
                  search=statistics.mean(winner['search']),
                  val=statistics.mean(winner['val']))
    log(f'{kind} seed {seed}: best reward {result["top1"]:.3f}, top-5 '
        f'{result["top5"]:.3f}; winner (child {result["winner_child"]}) '
        f'retrained search {result["search"]:.3f}, val {result["val"]:.3f}')
    return result


def mean_se(values: List[float]) -> List[float]:
    if len(values) < 2:
        return [statistics.mean(values), float('nan')]
    return [statistics.mean(values),
            statistics.stdev(values) / math.sqrt(len(values))]


def mean_curve(curves: List[List[float]]) -> List[float]:
    return [statistics.mean(c[i] for c in curves)
            for i in range(min(len(c) for c in curves))]


def plot(runs: Dict[str, List[dict]], out: Path, space: str) -> None:
    fig, axes = new_figure(1, 2, (11, 4))
    ax = axes[0][0]
    for kind, results in runs.items():
        best = mean_curve([r['curve'] for r in results])
        top5 = mean_curve([r['top5_curve'] for r in results])
        x = range(1, len(best) + 1)
        line, = ax.plot(x, [100 * v for v in best], label=f'{kind}: best')
        ax.plot(x, [100 * v for v in top5], linestyle='--',
                color=line.get_color(), label=f'{kind}: top-5 mean')
    ax.set_xlabel('children sampled')
    ax.set_ylabel('child accuracy, search split (%)')
    ax.legend(fontsize=7)
    ax = axes[0][1]
    for x, kind in enumerate(runs):
        vals = [100 * r['val'] for r in runs[kind]]
        ax.scatter([x] * len(vals), vals, label=kind)
        ax.errorbar([x + 0.15], [statistics.mean(vals)],
                    yerr=[mean_se(vals)[1]], fmt='o', c='k', capsize=4)
    ax.set_xticks(range(len(runs)), list(runs))
    ax.set_ylabel('winner retrained, val top-1 (%)')
    for a in axes[0]:
        a.grid(alpha=0.3)
    fig.suptitle(f'{space} space, mean over search seeds (right: one dot a '
                 'seed; bar: mean +- standard error)', fontsize=9)
    save_figure(fig, out)


def main() -> None:
    start = time.perf_counter()
    parser = benchmark_parser(
        __doc__, '2 searches per kind of 8 children (batches of 4) of a '
        'NASNet of 2-block cells and C = 4, 40 steps each, rewards on 500 '
        'search images; the best child retrained 60 steps',
        REPO / 'data' / 'cluttered_digits')
    parser.add_argument('--space', choices=sorted(CONFIGS),
                        default='nasnet', help='the space searched')
    parser.add_argument('--kinds', nargs='+',
                        default=['controller', 'random'],
                        choices=KINDS,
                        help='searches to run (controller and random '
                        'always)')
    parser.add_argument('--searches', type=int, default=3,
                        help='search seeds per kind')
    parser.add_argument('--children', type=int, default=60,
                        help='children sampled per search')
    parser.add_argument('--batch', type=int, default=10,
                        help='children per controller update')
    parser.add_argument('--workers', type=int, default=2,
                        help='child-training processes per search')
    parser.add_argument('--steps', type=int, default=150,
                        help="a child's training steps (batch 32)")
    parser.add_argument('--search-images', type=int, default=None,
                        help='search-split images rewarding a child '
                        '(default: all 2,000)')
    parser.add_argument('--top-k', type=int, default=2,
                        help='best children retrained per search')
    parser.add_argument('--final-steps', type=int, default=500,
                        help='steps of the retraining (batch 128)')
    parser.add_argument('--controller-lr', type=float, default=3.5e-4,
                        help="the controller's Adam learning rate (A.2)")
    parser.add_argument('--blocks', type=int, default=3,
                        help='NASNet: blocks per cell (B)')
    parser.add_argument('--channels', type=int, default=8,
                        help="NASNet: the children's first-stage C")
    args = parser.parse_args()
    kinds = ['controller', 'random'] + [
        k for k in args.kinds if k not in ('controller', 'random')]
    if args.quick:
        args.searches, args.children, args.batch = 2, 8, 4
        args.steps, args.search_images, args.top_k = 40, 500, 1
        args.final_steps, args.blocks, args.channels = 60, 2, 4
    if args.top_k < 1:
        parser.error('--top-k must be >= 1: the winner is a retrained child')
    args.out_dir.mkdir(parents=True, exist_ok=True)
    tag = 'quick' if args.quick else 'full'
    budget = budget_tag(args, tag)
    runs: Dict[str, List[dict]] = {
        kind: [run_search(kind, seed, args, budget)
               for seed in range(args.searches)] for kind in kinds}
    stats = {kind: mean_se([r['val'] for r in runs[kind]]) for kind in kinds}
    late = {kind: mean_se([r['late'] for r in runs[kind]]) for kind in kinds}
    plot_file = args.out_dir / f'controller_vs_random_{args.space}_{tag}.png'
    plot(runs, plot_file, args.space)
    result = json.dumps(dict(
        controller_mean=stats['controller'][0],
        controller_se=stats['controller'][1],
        random_mean=stats['random'][0], random_se=stats['random'][1],
        difference=stats['controller'][0] - stats['random'][0],
        difference_se=math.hypot(stats['controller'][1],
                                 stats['random'][1]),
        children=args.children, seeds=args.searches,
        top1_mean={k: statistics.mean(r['top1'] for r in runs[k])
                   for k in kinds},
        top5_mean={k: statistics.mean(r['top5'] for r in runs[k])
                   for k in kinds},
        kinds={k: dict(mean=stats[k][0], se=stats[k][1],
                       difference=stats[k][0] - stats['random'][0],
                       difference_se=math.hypot(stats[k][1],
                                                stats['random'][1]),
                       late_reward=late[k][0], late_reward_se=late[k][1])
               for k in kinds},
        runs={k: [dict(seed=i, winner_child=r['winner_child'],
                       reward=r['reward'], search=r['search'], val=r['val'],
                       top1=r['top1'], top5=r['top5'], late_reward=r['late'],
                       winner=r['winner'])
                  for i, r in enumerate(runs[k])] for k in kinds},
        curves={k: mean_curve([r['curve'] for r in runs[k]])
                for k in kinds},
        seconds=round(time.perf_counter() - start, 1),
        settings=dict(space=args.space, searches=args.searches,
                      children=args.children, batch=args.batch,
                      workers=args.workers, steps=args.steps,
                      search_images=args.search_images, top_k=args.top_k,
                      final_steps=args.final_steps,
                      controller_lr=args.controller_lr,
                      blocks=args.blocks, channels=args.channels),
        plot=str(plot_file)))
    (args.out_dir / f'controller_vs_random_{args.space}_{tag}.json'
     ).write_text(result + '\n')
    print(result)


if __name__ == '__main__':
    main()
