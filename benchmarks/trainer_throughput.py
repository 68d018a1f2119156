"""How fast the truth table's trainer trains, against the trainer it
replaces, on the same ensembles and seeds in one run.

* baseline: ``StandaloneTrainer.run`` one (ensemble, seed) after the other
  in this process with ``--threads`` torch threads (today's ground-truth
  path);
* new: ``TruthBuilder`` as ``benchmarks/truth_table.py`` runs it: one job
  per (ensemble, seed) in ``--workers`` processes of one thread each, the
  model in the channels-last memory format, rows written to a scratch
  table. Its wall time includes the workers' start (imports, loading the
  task);
* fused: the same builder with each ensemble's seeds fused into one
  network (``FusedSeedsTrainer``: stacked weights, ``vmap``), one job per
  ensemble.

Both train the table's recipe (``TABLE_RECIPE``) cut to ``--steps`` steps,
so the images seen are the same. Also checks, on one ensemble and two seeds
for ``--check-steps`` steps, that fused training equals separate training:
``fused_equals_separate`` (every weight and BatchNorm statistic within
rtol 1e-4 / atol 1e-5, the same accuracies), with ``max_abs_weight_diff``.
The two differ only by float rounding (grouped vs single convolutions),
which SGD at lr 0.1 amplifies step by step: measured on the first table
ensemble, the largest weight difference was 4.8e-7 after 1 step, 1.1e-6
after 5 and 7.4e-5 after 20, hence 5 steps by default.

Prints one JSON object: ``baseline_images_per_s``, ``new_images_per_s``,
``speedup`` (new / baseline), ``fused_images_per_s``, ``fused_speedup``,
``fused_equals_separate``, ``max_abs_weight_diff``, the settings and
seconds. Run: ``.venv/bin/python benchmarks/trainer_throughput.py
[--quick]``.
"""
import dataclasses
import json
import tempfile
import time
from pathlib import Path

import torch

from neas_mm.evaluation import FusedSeedsTrainer
from neas_mm.evaluation.ground_truth_setup import (build_trainer, load_task,
                                                   log, model_widths,
                                                   space_and_flops)
from neas_mm.evaluation.table_candidates import candidate_archs
from neas_mm.evaluation.truth_builder import open_builder
from neas_mm.evaluation.truth_table import TABLE_RECIPE
from bench_common.args import REPO, benchmark_parser

CONFIG = REPO / 'configs' / 'neas' / 'neas_supernet_k2_cluttered.py'


def fused_matches_separate(trainer, arch, steps: int) -> dict:
    """Train ``arch`` with seeds 0 and 1 separately and fused for
    ``steps`` steps; compare every weight and statistic."""
    trainer.recipe = dataclasses.replace(trainer.recipe, steps=steps)
    built = []
    build = trainer.build

    def keep(a):
        built.append(build(a))
        return built[-1]
    trainer.build = keep
    separate = [trainer.run(arch, s) for s in (0, 1)]
    fused = FusedSeedsTrainer(trainer).run(arch, [0, 1])
    trainer.build = build
    worst, equal = 0.0, True
    for a, b in zip(built[:2], built[2:]):
        for (key, x), y in zip(a.state_dict().items(),
                               b.state_dict().values()):
            if x.is_floating_point():
                worst = max(worst, float((x - y).abs().max()))
                equal &= torch.allclose(x, y, rtol=1e-4, atol=1e-5)
            else:
                equal &= torch.equal(x, y)
    equal &= all(s['acc'] == f['acc'] for s, f in zip(separate, fused))
    return dict(fused_equals_separate=bool(equal), max_abs_weight_diff=worst)


def main() -> None:
    parser = benchmark_parser(
        __doc__, '2 ensembles x 2 seeds x 20 steps',
        REPO / 'data' / 'cluttered_digits')
    parser.add_argument('--archs', type=int, default=4)
    parser.add_argument('--seeds', type=int, default=3)
    parser.add_argument('--steps', type=int, default=100)
    parser.add_argument('--check-steps', type=int, default=5)
    parser.add_argument('--workers', type=int, default=2)
    args = parser.parse_args()
    if args.quick:
        args.archs, args.seeds, args.steps, args.check_steps = 2, 2, 20, 5
    recipe = dataclasses.replace(TABLE_RECIPE, steps=args.steps)
    task, splits = load_task(args.data_root)
    widths = model_widths(str(CONFIG))
    space, flops = space_and_flops(widths,
                                   tuple(splits['train'][0].shape[-2:]))
    archs = candidate_archs(space, flops.macs, args.archs)
    images = args.archs * args.seeds * args.steps * recipe.batch_size

    torch.set_num_threads(args.threads)
    trainer = build_trainer(args.data_root, str(CONFIG), recipe)
    start = time.perf_counter()
    for n, arch in enumerate(archs):
        for seed in range(args.seeds):
            trainer.run(arch, seed)
        log(f'baseline: {n + 1}/{len(archs)} ensembles '
            f'({time.perf_counter() - start:.0f} s)')
    baseline = time.perf_counter() - start

    seconds = {}
    for fuse in (False, True):
        name = 'fused' if fuse else 'new'
        with tempfile.TemporaryDirectory() as tmp:
            builder = open_builder(
                Path(tmp) / 'table.jsonl', args.data_root, str(CONFIG),
                recipe, task, widths, args.workers, fuse_seeds=fuse,
                progress=lambda line, n=name: log(f'{n}: {line}'))
            start = time.perf_counter()
            builder.fill(archs, range(args.seeds))
            seconds[name] = time.perf_counter() - start

    torch.set_num_threads(1)
    check = fused_matches_separate(trainer, archs[0], args.check_steps)
    print(json.dumps(dict(
        baseline_images_per_s=round(images / baseline, 1),
        new_images_per_s=round(images / seconds['new'], 1),
        speedup=round(baseline / seconds['new'], 3),
        fused_images_per_s=round(images / seconds['fused'], 1),
        fused_speedup=round(baseline / seconds['fused'], 3), **check,
        baseline_seconds=round(baseline, 1),
        new_seconds=round(seconds['new'], 1),
        fused_seconds=round(seconds['fused'], 1),
        settings=dict(archs=args.archs, seeds=args.seeds, steps=args.steps,
                      batch_size=recipe.batch_size, threads=args.threads,
                      workers=args.workers, check_steps=args.check_steps,
                      images=images))))


if __name__ == '__main__':
    main()
