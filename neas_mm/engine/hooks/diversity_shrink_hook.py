import json
import random
from pathlib import Path
from typing import Any, Dict, List, Optional, Union

import numpy as np
import torch
from mmengine.dist import broadcast_object_list, is_main_process
from mmengine.hooks import Hook

from neas_mm.models.utils import batch_statistics
from neas_mm.registry import HOOKS, TASK_UTILS
from neas_mm.search import SHRINK_METRICS, EnsembleSample
from neas_mm.space import SearchSpace
from ..fixed_subset import fixed_train_subset
from ..runner_model import runner_model
from ..shrink_plot import plot_shrink_scores


@HOOKS.register_module()
class DiversityShrinkHook(Hook):
    """Diversity-guided search-space shrinking (NEAS Algorithm 1).

    Every ``interval`` training epochs, while the model's space holds more
    than ``threshold`` combinations: sample ``num_samples`` ensembles from it,
    measure each path's pooled features and accuracy on a fixed held-out
    subset of the training set, score every surviving combination with the
    metric and drop the ``num_drop`` lowest (never a layer's last, never
    below ``threshold``). The model's sampler draws from the shrunk space
    from the next iteration on.

    Each shrink is logged, appended to ``<work_dir>/shrink_history.json``
    (the current space goes to ``search_space.json``), drawn as
    ``shrink_<n>.png``, and kept in the checkpoint, so ``--resume`` continues
    with the same space.

    Args:
        interval: Training epochs between shrinks (paper: 20).
        threshold: Stop once the space holds this many combinations; at
            least one per layer.
        num_drop: Combinations dropped per shrink (paper: 20).
        num_samples: Ensembles sampled per shrink (Z).
        metric: ``'diversity'`` (NEAS), ``'accuracy'``, ``'senas'``,
            ``'none'``, or a metric config dict.
        holdout_size: Images in the held-out subset of the training set.
        holdout_batch_size: Batch size on the held-out subset.
        seed: Seed of the subset and of the sampled ensembles.
        plot: Save a heat map of the scores after each shrink.
    """
    priority = 'NORMAL'  # before the CheckpointHook saves the epoch

    def __init__(self,
                 interval: int = 20,
                 threshold: int = 100,
                 num_drop: int = 20,
                 num_samples: int = 100,
                 metric: Union[str, dict] = 'diversity',
                 holdout_size: int = 256,
                 holdout_batch_size: int = 128,
                 seed: int = 0,
                 plot: bool = True) -> None:
        for name, value, low in (('interval', interval, 1),
                                 ('threshold', threshold, 1),
                                 ('num_drop', num_drop, 1),
                                 ('num_samples', num_samples, 1),
                                 ('holdout_size', holdout_size, 1),
                                 ('holdout_batch_size', holdout_batch_size,
                                  1)):
            if not isinstance(value, int) or value < low:
                raise ValueError(f'DiversityShrinkHook: {name} must be an '
                                 f'int >= {low}, got {value!r}')
        if isinstance(metric, str):
            if metric not in SHRINK_METRICS:
                raise ValueError(
                    f'DiversityShrinkHook: unknown metric {metric!r}; '
                    f'allowed: {", ".join(SHRINK_METRICS)} or a config dict')
            self.metric = SHRINK_METRICS[metric]()
        else:
            self.metric = TASK_UTILS.build(metric)
        self.interval, self.threshold = interval, threshold
        self.num_drop, self.num_samples = num_drop, num_samples
        self.holdout_size = holdout_size
        self.holdout_batch_size = holdout_batch_size
        self.seed, self.plot = seed, plot
        self.history: List[Dict[str, Any]] = []
        self._holdout: Optional[List[Any]] = None

    # ------------------------------------------------------------- set-up
    def before_run(self, runner) -> None:
        space: SearchSpace = runner_model(runner).space
        layers = len(space.splittable_layers)
        if self.threshold < layers:
            raise ValueError(
                f'DiversityShrinkHook: threshold={self.threshold} is below '
                f'one combination per layer ({layers} layers can split); '
                f'allowed: >= {layers}')

    def _holdout_batches(self, runner) -> List[Any]:
        """The fixed held-out subset of train, preprocessed once."""
        if self._holdout is None:
            self._holdout = fixed_train_subset(runner, runner_model(runner),
                                               self.holdout_size,
                                               self.holdout_batch_size,
                                               self.seed)
        return self._holdout

    # ---------------------------------------------------------- the step
    @torch.no_grad()
    def measure(self, runner, space: SearchSpace,
                shrink_index: int) -> List[EnsembleSample]:
        """Sample ensembles and measure them on the held-out subset."""
        model = runner_model(runner)
        batches = self._holdout_batches(runner)
        samples = []
        with batch_statistics(model):
            for z in range(self.num_samples):
                arch = space.sample(
                    random.Random(f'shrink:{self.seed}:{shrink_index}:{z}'))
                feats = [[] for _ in range(arch.num_paths)]
                correct = [[] for _ in range(arch.num_paths)]
                for inputs, labels in batches:
                    path_feats = model.backbone(inputs, arch)
                    for p, (f, logits) in enumerate(
                            zip(path_feats, model.head(path_feats))):
                        feats[p].append(f.cpu().numpy())
                        correct[p].append(
                            (logits.argmax(1) == labels).cpu().numpy())
                samples.append(EnsembleSample.from_features(
                    arch, [np.concatenate(f) for f in feats],
                    [np.concatenate(c) for c in correct]))
        return samples

    def select_drops(self, space: SearchSpace,
                     scores: Dict[Any, float]) -> List[Dict[str, Any]]:
        """The lowest-scored combinations to drop, keeping one per layer and
        not going below the threshold."""
        budget = min(self.num_drop, space.size - self.threshold)
        left = [len(c) for c in space.combos]
        drops = []
        for (layer, combo), score in sorted(
                scores.items(),
                key=lambda kv: (kv[1], kv[0][0], space.combos[kv[0][0]]
                                .index(kv[0][1]))):
            if len(drops) >= budget:
                break
            if left[layer] > 1:
                left[layer] -= 1
                drops.append(dict(layer=layer, combo=list(combo),
                                  score=score))
        return drops

    def shrink(self, runner) -> Optional[Dict[str, Any]]:
        """One shrink step on the model's space; returns its record."""
        model = runner_model(runner)
        space = model.space
        index = len(self.history)
        record = [None]
        if is_main_process():
            samples = self.measure(runner, space, index)
            splittable = set(space.splittable_layers)
            scores = {key: value for key, value in
                      self.metric.score(samples, space).items()
                      if key[0] in splittable}
            drops = self.select_drops(space, scores)
            record = [dict(shrink=index + 1, epoch=runner.epoch + 1,
                           metric=self.metric.name,
                           num_samples=self.num_samples,
                           size_before=space.size, dropped=drops,
                           scores=[dict(layer=m, combo=list(c), score=v)
                                   for (m, c), v in scores.items()])]
        broadcast_object_list(record)
        record = record[0]
        for drop in record['dropped']:
            space.remove(drop['layer'], drop['combo'])
        record['size_after'] = space.size
        record['num_architectures'] = str(space.num_architectures())
        self.history.append(record)
        return record

    # -------------------------------------------------------------- hooks
    def after_train_epoch(self, runner) -> None:
        space = runner_model(runner).space
        if (runner.epoch + 1) % self.interval or \
                space.size <= self.threshold:
            return
        record = self.shrink(runner)
        dropped = ', '.join(
            f'L{d["layer"]}:{"/".join(d["combo"])}({d["score"]:.3g})'
            for d in record['dropped'])
        runner.logger.info(
            f'NEAS shrink {record["shrink"]} ({record["metric"]}) at epoch '
            f'{record["epoch"]}: dropped {len(record["dropped"])} '
            f'combinations, space {record["size_before"]} -> '
            f'{record["size_after"]} (threshold {self.threshold}): '
            f'{dropped or "nothing"}')
        runner.message_hub.update_scalar('shrink/space_size',
                                         record['size_after'])
        if is_main_process():
            self._write(runner, space)

    def _write(self, runner, space: SearchSpace) -> None:
        work_dir = Path(runner.work_dir)
        (work_dir / 'shrink_history.json').write_text(
            json.dumps(self.history, indent=1))
        space.dump(work_dir / 'search_space.json')
        if self.plot:
            record = self.history[-1]
            plot_shrink_scores(record, space,
                               work_dir / f'shrink_{record["shrink"]}.png')

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        checkpoint['neas_shrink_history'] = self.history

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        self.history = list(checkpoint.get('neas_shrink_history', []))
