"""Search throughput on the digits settings, and where the time goes.

Runs configs/neas/neas_search_k2_digits.py on a supernet checkpoint and
prints one JSON object: candidates scored per second, and the share of the
search's time spent outside candidate evaluation (sampling, FLOPs lookup,
bookkeeping, state saving). Goal: that share under 5 %.

Run: ``.venv/bin/python benchmarks/search_throughput.py CHECKPOINT
[--quick]`` (CHECKPOINT e.g. work_dirs/demo/supernet/epoch_30.pth after
``make demo``; quick: one generation of 8 candidates).
"""
import argparse
import json
import tempfile
import time
from pathlib import Path

from mmengine.config import Config
from mmengine.runner import Runner

from neas_mm.compat import trusted_checkpoints

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / 'configs' / 'neas' / 'neas_search_k2_digits.py'


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('checkpoint', help='digits supernet checkpoint')
    parser.add_argument('--generations', type=int, default=4)
    parser.add_argument('--quick', action='store_true',
                        help='one generation of 8 candidates')
    args = parser.parse_args()
    cfg = Config.fromfile(str(CONFIG))
    cfg.work_dir = tempfile.mkdtemp()
    cfg.load_from = str(Path(args.checkpoint).resolve())
    cfg.train_cfg.max_generations = args.generations
    if args.quick:
        cfg.train_cfg.update(max_generations=1, population_size=8, top_k=2,
                             num_mutation=4, num_crossover=4)
    runner = Runner.from_cfg(cfg)
    loop = runner.train_loop
    score, spent = loop.score, []

    def timed(arch):
        start = time.perf_counter()
        value = score(arch)
        spent.append(time.perf_counter() - start)
        return value

    loop.score = timed
    start = time.perf_counter()
    with trusted_checkpoints():
        runner.train()
    total = time.perf_counter() - start
    # The one-off FLOPs table is measured again here to report its cost.
    table_start = time.perf_counter()
    loop._prepare()
    table = time.perf_counter() - table_start
    evaluation = sum(spent)
    print(json.dumps(dict(
        candidates=len(spent),
        total_s=round(total, 2),
        evaluation_s=round(evaluation, 2),
        flops_table_s=round(table, 2),
        candidates_per_s=round(len(spent) / total, 3),
        # Includes start-up: checkpoint loading, weight init, FLOPs table.
        outside_evaluation_share=round((total - evaluation) / total, 4))))


if __name__ == '__main__':
    main()
