"""The standalone ground truth and BN-calibration images the ranking-style
benchmarks share."""
import argparse
import statistics
from pathlib import Path
from typing import Any, Dict, List, NamedTuple

import torch

from neas_mm.evaluation.ground_truth_setup import GroundTruthSetup, set_up


class Truth(NamedTuple):
    """What :func:`standalone_truth` returns."""
    setup: GroundTruthSetup
    standalone: List[List[Dict[str, Any]]]  # per arch, per seed
    truth: List[float]  # per arch, mean val accuracy over seeds
    calib: torch.Tensor  # train images for BN recalibration


def standalone_truth(args: argparse.Namespace, config: Path) -> Truth:
    """Set up the task of ``args.data_root``, train (or read from the
    shared cache) ``args.archs`` ensembles x ``args.seeds`` seeds for
    ``args.steps`` steps, and draw ``args.calib`` calibration images."""
    args.out_dir.mkdir(parents=True, exist_ok=True)
    setup = set_up(args.data_root, str(config), args.archs, args.steps,
                   args.out_dir / 'standalone_cache.jsonl')
    standalone = setup.standalone(args.seeds)
    truth = [statistics.mean(r['acc']['val'] for r in results)
             for results in standalone]
    train_images = setup.splits['train'][0]
    order = torch.randperm(len(train_images),
                           generator=torch.Generator().manual_seed(0))
    return Truth(setup, standalone, truth, train_images[order[:args.calib]])
