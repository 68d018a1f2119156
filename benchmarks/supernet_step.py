"""Training-step cost of the K-path supernet against static networks.

Prints one JSON object:

* ``supernet_over_static``: over many sampled ensembles, the time of a
  training step (forward + backward) inside the supernet divided by the
  time of the same ensemble built as a static network (goal <= 1.05);
* ``images_per_s`` and ``peak_rss_mb`` of supernet training steps at the
  digits demo's settings;
* ``step_ms_by_k`` (K = 1, 2, 3) and ``step_ms_by_split``.

Run: ``.venv/bin/python benchmarks/supernet_step.py [--quick]
[--operators independent]``.
"""
import argparse
import json
import random
import resource
import statistics
import time

import torch
import torch.nn.functional as F

from neas_mm.models import NEASEnsembleBackbone, NEASSupernet

# The digits demo's supernet (configs/neas/neas_supernet_k2_digits.py).
DEMO = dict(stage_depths=(2, 2, 2, 2, 2), widen_factor=0.5,
            tail_channels=240, feature_channels=320)
SPLIT_RANGE = (4, 10)


def step_time(forward, params, x, y, repeats):
    """Median seconds of forward + summed CE + backward."""
    times = []
    for i in range(repeats + 1):
        for p in params:
            p.grad = None
        start = time.perf_counter()
        loss = sum(F.cross_entropy(f[:, :10], y) for f in forward(x))
        loss.backward()
        if i:  # the first run warms up
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--quick', action='store_true',
                        help='4 ensembles, 2 repeats')
    parser.add_argument('--operators', default='entangled',
                        choices=['entangled', 'independent'],
                        help="the supernet's operator weights")
    parser.add_argument('--archs', type=int, default=20)
    parser.add_argument('--repeats', type=int, default=5)
    parser.add_argument('--batch', type=int, default=64)
    parser.add_argument('--size', type=int, default=32)
    parser.add_argument('--threads', type=int, default=0,
                        help='torch threads (0: leave the default)')
    args = parser.parse_args()
    if args.quick:
        args.archs, args.repeats = 4, 2
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    x = torch.randn(args.batch, 3, args.size, args.size)
    y = torch.randint(0, 10, (args.batch, ))
    rng = random.Random(0)

    supernet = NEASSupernet(num_paths=2, operators=args.operators,
                            **DEMO).train()
    space = supernet.default_space(SPLIT_RANGE)
    static_kwargs = {k: DEMO[k] for k in ('widen_factor', 'tail_channels',
                                          'feature_channels')}
    super_total = static_total = 0.0
    for _ in range(args.archs):
        arch = space.sample(rng)
        static = NEASEnsembleBackbone(arch, **static_kwargs).train()
        static.load_supernet_weights(supernet.state_dict())
        super_total += step_time(lambda v: supernet(v, arch),
                                 list(supernet.parameters()), x, y,
                                 args.repeats)
        static_total += step_time(static, list(static.parameters()), x, y,
                                  args.repeats)

    # Throughput of plain supernet training (a new arch every step).
    steps, start = 20, time.perf_counter()
    for _ in range(steps):
        arch = space.sample(rng)
        supernet.zero_grad(set_to_none=True)
        sum(F.cross_entropy(f[:, :10], y)
            for f in supernet(x, arch)).backward()
    images_per_s = steps * args.batch / (time.perf_counter() - start)

    by_k = {}
    for k in (1, 2, 3):
        net = NEASSupernet(num_paths=k, operators=args.operators,
                           **DEMO).train()
        k_space = net.default_space(SPLIT_RANGE)
        archs = [k_space.sample(rng, split=7) for _ in range(5)]
        by_k[k] = round(1e3 * statistics.mean(
            step_time(lambda v, a=a: net(v, a), list(net.parameters()), x,
                      y, args.repeats) for a in archs), 2)
    by_split = {}
    for split in range(SPLIT_RANGE[0], SPLIT_RANGE[1] + 1, 2):
        archs = [space.sample(rng, split=split) for _ in range(5)]
        by_split[split] = round(1e3 * statistics.mean(
            step_time(lambda v, a=a: supernet(v, a),
                      list(supernet.parameters()), x, y, args.repeats)
            for a in archs), 2)

    print(json.dumps(dict(
        settings=dict(DEMO, operators=args.operators,
                      split_range=SPLIT_RANGE, batch=args.batch,
                      input_size=args.size, archs=args.archs,
                      threads=torch.get_num_threads()),
        supernet_step_ms=round(1e3 * super_total / args.archs, 2),
        static_step_ms=round(1e3 * static_total / args.archs, 2),
        supernet_over_static=round(super_total / static_total, 3),
        images_per_s=round(images_per_s, 1),
        peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                          / 1024, 1),
        step_ms_by_k=by_k,
        step_ms_by_split=by_split)))


if __name__ == '__main__':
    main()
