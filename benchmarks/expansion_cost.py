"""Memory and step time of SE-NAS expanding as the space shrinks.

The digits supernet (entangled operators, as in
``configs/neas/neas_supernet_k2_senas_digits.py``) and an unexpanded twin
share a search space that shrinks in stages (a random share of each
splittable layer's combinations kept). After each stage the expanded one
merges child spaces of at most ``--threshold`` partial models and its
optimizer (SGD, momentum, as the configs) takes the copies. Each stage
times training steps (forward, backward, optimizer step on an ensemble
drawn from the space) of both, alternating, and prints one JSON object:

* ``stages``: per stage ``combos_per_layer``, ``space_size``,
  ``child_spaces``, ``copies``, ``params_m`` (all parameters of the
  expanded supernet), ``unexpanded_params_m``, ``params_ratio``,
  ``optimizer_mb`` (its optimizer state: momentum of what has trained),
  ``step_ms``, ``unexpanded_step_ms`` and ``step_ratio``;
* ``final_params_ratio``, ``final_step_ratio`` (the last stage) and
  ``peak_rss_mb`` of the process (both networks).

A plot of parameters and step time against the space size goes to
``--out-dir``. Run: ``.venv/bin/python benchmarks/expansion_cost.py
[--quick]``.
"""
import argparse
import json
import random
import resource
import statistics
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F

from neas_mm.engine.expanded_optimizer import register_copies
from neas_mm.models import NEASSupernet
from neas_mm.space import SearchSpace
from bench_common.figures import new_figure, save_figure
from bench_common.supernet_runs import REPO

# The digits supernet (configs/_base_/models/neas_supernet_k2_digits.py).
DIGITS = dict(stage_depths=(2, 2, 2, 2, 2), widen_factor=0.5,
              tail_channels=240, feature_channels=320)
SPLIT_RANGE = (4, 10)
KEEP = (16, 10, 6, 4, 3)  # combinations a layer keeps, stage by stage


class Trainee(torch.nn.Module):
    """The supernet and its optimizer; each path's loss is the cross-entropy
    of its first 10 pooled features (no classifier: it would be the same
    in both networks)."""

    def __init__(self) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.backbone = NEASSupernet(num_paths=2, operators='entangled',
                                     **DIGITS)
        self.optimizer = torch.optim.SGD(self.parameters(), lr=0.01,
                                         momentum=0.9, weight_decay=4e-5)

    def step(self, arch, x, y) -> float:
        start = time.perf_counter()
        self.optimizer.zero_grad(set_to_none=True)
        loss = sum(F.cross_entropy(f[:, :10], y)
                   for f in self.backbone(x, arch))
        loss.backward()
        self.optimizer.step()
        return time.perf_counter() - start


def optimizer_mb(optimizer: torch.optim.Optimizer) -> float:
    return sum(v.numel() * v.element_size()
               for state in optimizer.state.values()
               for v in state.values() if isinstance(v, torch.Tensor)) / 2**20


def shrink_to(space: SearchSpace, keep: int, rng: random.Random) -> None:
    for m in space.splittable_layers:
        combos = space.combos[m]
        for combo in rng.sample(combos, max(len(combos) - keep, 0)):
            space.remove(m, combo)


def plot(stages, out: Path) -> None:
    fig, axes = new_figure(1, 2, (9, 3.4))
    sizes = [s['space_size'] for s in stages]
    axes[0, 0].plot(sizes, [s['params_m'] for s in stages], 'o-',
                    label='expanded')
    axes[0, 0].plot(sizes, [s['unexpanded_params_m'] for s in stages],
                    's--', label='unexpanded')
    axes[0, 0].set_ylabel('parameters (M)')
    axes[0, 1].plot(sizes, [s['step_ms'] for s in stages], 'o-',
                    label='expanded')
    axes[0, 1].plot(sizes, [s['unexpanded_step_ms'] for s in stages], 's--',
                    label='unexpanded')
    axes[0, 1].set_ylabel('training step (ms)')
    for ax in axes.flat:
        ax.set_xlabel('space size (combinations), shrinking ->')
        ax.invert_xaxis()
        ax.legend(fontsize=8)
        ax.grid(alpha=0.3)
    save_figure(fig, out)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n')[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument('--quick', action='store_true',
                        help='3 stages, 6 timed steps each')
    parser.add_argument('--threshold', type=int, default=200,
                        help='SE-NAS merging threshold (partial models)')
    parser.add_argument('--steps', type=int, default=20,
                        help='timed steps per stage and network')
    parser.add_argument('--batch', type=int, default=64)
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--out-dir', type=Path,
                        default=REPO / 'work_dirs' / 'benchmarks')
    args = parser.parse_args()
    keep = KEEP
    if args.quick:
        keep, args.steps = KEEP[2:], 6
    torch.set_num_threads(args.threads)
    x = torch.randn(args.batch, 3, 32, 32)
    y = torch.randint(0, 10, (args.batch, ))
    expanded, twin = Trainee().train(), Trainee().train()
    space = expanded.backbone.default_space(SPLIT_RANGE)
    rng = random.Random(0)
    stages = []
    for n in keep:
        shrink_to(space, n, rng)
        expanded.backbone.expand(space, args.threshold)
        register_copies(expanded.optimizer, expanded)
        # Warm-up steps (first-touch costs of copies drawn later still land
        # in the timed steps: each draw may meet a fresh copy).
        for _ in range(2):
            arch = space.sample(rng)
            expanded.step(arch, x, y), twin.step(arch, x, y)
        times = dict(expanded=[], twin=[])
        for _ in range(args.steps):
            arch = space.sample(rng)
            times['expanded'].append(expanded.step(arch, x, y))
            times['twin'].append(twin.step(arch, x, y))
        params = sum(p.numel() for p in expanded.parameters())
        base = sum(p.numel() for p in twin.parameters())
        step = statistics.median(times['expanded'])
        base_step = statistics.median(times['twin'])
        stages.append(dict(
            combos_per_layer=n, space_size=space.size,
            child_spaces=[list(g)
                          for g in expanded.backbone.expansion.child_spaces],
            copies=expanded.backbone.expansion.num_copies,
            params_m=round(params / 1e6, 3),
            unexpanded_params_m=round(base / 1e6, 3),
            params_ratio=round(params / base, 3),
            optimizer_mb=round(optimizer_mb(expanded.optimizer), 2),
            step_ms=round(1e3 * step, 2),
            unexpanded_step_ms=round(1e3 * base_step, 2),
            step_ratio=round(step / base_step, 3)))
        print(f'[expansion_cost] {n} a layer: {stages[-1]}', flush=True,
              file=sys.stderr)
    tag = 'quick' if args.quick else 'full'
    out = args.out_dir / f'expansion_cost_{tag}.png'
    plot(stages, out)
    print(json.dumps(dict(
        settings=dict(DIGITS, split_range=SPLIT_RANGE,
                      threshold=args.threshold, batch=args.batch,
                      steps=args.steps, threads=torch.get_num_threads()),
        stages=stages,
        final_params_ratio=stages[-1]['params_ratio'],
        final_step_ratio=stages[-1]['step_ratio'],
        peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                          / 1024, 1),
        plot=str(out))))


if __name__ == '__main__':
    main()
