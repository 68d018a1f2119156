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
* ``archs``: per architecture its ``arch_list``, ``macs``, ``params`` and
  per-seed ``val`` and ``search`` accuracies;
* ``train_seconds_mean`` / ``_max``: wall time of one standalone training.

A plot of val accuracy vs MACs with seed error bars goes to ``--out-dir``.

Run: ``.venv/bin/python benchmarks/task_spread.py [--quick]``.
"""
import argparse
import dataclasses
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Dict, List

import torch
from mmengine.config import Config

from neas_mm.datasets import DIGIT_CLASSES, prepare_cluttered_digits
from neas_mm.datasets.prepared_folder import MARKER
from neas_mm.evaluation import (GroundTruth, ResultCache, StandaloneRecipe,
                                StandaloneTrainer, load_image_split)
from neas_mm.models import NEASSupernet
from neas_mm.search import FlopsTable
from neas_mm.search import (bootstrap_interval, kendall_tau, spearman_rho,
                            stratified_by_flops)

REPO = Path(__file__).resolve().parents[1]
MODEL_CONFIG = REPO / 'configs' / '_base_' / 'models' / \
    'neas_supernet_k2_digits.py'


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def model_widths(config: Path) -> Dict[str, Any]:
    """Backbone widths, head, space and input size of a supernet config."""
    model = Config.fromfile(str(config)).model
    backbone = {k: model.backbone[k] for k in
                ('widen_factor', 'tail_channels', 'feature_channels')
                if k in model.backbone}
    return dict(backbone=backbone,
                head=dict(in_channels=model.head.in_channels,
                          num_classes=model.head.num_classes),
                stage_depths=tuple(model.backbone.stage_depths),
                num_paths=model.backbone.num_paths,
                split_range=tuple(model.split_range))


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
               flops_rho=spearman_rho([a['macs'] for a in archs], means),
               search_val_tau=kendall_tau(
                   [statistics.mean(a['search']) for a in archs], means))
    if num_seeds > 1:
        out['seed_tau'] = kendall_tau([a['val'][0] for a in archs],
                                      [a['val'][1] for a in archs])
    return out


def plot(archs: List[Dict[str, Any]], out: Path, title: str) -> None:
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    macs = [a['macs'] / 1e6 for a in archs]
    means = [100 * statistics.mean(a['val']) for a in archs]
    stds = [100 * statistics.stdev(a['val']) if len(a['val']) > 1 else 0
            for a in archs]
    fig, ax = plt.subplots(figsize=(6.5, 4.2))
    ax.errorbar(macs, means, yerr=stds, fmt='o', capsize=3)
    for a, x, y in zip(archs, macs, means):
        ax.annotate(f's{a["arch_list"][0]}', (x, y), fontsize=7,
                    xytext=(3, 3), textcoords='offset points')
    ax.set_xlabel('ensemble MACs (M) at the task input size')
    ax.set_ylabel('standalone val top-1 (%), mean +- std over seeds')
    ax.set_title(title, fontsize=9)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n')[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument('--quick', action='store_true',
                        help='4 architectures, 2 seeds, 100 steps')
    parser.add_argument('--archs', type=int, default=16)
    parser.add_argument('--seeds', type=int, default=3)
    parser.add_argument('--steps', type=int, default=StandaloneRecipe.steps)
    parser.add_argument('--data-root', type=Path,
                        default=REPO / 'data' / 'cluttered_digits',
                        help='the task folder (prepared with defaults if '
                        'missing)')
    parser.add_argument('--model-config', type=Path, default=MODEL_CONFIG,
                        help='supernet config giving widths and the space')
    parser.add_argument('--out-dir', type=Path,
                        default=REPO / 'work_dirs' / 'benchmarks',
                        help='cache and plot folder')
    parser.add_argument('--threads', type=int, default=2)
    args = parser.parse_args()
    if args.quick:
        args.archs, args.seeds, args.steps = 4, 2, 100
    torch.set_num_threads(args.threads)
    args.out_dir.mkdir(parents=True, exist_ok=True)

    if not (args.data_root / MARKER).is_file():
        log(f'preparing {args.data_root} (tools/prepare_data.py --only '
            'cluttered)')
        prepare_cluttered_digits(str(args.data_root))
    task = json.loads((args.data_root / MARKER).read_text())['params']
    start = time.perf_counter()
    splits = {s: load_image_split(str(args.data_root), s, DIGIT_CLASSES)
              for s in ('train', 'search', 'val')}
    log(f'loaded {", ".join(f"{s} {len(v[0])}" for s, v in splits.items())}'
        f' images in {time.perf_counter() - start:.1f} s')

    widths = model_widths(args.model_config)
    supernet = NEASSupernet(num_paths=widths['num_paths'],
                            stage_depths=widths['stage_depths'],
                            **widths['backbone'])
    space = supernet.default_space(widths['split_range'])
    size = tuple(splits['train'][0].shape[-2:])
    table = FlopsTable.from_supernet(
        supernet, input_size=size, num_classes=widths['head']['num_classes'])
    archs = stratified_by_flops(space, table.macs, args.archs, seed=0)

    recipe = StandaloneRecipe(steps=args.steps)
    trainer = StandaloneTrainer(widths['backbone'], widths['head'], recipe,
                                splits['train'],
                                dict(search=splits['search'],
                                     val=splits['val']))
    truth = GroundTruth(trainer, ResultCache(str(args.out_dir /
                                                 'standalone_cache.jsonl')),
                        task, progress=log)
    rows, seconds = [], []
    for n, arch in enumerate(archs):
        results = [truth.get(arch, seed) for seed in range(args.seeds)]
        seconds.extend(r['train_seconds'] for r in results)
        rows.append(dict(arch_list=arch.to_arch_list(),
                         macs=table.macs(arch), params=table.params(arch),
                         val=[r['acc']['val'] for r in results],
                         search=[r['acc']['search'] for r in results]))
        log(f'[{n + 1}/{len(archs)}] {table.macs(arch) / 1e6:.2f} M MACs: '
            f'val {[round(v, 3) for v in rows[-1]["val"]]}')
    name = 'task_spread_quick' if args.quick else 'task_spread'
    plot_file = args.out_dir / f'{name}.png'
    summary = summarise(rows)
    plot(rows, plot_file,
         f'{args.data_root.name}: {len(rows)} ensembles x {args.seeds} '
         f'seeds, {args.steps} steps; span {summary["span"]:.3f}, seed std '
         f'{summary["seed_std"]:.3f}')
    print(json.dumps(dict(
        task=task, recipe=dataclasses.asdict(recipe), model=widths,
        num_archs=len(rows), seeds=args.seeds, **summary,
        train_seconds_mean=statistics.mean(seconds),
        train_seconds_max=max(seconds), newly_trained=truth.trained,
        threads=torch.get_num_threads(), archs=rows,
        plot=str(plot_file))))


if __name__ == '__main__':
    main()
