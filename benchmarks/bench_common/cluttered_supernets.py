"""The shrinking supernets of the cluttered-digits task, trained once and
shared by the benchmarks that measure them (shrink_quality.py trains one per
metric and seed; search_vs_random.py searches the diversity one)."""
from pathlib import Path
from typing import Dict, List, Tuple

from .args import REPO
from .supernet_runs import train_supernet

CONFIG = REPO / 'configs' / 'neas' / 'neas_supernet_k2_cluttered.py'
METRICS: Dict[str, str] = dict(diversity='neas_mm.DiversityMetric',
                               accuracy='neas_mm.AccuracyMetric',
                               senas='neas_mm.SENASMetric',
                               random='neas_mm.RandomMetric',
                               none='neas_mm.NoneMetric')
#: --quick: 2 epochs on 3,000 train images, one shrink straight to 100.
QUICK = dict(epochs=2, train_images=3000, num_drop=116)
FULL_EPOCHS = 4


def shrinking_job(out_dir: Path, data_root: Path, metric: str, seed: int,
                  quick: bool) -> Tuple[Path, Path, int, List[str]]:
    """``train_supernet``'s arguments for the cluttered supernet with shrink
    ``metric`` and ``seed`` (for ``train_in_parallel``). Work dir:
    ``<out_dir>/shrink_quality/<metric>_s<seed>_{full,quick}``."""
    tag = 'quick' if quick else 'full'
    work_dir = out_dir / 'shrink_quality' / f'{metric}_s{seed}_{tag}'
    options = [f'custom_hooks.0.metric.type={METRICS[metric]}',
               f'randomness.seed={seed}', f'model.sampler.seed={seed}',
               f'custom_hooks.0.seed={seed}',
               *[f'{key}.dataset.data_root={data_root}'
                 for key in ('train_dataloader', 'val_dataloader',
                             'search_dataloader')]]
    if quick:
        options += [
            f'train_dataloader.dataset.indices={QUICK["train_images"]}',
            f'custom_hooks.0.num_drop={QUICK["num_drop"]}']
    return (CONFIG, work_dir, QUICK['epochs'] if quick else FULL_EPOCHS,
            options)


def shrinking_supernet(out_dir: Path, data_root: Path, metric: str,
                       seed: int, quick: bool) -> Path:
    """Train (or resume, or reuse) the configured cluttered supernet with
    shrink ``metric`` and ``seed`` (``shrinking_job``); its final
    checkpoint."""
    return train_supernet(*shrinking_job(out_dir, data_root, metric, seed,
                                         quick))
