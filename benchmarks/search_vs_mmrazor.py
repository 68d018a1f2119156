"""Per-candidate cost of neas_mm's EvolutionSearchLoop against mmrazor's own
EvolutionSearchLoop, on the same K=1 space, in one run.

Both loops search the digits supernet at K = 1 (10 layers, every layer
shared, independent operators: mmrazor's ``OneShotMutableOP``) from the same
initial weights, with the same population, generations, calibration images
and scoring images (the digits ``search`` split). mmrazor's loop sees the
supernet through ``bench_common/razor_adapter.py`` (``architecture`` +
``NasMutator``), which is what its algorithms give it. Both FLOPs windows
are open, so no candidate is refused and the counts match: mmrazor still
prices every candidate (a sliced copy of the model and a counting forward),
neas_mm looks it up in its FLOPs table. Prints one JSON object:

* ``neas_mm_per_candidate_s``, ``mmrazor_per_candidate_s``: wall time of the
  whole search (start-up included) over candidates scored;
  ``ratio`` = mmrazor / neas_mm;
* ``neas_mm_candidates``, ``mmrazor_candidates``;
* ``mmrazor_pricing_share``: share of mmrazor's time spent pricing
  candidates (``_check_constraints``);
* ``neas_mm_start_s``, ``mmrazor_start_s``: seconds before the first
  candidate is scored (Runner, loop and FLOPs table set-up; mmrazor's
  pricing of generation 0 not included);
* ``flat_encoding_acceptance``: per K=2 space (``digits``: 10 layers, split
  4-10; ``in1k``: 20 layers, split 9-20) the chance that a uniform draw of
  a flat choice encoding (split point + one operator per path and layer,
  what mmrazor's mutator and crossover produce) is an ensemble of the
  space (mean over split points), for the full space and with every
  splittable layer shrunk to the share the digits demo keeps (96 of 216),
  and shrunk at the smallest split point (the most layers split);
* ``settings``.

Run: ``.venv/bin/python benchmarks/search_vs_mmrazor.py [--quick]``.
"""
import json
import logging
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Dict, List

import torch
from mmengine.config import Config
from mmengine.logging import MMLogger
from mmengine.runner import Runner

from neas_mm.datasets import prepare_digits_classification
from neas_mm.registry import MODELS
from neas_mm.space import DEFAULT_STAGE_DEPTHS, SearchSpace
import mmrazor.engine  # noqa: F401,E402 (after neas_mm's import repair)
from bench_common.args import benchmark_parser
from bench_common.razor_adapter import RazorSearchAdapter
from bench_common.supernet_runs import REPO

CONFIG = REPO / 'configs' / 'neas' / 'neas_search_k2_digits.py'
# The digits demo's space after shrinking (README, phase 1).
DEMO_KEPT = 96 / 216
DIGITS_DEPTHS = (2, 2, 2, 2, 2)


def k1_config(data_root: Path, args) -> Config:
    """The digits search config at K = 1 with independent operators."""
    cfg = Config.fromfile(str(CONFIG))
    cfg.merge_from_dict({
        'model.backbone.num_paths': 1, 'model.head.num_paths': 1,
        'model.backbone.operators': 'independent',
        'model.split_range': (10, 10),
        'train_dataloader.dataset.data_root': str(data_root),
        'train_dataloader.batch_size': args.calib_batch,
        'val_dataloader.dataset.data_root': str(data_root),
        'train_cfg.search_dataloader.dataset.data_root': str(data_root),
        'log_level': 'WARNING'})
    cfg.train_cfg.update(
        population_size=args.population, top_k=args.population // 4,
        max_generations=args.generations,
        num_mutation=args.population // 2,
        num_crossover=args.population // 2, flops_range=(None, None),
        calib_size=args.calib, calib_batch_size=args.calib_batch)
    return cfg


def run_neas_mm(cfg: Config, work_dir: str) -> Dict[str, float]:
    cfg.work_dir = work_dir
    torch.manual_seed(0)
    runner = Runner.from_cfg(cfg)
    loop = runner.train_loop
    counted = dict(candidates=0, first=None)
    score = loop.score

    def counting_score(arch):
        counted['candidates'] += 1
        counted['first'] = counted['first'] or time.perf_counter()
        return score(arch)

    loop.score = counting_score
    start = time.perf_counter()
    runner.train()
    counted['total_s'] = time.perf_counter() - start
    counted['start_s'] = counted.pop('first') - start
    return counted


def run_mmrazor(cfg: Config, work_dir: str) -> Dict[str, float]:
    torch.manual_seed(0)
    loop_cfg = cfg.train_cfg
    model = RazorSearchAdapter(MODELS.build(cfg.model))
    runner = Runner(
        model=model, work_dir=work_dir,
        train_dataloader=cfg.train_dataloader,
        optim_wrapper=cfg.optim_wrapper,
        train_cfg=dict(
            type='mmrazor.EvolutionSearchLoop',
            dataloader=loop_cfg.search_dataloader,
            evaluator=cfg.val_evaluator,
            max_epochs=loop_cfg.max_generations,
            num_candidates=loop_cfg.population_size,
            top_k=loop_cfg.top_k, num_mutation=loop_cfg.num_mutation,
            num_crossover=loop_cfg.num_crossover,
            mutate_prob=loop_cfg.prob_layer,
            calibrate_sample_num=loop_cfg.calib_size,
            constraints_range=dict(flops=(0., 1e9)),
            estimator_cfg=dict(type='mmrazor.ResourceEstimator',
                               input_shape=(1, 3, 32, 32)),
            score_key=loop_cfg.score_key),
        default_scope=cfg.default_scope, env_cfg=cfg.env_cfg,
        default_hooks=cfg.default_hooks, log_level='WARNING',
        randomness=dict(seed=0))
    loop = runner.train_loop
    counted = dict(candidates=0, pricing_s=0.0, first=None)
    validate, check = loop._val_candidate, loop._check_constraints

    def counting_validate(*a, **k):
        counted['candidates'] += 1
        if counted['first'] is None:
            # Generation 0 is priced before it is scored.
            counted['first'] = time.perf_counter() - counted['pricing_s']
        return validate(*a, **k)

    def timed_check(*a, **k):
        tick = time.perf_counter()
        try:
            return check(*a, **k)
        finally:
            counted['pricing_s'] += time.perf_counter() - tick

    loop._val_candidate, loop._check_constraints = counting_validate, \
        timed_check
    start = time.perf_counter()
    runner.train()
    counted['total_s'] = time.perf_counter() - start
    counted['start_s'] = counted.pop('first') - start
    return counted


def flat_acceptance(space: SearchSpace) -> List[float]:
    """Per split point of the range, the chance that a uniform flat choice
    (one operator per path and layer from that layer's operators) is in
    ``space``."""
    low, high = space.split_range
    chances = []
    for split in range(low, high + 1):
        chance = 1.0
        for m in range(split, space.num_layers):
            ops = len(space.shared_ops(m))
            chance *= len(space.combos[m]) / ops ** space.num_paths
        chances.append(chance)
    return chances


def shrunk(space: SearchSpace, kept: float, seed: int = 0) -> SearchSpace:
    """``space`` with each splittable layer cut to ``kept`` of its
    combinations, at random."""
    rng = random.Random(seed)
    space = SearchSpace.from_dict(space.to_dict())
    for m in space.splittable_layers:
        combos = list(space.combos[m])
        for combo in rng.sample(combos, len(combos) - round(kept *
                                                            len(combos))):
            space.remove(m, combo)
    return space


def acceptance_summary(space: SearchSpace) -> Dict[str, float]:
    full, small = flat_acceptance(space), flat_acceptance(
        shrunk(space, DEMO_KEPT))
    return dict(full=statistics.mean(full), shrunk=statistics.mean(small),
                shrunk_smallest_split=small[0])


def main() -> None:
    parser = benchmark_parser(
        __doc__, '1 generation of 8 candidates, 128 calibration images',
        REPO / 'work_dirs' / 'benchmarks' / 'digits_cls')
    parser.add_argument('--population', type=int, default=16)
    parser.add_argument('--generations', type=int, default=3)
    parser.add_argument('--calib', type=int, default=256)
    parser.add_argument('--calib-batch', type=int, default=128)
    args = parser.parse_args()
    if args.quick:
        args.population, args.generations, args.calib = 8, 1, 128
    torch.set_num_threads(args.threads)
    if not (args.data_root / 'meta' / 'search.txt').is_file():
        prepare_digits_classification(str(args.data_root))
    logging.getLogger('mmengine').setLevel(logging.WARNING)
    MMLogger.get_current_instance().setLevel(logging.WARNING)
    cfg = k1_config(args.data_root, args)
    with tempfile.TemporaryDirectory() as ours_dir, \
            tempfile.TemporaryDirectory() as theirs:
        ours = run_neas_mm(cfg.copy(), ours_dir)
        razor = run_mmrazor(cfg.copy(), theirs)
    spaces = dict(digits=SearchSpace(2, DIGITS_DEPTHS, (4, 10)),
                  in1k=SearchSpace(2, DEFAULT_STAGE_DEPTHS, (9, 20)))
    ours_per = ours['total_s'] / ours['candidates']
    razor_per = razor['total_s'] / razor['candidates']
    print(json.dumps(dict(
        neas_mm_per_candidate_s=round(ours_per, 4),
        mmrazor_per_candidate_s=round(razor_per, 4),
        ratio=round(razor_per / ours_per, 3),
        neas_mm_candidates=ours['candidates'],
        mmrazor_candidates=razor['candidates'],
        neas_mm_start_s=round(ours['start_s'], 2),
        mmrazor_start_s=round(razor['start_s'], 2),
        mmrazor_pricing_share=round(razor['pricing_s'] / razor['total_s'],
                                    4),
        flat_encoding_acceptance={
            name: acceptance_summary(space) for name, space in spaces.items()},
        settings=dict(population=args.population,
                      generations=args.generations, calib=args.calib,
                      calib_batch=args.calib_batch,
                      threads=args.threads))))


if __name__ == '__main__':
    main()
