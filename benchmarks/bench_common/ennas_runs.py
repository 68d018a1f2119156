"""What the ranking benchmark reports of an EnNAS-trained supernet beyond
its ranking: the training budget that matches the plain supernet's wall
time, the teacher-vs-student gap the head logged, and how diverse the
sampler's ensembles are against uniform draws."""
import math
import statistics
from pathlib import Path
from typing import Any, Dict

import torch

from neas_mm.models.samplers import KPathSampler
from neas_mm.search import ensemble_diversity
from .supernet_runs import logged_records


def equal_time_images(plain_wall: float, ennas_wall: float,
                      ennas_train: float, num_images: int) -> int:
    """Training images per epoch that bring an EnNAS run to the plain
    run's wall time. Its iterations (``ennas_train`` of ``ennas_wall``
    seconds, at ``num_images`` images an epoch) scale with the images; the
    rest (start-up, validation, shrink scoring, diversity measurement)
    does not."""
    fixed = ennas_wall - ennas_train
    share = (plain_wall - fixed) / ennas_train
    if not math.isfinite(share):
        raise ValueError('equal-time budget needs both runs\' wall times, '
                         f'got plain {plain_wall}, EnNAS {ennas_wall}')
    return int(round(num_images * min(1.0, max(0.05, share))))


def teacher_stats(work_dir: Path) -> Dict[str, float]:
    """Mean ``teacher_accuracy`` and ``teacher_gap`` (teacher minus the
    paths' mean, points on a training batch) over the last epoch logged;
    nan if the run never distilled."""
    records = logged_records(work_dir, 'teacher_gap')
    if not records:
        return dict(teacher_accuracy=float('nan'),
                    teacher_gap=float('nan'))
    last = [r for r in records if r['epoch'] == records[-1]['epoch']]
    return {key: statistics.mean(r[key] for r in last)
            for key in ('teacher_accuracy', 'teacher_gap')}


def draw_diversity(model: torch.nn.Module, draws: int = 2000,
                   seed: int = 0) -> Dict[str, float]:
    """Mean Eq. 4 diversity between the paths of ``draws`` ensembles drawn
    by the model's (diversity) sampler and of as many drawn uniformly, from
    the model's final space, measured with the sampler's last tables."""
    tables = model.sampler.diversity
    uniform = KPathSampler(seed=seed)

    def mean_diversity(sampler: Any) -> float:
        archs = [sampler.sample(model.space, i) for i in range(draws)]
        return statistics.mean(
            ensemble_diversity(a.combos, tables, a.split) for a in archs)

    sampled = mean_diversity(model.sampler)
    base = mean_diversity(uniform)
    return dict(sampler=sampled, uniform=base, ratio=sampled / base)
