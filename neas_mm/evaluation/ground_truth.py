"""Standalone accuracies of architectures, each computed once."""
import dataclasses
from typing import Any, Callable, Dict, Mapping, Optional

from neas_mm.space import EnsembleArch
from .result_cache import ResultCache, cache_key
from .standalone_trainer import StandaloneTrainer


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
