"""Fills a :class:`TruthTable` with parallel worker processes."""
import functools
import multiprocessing
import signal
import threading
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import torch

from neas_mm.space import EnsembleArch
from .fused_seeds_trainer import FusedSeedsTrainer
from .ground_truth_setup import build_trainer
from .standalone_trainer import StandaloneRecipe, StandaloneTrainer
from .truth_table import TruthTable, table_context

_WORKER: Dict[str, Any] = {}


def _init_worker(make_trainer: Callable[[], StandaloneTrainer],
                 fuse_seeds: bool) -> None:
    torch.set_num_threads(1)
    trainer = make_trainer()
    _WORKER['trainer'] = trainer
    _WORKER['fused'] = FusedSeedsTrainer(trainer) if fuse_seeds else None


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt(f'signal {signum}')


def _train(job: Tuple[Dict[str, Any], List[int]]
           ) -> Tuple[Dict[str, Any], List[int], List[Dict[str, Any]]]:
    arch_dict, seeds = job
    arch = EnsembleArch.from_dict(arch_dict)
    if _WORKER['fused'] is not None:
        return arch_dict, seeds, _WORKER['fused'].run(arch, seeds)
    return arch_dict, seeds, [_WORKER['trainer'].run(arch, s) for s in seeds]


class TruthBuilder:
    """Trains the (architecture, seed) pairs a table lacks and appends each
    architecture's rows as soon as its fused training ends.

    Each job is one (architecture, seed), or with ``fuse_seeds`` one
    architecture with all its missing seeds trained as one network
    (:class:`FusedSeedsTrainer`), run in one of ``workers`` processes of one
    thread each. Only this process writes the table, so an interrupted
    build loses at most the jobs in flight and a rerun trains only what is
    still missing.

    Args:
        table: The table to fill (its context must be the trainer's).
        make_trainer: Builds the :class:`StandaloneTrainer` in each worker
            (picklable: a module-level function or a ``functools.partial``
            of one).
        workers: Worker processes (0: train in this process).
        fuse_seeds: Train an architecture's seeds fused (measured slower
            than separate channels-last runs on CPU, see
            ``benchmarks/trainer_throughput.py``).
        progress: Called with a line of text after each job.
    """

    def __init__(self, table: TruthTable,
                 make_trainer: Callable[[], StandaloneTrainer],
                 workers: int = 2, fuse_seeds: bool = False,
                 progress: Optional[Callable[[str], None]] = None) -> None:
        if workers < 0:
            raise ValueError(f'workers must be >= 0, got {workers}')
        self.table = table
        self.make_trainer = make_trainer
        self.workers = workers
        self.fuse_seeds = fuse_seeds
        self.progress = progress or (lambda line: None)

    def missing(self, archs: Sequence[EnsembleArch],
                seeds: Sequence[int]) -> List[Tuple[EnsembleArch, List[int]]]:
        """The jobs: (architecture, the seeds of it the table lacks), one
        seed a job unless seeds are fused; each architecture once."""
        jobs, seen = [], set()
        for arch in archs:
            key = tuple(arch.to_arch_list())
            lacking = [s for s in seeds if self.table.get(arch, s) is None]
            if key in seen or not lacking:
                continue
            seen.add(key)
            if self.fuse_seeds:
                jobs.append((arch, lacking))
            else:
                jobs.extend((arch, [s]) for s in lacking)
        return jobs

    def fill(self, archs: Sequence[EnsembleArch],
             seeds: Sequence[int]) -> int:
        """Train and append every missing row; returns the rows added."""
        jobs = self.missing(archs, seeds)
        if not jobs:
            return 0
        payload = [(arch.to_dict(), lacking) for arch, lacking in jobs]
        start, added = time.perf_counter(), 0
        if self.workers == 0:
            _init_worker(self.make_trainer, self.fuse_seeds)
            outputs = map(_train, payload)
            pool = None
        else:
            ctx = multiprocessing.get_context('spawn')
            pool = ctx.Pool(min(self.workers, len(jobs)),
                            initializer=_init_worker,
                            initargs=(self.make_trainer, self.fuse_seeds))
            outputs = pool.imap_unordered(_train, payload)
        # A plain `kill` of this process would leave the workers running
        # as orphans: turn SIGTERM into the interrupt that ends them below.
        previous = signal.signal(signal.SIGTERM, _interrupt) \
            if threading.current_thread() is threading.main_thread() else None
        try:
            for done, (arch_dict, lacking, results) in enumerate(outputs, 1):
                arch = EnsembleArch.from_dict(arch_dict)
                for seed, result in zip(lacking, results):
                    self.table.add(arch, seed, result)
                    added += 1
                elapsed = time.perf_counter() - start
                vals = ' '.join(f'{r["acc"]["val"]:.3f}' for r in results)
                self.progress(
                    f'[{done}/{len(jobs)}] {arch.to_arch_list()} seeds '
                    f'{lacking}: val {vals} ({results[0]["train_seconds"]:.0f}'
                    f' s a seed); {elapsed / 60:.1f} min, about '
                    f'{elapsed / done * (len(jobs) - done) / 60:.0f} min '
                    'left')
        finally:
            if pool is not None:
                pool.terminate()
                pool.join()
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)
        return added


def open_builder(table_file: Path, data_root: Path, model_config: str,
                 recipe: StandaloneRecipe, task: Dict[str, Any],
                 widths: Dict[str, Any], workers: int,
                 fuse_seeds: bool = False,
                 progress: Optional[Callable[[str], None]] = None
                 ) -> TruthBuilder:
    """The table at ``table_file`` for ``recipe`` on the task under
    ``data_root`` (as ``task`` describes it: a ``train_images`` entry cuts
    the train split; channels-last trainers; its version checked) and a
    builder that fills it with ``workers`` processes."""
    table = TruthTable(table_file, table_context(
        task, recipe, widths, channels_last=True, fuse_seeds=fuse_seeds))
    make = functools.partial(build_trainer, data_root, model_config, recipe,
                             channels_last=True,
                             train_images=task.get('train_images'))
    return TruthBuilder(table, make, workers=workers, fuse_seeds=fuse_seeds,
                        progress=progress)
