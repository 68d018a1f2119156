"""The standalone ground truth and BN-calibration images the ranking-style
benchmarks share: read from the repository's truth table (default) or
trained on demand with a short recipe (``--truth train``)."""
import argparse
import statistics
from pathlib import Path
from typing import Any, Dict, List, NamedTuple, Sequence

import torch

from neas_mm.evaluation.ground_truth_setup import (GroundTruthSetup, log,
                                                   set_up)
from neas_mm.evaluation.truth_builder import open_builder
from neas_mm.evaluation.truth_table import TABLE_DIR, TABLE_RECIPE
from neas_mm.search import (ceiling_tau, mean_reliability,
                            single_seed_reliability)
from neas_mm.space import EnsembleArch

TABLE = TABLE_DIR / 'cluttered_k2.jsonl'


class Truth(NamedTuple):
    """What :func:`standalone_truth` returns."""
    setup: GroundTruthSetup
    standalone: List[List[Dict[str, Any]]]  # per arch, per seed
    truth: List[float]  # per arch, mean val accuracy over seeds
    calib: torch.Tensor  # train images for BN recalibration
    info: Dict[str, Any]  # truth_version, truth_reliability, ceiling_tau


def add_truth_options(parser: argparse.ArgumentParser) -> None:
    """``--truth``, ``--table``, ``--archs`` (default: every table
    architecture, 16 with ``--truth train``), ``--seeds`` and ``--steps``
    (``--truth train`` only)."""
    parser.add_argument('--truth', choices=('table', 'train'),
                        default='table',
                        help='read the standalone truth from --table, or '
                        'train it on demand for --steps (cached in '
                        '--out-dir)')
    parser.add_argument('--table', type=Path, default=TABLE,
                        help='the truth table (benchmarks/truth_table.py)')
    parser.add_argument('--archs', type=int, default=None,
                        help='ensembles ranked (default: every table '
                        'architecture holding --seeds seeds; 16 with '
                        '--truth train)')
    parser.add_argument('--seeds', type=int, default=3,
                        help='standalone seeds per ensemble')
    parser.add_argument('--steps', type=int, default=600,
                        help='standalone steps per ensemble (--truth train)')


def reliability_info(version: str, seeds: List[List[float]]
                     ) -> Dict[str, Any]:
    """How far a truth of per-architecture, per-seed accuracies can be
    trusted: ``truth_version``, ``truth_seeds``, ``truth_archs``,
    ``single_seed_reliability``, ``truth_reliability`` (of the seed mean,
    Spearman-Brown) and ``ceiling_tau`` (a perfect proxy's expected tau
    against the seed mean); None where fewer than 2 seeds or 3
    architectures leave them undefined."""
    num_seeds = len(seeds[0]) if seeds else 0
    info: Dict[str, Any] = dict(truth_version=version, truth_seeds=num_seeds,
                                truth_archs=len(seeds),
                                single_seed_reliability=None,
                                truth_reliability=None, ceiling_tau=None)
    if num_seeds > 1 and len(seeds) >= 3:
        single = single_seed_reliability(seeds)
        info.update(single_seed_reliability=single,
                    truth_reliability=mean_reliability(single, num_seeds),
                    ceiling_tau=ceiling_tau(seeds))
    return info


def table_truth_info(args: argparse.Namespace, setup: GroundTruthSetup,
                     seeds: int) -> Dict[str, Any]:
    """:func:`reliability_info` of the table's stratified architectures
    holding ``seeds`` seeds (``setup.table_archs``: the rows other
    benchmarks appended are left out; ``--truth table``), or just the
    version ``train-<steps>``."""
    if args.truth != 'table':
        return reliability_info(f'train-{args.steps}', [])
    table = setup.truth.table
    matrix = table.matrix(seeds)
    return reliability_info(table.version,
                            [matrix[a] for a in setup.table_archs])


def fill_table(setup: GroundTruthSetup, archs: Sequence[EnsembleArch],
               seeds: int, table: Path, data_root: Path, config: Path,
               workers: int) -> int:
    """Train the (architecture, seed) rows of ``archs`` x ``seeds`` seeds
    that the truth table at ``table`` lacks, in ``workers`` processes of
    one thread each, append them to the table, and point ``setup``'s
    truth at the grown table. Returns the rows added.

    Args:
        setup: The task set up on the table (its task and widths).
        archs: The ensembles needed.
        seeds: Standalone seeds each (seeds 0 .. ``seeds`` - 1).
        table: The truth table's file.
        data_root: The task's data.
        config: The model config the table's trainer builds from.
        workers: Training processes, one thread each.
    """
    builder = open_builder(table, data_root, str(config), TABLE_RECIPE,
                           setup.task, setup.widths, workers=workers,
                           progress=log)
    added = builder.fill(list(archs), range(seeds))
    log(f'{added} rows trained and added to the truth table')
    setup.truth.table = builder.table
    return added


def calibration_images(setup: GroundTruthSetup, size: int) -> torch.Tensor:
    """The first ``size`` train images of one fixed shuffle (seed 0): a
    larger ``size`` extends a smaller one's set."""
    train_images = setup.splits['train'][0]
    order = torch.randperm(len(train_images),
                           generator=torch.Generator().manual_seed(0))
    return train_images[order[:size]]


def standalone_truth(args: argparse.Namespace, config: Path) -> Truth:
    """Set up the task of ``args.data_root``, read (``--truth table``) or
    train (``--truth train``, cached) ``args.archs`` ensembles x
    ``args.seeds`` seeds, and draw ``args.calib`` calibration images."""
    args.out_dir.mkdir(parents=True, exist_ok=True)
    table = args.table if args.truth == 'table' else None
    if args.archs is None:
        args.archs = 0 if table else 16
    setup = set_up(args.data_root, str(config), args.archs, args.steps,
                   args.out_dir / 'standalone_cache.jsonl',
                   table_file=table, table_seeds=args.seeds)
    standalone = setup.standalone(args.seeds)
    seeds = [[r['acc']['val'] for r in results] for results in standalone]
    truth = [statistics.mean(s) for s in seeds]
    version = setup.truth.table.version if table else f'train-{args.steps}'
    return Truth(setup, standalone, truth,
                 calibration_images(setup, args.calib),
                 reliability_info(version, seeds))
