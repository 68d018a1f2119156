"""Standalone accuracies of architectures, each computed once."""
import dataclasses
from typing import Any, Callable, Dict, List, Mapping, Optional

from neas_mm.space import EnsembleArch
from .result_cache import ResultCache, cache_key
from .standalone_trainer import StandaloneTrainer
from .truth_table import TruthTable


class GroundTruth:
    """Trains (arch, seed) standalone on demand and caches the result.

    The cache key holds the architecture, the seed, the recipe, the model
    widths and ``task`` (e.g. the data folder's preparation parameters), so
    a result is reused only for exactly the same experiment.

    Args:
        trainer: Trains and scores one architecture.
        cache: Where results persist between runs.
        task: What identifies the data (JSON-serialisable).
        progress: Called with a line of text after each new training.
    """

    def __init__(self, trainer: StandaloneTrainer, cache: ResultCache,
                 task: Mapping[str, Any],
                 progress: Optional[Callable[[str], None]] = None) -> None:
        self.trainer = trainer
        self.cache = cache
        self.context = dict(task=dict(task),
                            recipe=dataclasses.asdict(trainer.recipe),
                            backbone=trainer.backbone_cfg,
                            head=trainer.head_cfg)
        self.progress = progress
        self.trained = 0

    def key(self, arch: EnsembleArch, seed: int) -> str:
        return cache_key(arch=arch.to_dict(), seed=seed, **self.context)

    def get(self, arch: EnsembleArch, seed: int) -> Dict[str, Any]:
        """The standalone result of ``arch`` with ``seed`` (cached)."""
        key = self.key(arch, seed)
        result = self.cache.get(key)
        if result is None:
            result = self.trainer.run(arch, seed)
            self.cache.put(key, result)
            self.trained += 1
            if self.progress is not None:
                accs = ' '.join(f'{k} {v:.3f}'
                                for k, v in result['acc'].items())
                self.progress(f'trained {arch.to_arch_list()} seed {seed}: '
                              f'{accs} ({result["train_seconds"]:.0f} s)')
        return result


class TableGroundTruth:
    """The :class:`GroundTruth` interface over a :class:`TruthTable`: a
    row read from the table, or trained with the table's recipe (and
    appended) when the table lacks it.

    Args:
        table: The table (its context's recipe is what ``trainer`` runs).
        trainer: Trains a missing (architecture, seed).
        progress: Called with a line of text after each new training.
    """

    def __init__(self, table: TruthTable, trainer: StandaloneTrainer,
                 progress: Optional[Callable[[str], None]] = None) -> None:
        if table.context['recipe'] != dataclasses.asdict(trainer.recipe):
            raise ValueError(f'the trainer runs {trainer.recipe}, the table '
                             f'{table.file} holds '
                             f'{table.context["recipe"]}')
        self.table = table
        self.trainer = trainer
        self.progress = progress
        self.trained = 0

    def _train(self, arch: EnsembleArch, seeds: List[int]) -> List[Dict]:
        results = [self.trainer.run(arch, s) for s in seeds]
        self.trained += len(seeds)
        if self.progress is not None:
            self.progress(f'trained {arch.to_arch_list()} seeds {seeds} '
                          f'with the table recipe: val '
                          f'{[round(r["acc"]["val"], 3) for r in results]}')
        return results

    def get(self, arch: EnsembleArch, seed: int) -> Dict[str, Any]:
        """The result of ``arch`` with ``seed`` in the shape of
        :meth:`StandaloneTrainer.run` (``acc`` holds ``val`` and
        ``search``)."""
        row = self.table.lookup(arch, [seed], train=self._train)[0]
        return dict(acc=dict(val=row['val'], search=row['search']),
                    final_loss=row['final_loss'],
                    train_seconds=row['seconds'])
