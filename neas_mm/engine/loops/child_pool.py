"""Trains a search's children in worker processes (as TruthBuilder does:
spawned workers of one thread each; only the parent records results)."""
import importlib
import multiprocessing
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import torch

#: (arch dict, seed, budget, splits) of one child training.
Job = Tuple[Dict[str, Any], int, str, Tuple[str, ...]]

_WORKER: Dict[str, Any] = {}

#: Child trainer types known by a short name.
CHILD_TRAINERS = {
    'cluttered': 'neas_mm.evaluation.child_trainer.ChildTrainer',
}


def build_child_trainer(cfg: Dict[str, Any], space: Any,
                        data_root: Optional[str]) -> Callable:
    """The child trainer of ``cfg``: ``type`` a short name of
    :data:`CHILD_TRAINERS` or the dotted path of a class (or function)
    called with ``space``, ``data_root`` and the other keys; the result is
    called as ``trainer(arch_dict, seed, budget, splits)``."""
    cfg = dict(cfg)
    kind = cfg.pop('type', 'cluttered')
    path = CHILD_TRAINERS.get(kind, kind)
    module, _, name = str(path).rpartition('.')
    try:
        factory = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError, ValueError) as err:
        raise ValueError(f'child trainer type {kind!r} is neither one of '
                         f'{sorted(CHILD_TRAINERS)} nor an importable '
                         f'dotted path: {err}') from err
    return factory(space=space, data_root=data_root, **cfg)


def _init_worker(cfg: Dict[str, Any], space: Any,
                 data_root: Optional[str]) -> None:
    torch.set_num_threads(1)
    _WORKER['trainer'] = build_child_trainer(cfg, space, data_root)


def _train(job: Job) -> Dict[str, Any]:
    return _WORKER['trainer'](*job)


class ChildPool:
    """Runs child trainings: in ``workers`` spawned processes of one
    thread each (started at the first :meth:`run`, kept until
    :meth:`close`), or in this process with ``workers=0``.

    Args:
        cfg: The child trainer config (:func:`build_child_trainer`).
        space: The decision space config.
        data_root: The task folder.
        workers: Worker processes (0: this process).
    """

    def __init__(self, cfg: Dict[str, Any], space: Any,
                 data_root: Optional[str], workers: int) -> None:
        if not isinstance(workers, int) or workers < 0:
            raise ValueError(f'workers must be an int >= 0, got {workers!r}')
        self.args = (dict(cfg), space, data_root)
        self.workers = workers
        self._pool = None
        self._trainer: Optional[Callable] = None

    def run(self, jobs: Sequence[Job]) -> List[Dict[str, Any]]:
        """Each job's result, in the jobs' order."""
        if not jobs:
            return []
        if self.workers == 0:
            if self._trainer is None:
                self._trainer = build_child_trainer(*self.args)
            return [self._trainer(*job) for job in jobs]
        if self._pool is None:
            ctx = multiprocessing.get_context('spawn')
            self._pool = ctx.Pool(self.workers, initializer=_init_worker,
                                  initargs=self.args)
        return list(self._pool.imap(_train, jobs))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None
