import json
import random
from pathlib import Path
from typing import Any, Dict, List, Optional, Union

import numpy as np
import torch
from mmengine.dist import broadcast_object_list, is_main_process
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmengine.optim import OptimWrapper
from mmengine.utils import ProgressBar

from neas_mm.models.utils import batch_statistics
from neas_mm.registry import HOOKS, TASK_UTILS
from neas_mm.search import SHRINK_METRICS, EnsembleSample, select_drops
from neas_mm.space import SearchSpace
from ..expanded_optimizer import register_copies
from ..fixed_subset import build_split, check_disjoint, fixed_subset
from ..runner_model import runner_model
from ..shrink_plot import plot_shrink_scores


@HOOKS.register_module()
class DiversityShrinkHook(Hook):
    """Diversity-guided search-space shrinking (NEAS Algorithm 1).

    Every ``interval`` training epochs, while the model's space holds more
    than ``threshold`` combinations and training continues afterwards:
    sample ``num_samples`` ensembles from it, measure the distances between
    the paths' class probabilities (a space the K paths share; their pooled
    features come from independent tails) and each path's accuracy on a
    fixed subset of the ``search`` split (never trained on), score every
    surviving combination with the metric and drop the ``num_drop`` lowest
    (never a layer's last, never below ``threshold``). The model's sampler
    draws from the shrunk space from the next iteration on. No shrink
    follows the last epoch: nothing would train on the shrunk space.

    The measured ensembles are drawn with the space's smallest split point
    (``sample_split='smallest'``), so every splittable layer is after the
    split, and its combinations are observed, in every sample; with random
    split points a deep layer is split in most draws and a shallow one in
    few, and their scores rest on unequal evidence.

    With ``expand_threshold`` set, every shrink is followed by SE-NAS
    expanding (its section 3.4): adjacent splittable layers not yet merged
    form child spaces, from shallow to deep, of at most ``expand_threshold``
    partial models and at least ``expand_min_layers`` layers; each partial
    model gets its own copy of those layers, initialised from the shared
    weights, and the optimizer takes the copies (see
    :func:`register_copies`). The copies are in the checkpoint, so
    ``--resume`` rebuilds them and their optimizer state.

    Each shrink is logged, appended to ``<work_dir>/shrink_history.json``
    (the current space goes to ``search_space.json``), drawn as
    ``shrink_<n>.png`` (the scores, and each layer's survivors so far), and
    kept in the checkpoint, so ``--resume`` continues with the same space.

    Args:
        interval: Training epochs between shrinks (paper: 20).
        threshold: Stop once the space holds this many combinations; at
            least one per layer.
        num_drop: Combinations dropped per shrink (paper: 20).
        num_samples: Ensembles sampled per shrink (Z).
        metric: ``'diversity'`` (NEAS), ``'accuracy'``, ``'senas'``,
            ``'random'`` (the control), ``'none'``, or a metric config dict.
        selection: ``'per_layer'`` (each layer drops the same share of its
            combinations, its lowest-scored), ``'global'`` (all scores
            sorted together, Algorithm 1 read literally) or ``'auto'`` (the
            metric's ``per_layer`` attribute decides).
        score_split: Config key of the dataloader whose dataset the
            ensembles are scored on; it must share no image with
            ``train_dataloader``.
        score_size: Images of that split scored per ensemble.
        score_batch_size: Batch size of the scoring.
        sample_split: ``'smallest'`` or ``'random'`` split point of the
            sampled ensembles.
        seed: Seed of the subset and of the sampled ensembles.
        plot: Save a heat map of the scores after each shrink.
        expand_threshold: SE-NAS merging threshold T (the paper suggests
            50), counted in partial models (weight copies) per child
            space; None: no expanding.
        expand_min_layers: Fewest layers a merged child space holds.
    """
    priority = 'NORMAL'  # before the CheckpointHook saves the epoch

    def __init__(self,
                 interval: int = 20,
                 threshold: int = 100,
                 num_drop: int = 20,
                 num_samples: int = 100,
                 metric: Union[str, dict] = 'diversity',
                 selection: str = 'auto',
                 score_split: str = 'search_dataloader',
                 score_size: int = 256,
                 score_batch_size: int = 128,
                 sample_split: str = 'smallest',
                 seed: int = 0,
                 plot: bool = True,
                 expand_threshold: Optional[int] = None,
                 expand_min_layers: int = 2) -> None:
        for name, value, low in (('interval', interval, 1),
                                 ('threshold', threshold, 1),
                                 ('num_drop', num_drop, 1),
                                 ('num_samples', num_samples, 1),
                                 ('score_size', score_size, 2),
                                 ('score_batch_size', score_batch_size, 2),
                                 ('expand_min_layers', expand_min_layers,
                                  1),
                                 *([('expand_threshold', expand_threshold,
                                     1)] if expand_threshold is not None
                                   else [])):
            if not isinstance(value, int) or value < low:
                raise ValueError(f'DiversityShrinkHook: {name} must be an '
                                 f'int >= {low}, got {value!r}')
        for name, value, allowed in (
                ('selection', selection, ('auto', 'per_layer', 'global')),
                ('sample_split', sample_split, ('smallest', 'random'))):
            if value not in allowed:
                raise ValueError(f'DiversityShrinkHook: {name} must be one '
                                 f'of {", ".join(allowed)}; got {value!r}')
        if isinstance(metric, str):
            if metric not in SHRINK_METRICS:
                raise ValueError(
                    f'DiversityShrinkHook: unknown metric {metric!r}; '
                    f'allowed: {", ".join(SHRINK_METRICS)} or a config dict')
            self.metric = SHRINK_METRICS[metric]()
        else:
            self.metric = TASK_UTILS.build(metric)
        self.per_layer = (getattr(self.metric, 'per_layer', True)
                          if selection == 'auto'
                          else selection == 'per_layer')
        self.interval, self.threshold = interval, threshold
        self.num_drop, self.num_samples = num_drop, num_samples
        self.score_split, self.score_size = score_split, score_size
        self.score_batch_size = score_batch_size
        self.sample_split = sample_split
        self.seed, self.plot = seed, plot
        self.expand_threshold = expand_threshold
        self.expand_min_layers = expand_min_layers
        self.history: List[Dict[str, Any]] = []
        self._batches: Optional[List[Any]] = None

    # ------------------------------------------------------------- set-up
    def _check_expandable(self, runner) -> None:
        """Refuse runs whose copies would not train as the rest."""
        if is_model_wrapper(runner.model):
            # DDP registers its parameters once: copies made later would
            # train apart on every process.
            raise ValueError(
                'DiversityShrinkHook: SE-NAS expanding (expand_threshold, '
                'or a checkpoint holding weight copies) runs in one process '
                'only; drop --launcher or set '
                'custom_hooks.0.expand_threshold=None')
        if not isinstance(runner.optim_wrapper, OptimWrapper):
            raise ValueError(
                'DiversityShrinkHook: SE-NAS expanding needs one '
                f'OptimWrapper to add the weight copies to, not '
                f'{type(runner.optim_wrapper).__name__}')

    def before_run(self, runner) -> None:
        if self.expand_threshold is not None:
            self._check_expandable(runner)
        space: SearchSpace = runner_model(runner).space
        layers = len(space.splittable_layers)
        if self.threshold < layers:
            raise ValueError(
                f'DiversityShrinkHook: threshold={self.threshold} is below '
                f'one combination per layer ({layers} layers can split); '
                f'allowed: >= {layers}')
        self._score_batches(runner)  # bad splits fail before training

    def _score_batches(self, runner) -> List[Any]:
        """The fixed scoring subset, checked and preprocessed once."""
        if self._batches is None:
            if runner.cfg.get(self.score_split) is None:
                raise ValueError(
                    f'DiversityShrinkHook: the config has no '
                    f'{self.score_split!r} to score ensembles on (a split '
                    f'the supernet is not trained on; see '
                    f'configs/_base_/datasets/digits_cls.py)')
            dataset = build_split(runner, self.score_split)
            # Scores on trained images would reward memorisation.
            check_disjoint(runner, dataset, 'DiversityShrinkHook',
                           ['train_dataloader'])
            self._batches = fixed_subset(dataset, runner_model(runner),
                                         self.score_size,
                                         self.score_batch_size, self.seed)
        return self._batches

    # ---------------------------------------------------------- the step
    @torch.no_grad()
    def measure(self, runner, space: SearchSpace,
                shrink_index: int) -> List[EnsembleSample]:
        """Sample ensembles and measure them on the scoring subset."""
        model = runner_model(runner)
        batches = self._score_batches(runner)
        split = space.split_range[0] \
            if self.sample_split == 'smallest' else None
        samples = []
        bar = ProgressBar(self.num_samples) if is_main_process() else None
        with batch_statistics(model):
            for z in range(self.num_samples):
                arch = space.sample(
                    random.Random(f'shrink:{self.seed}:{shrink_index}:{z}'),
                    split=split)
                probs = [[] for _ in range(arch.num_paths)]
                correct = [[] for _ in range(arch.num_paths)]
                for inputs, labels in batches:
                    logits = model.head(model.backbone(inputs, arch))
                    for p, path_logits in enumerate(logits):  # (B, classes)
                        probs[p].append(
                            path_logits.softmax(1).cpu().numpy())
                        correct[p].append(
                            (path_logits.argmax(1) == labels).cpu().numpy())
                samples.append(EnsembleSample.from_features(
                    arch, [np.concatenate(f) for f in probs],
                    [np.concatenate(c) for c in correct]))
                if bar is not None:
                    bar.update()
        return samples

    def shrink(self, runner) -> Optional[Dict[str, Any]]:
        """One shrink step on the model's space; returns its record."""
        model = runner_model(runner)
        space = model.space
        index = len(self.history)
        record = [None]
        if is_main_process():
            samples = self.measure(runner, space, index)
            scores = self.metric.score(samples, space)
            drops = select_drops(space, scores, self.num_drop,
                                 self.threshold, self.per_layer)
            record = [dict(shrink=index + 1, epoch=runner.epoch + 1,
                           metric=self.metric.name,
                           selection='per_layer' if self.per_layer
                           else 'global',
                           num_samples=self.num_samples,
                           size_before=space.size, dropped=drops,
                           scores=[dict(layer=m, combo=list(c), score=v)
                                   for (m, c), v in scores.items()])]
        broadcast_object_list(record)
        record = record[0]
        for drop in record['dropped']:
            space.remove(drop['layer'], drop['combo'])
        record['size_after'] = space.size
        record['layer_sizes'] = {str(m): len(space.combos[m])
                                 for m in space.splittable_layers}
        record['num_architectures'] = str(space.num_architectures())
        if self.expand_threshold is not None:
            record['expansion'] = self.expand(runner)
        self.history.append(record)
        return record

    def expand(self, runner) -> Dict[str, Any]:
        """SE-NAS expanding after a shrink; returns its record."""
        model = runner_model(runner)
        backbone = model.backbone
        new = backbone.expand(model.space, self.expand_threshold,
                              self.expand_min_layers)
        added = register_copies(runner.optim_wrapper.optimizer, model)
        copies = backbone.expansion
        return dict(new_child_spaces=[list(g) for g in new],
                    child_spaces=[list(g) for g in copies.child_spaces],
                    copies=copies.num_copies,
                    copy_parameters=sum(p.numel()
                                        for p in copies.parameters()),
                    optimizer_tensors_added=added)

    # -------------------------------------------------------------- hooks
    def after_train_epoch(self, runner) -> None:
        space = runner_model(runner).space
        if (runner.epoch + 1) % self.interval or \
                space.size <= self.threshold:
            return
        if runner.epoch + 1 >= runner.max_epochs:
            runner.logger.info(
                'NEAS shrink skipped after the last epoch: no training '
                'would follow it')
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
        if 'expansion' in record:
            grown = record['expansion']
            runner.logger.info(
                f'SE-NAS expanding (T={self.expand_threshold}): new child '
                f'spaces {grown["new_child_spaces"] or "none"}; '
                f'{len(grown["child_spaces"])} in all, '
                f'{grown["copies"]} partial models with own weights, '
                f'{grown["copy_parameters"] / 1e6:.2f}M copied parameters')
            runner.visualizer.add_scalars(
                {'expand/copies': grown['copies'],
                 'expand/copy_parameters': grown['copy_parameters']},
                step=record['epoch'])
        runner.message_hub.update_scalar('shrink/space_size',
                                         record['size_after'])
        # To the visualizer's backends (TensorBoard, ...) at this epoch.
        runner.visualizer.add_scalars(
            {'shrink/space_size': record['size_after'],
             **{f'shrink/layer{m}_combos': n
                for m, n in record['layer_sizes'].items()}},
            step=record['epoch'])
        if is_main_process():
            self._write(runner, space)

    def _write(self, runner, space: SearchSpace) -> None:
        work_dir = Path(runner.work_dir)
        (work_dir / 'shrink_history.json').write_text(
            json.dumps(self.history, indent=1))
        space.dump(work_dir / 'search_space.json')
        if self.plot:
            record = self.history[-1]
            plot_shrink_scores(self.history, space,
                               work_dir / f'shrink_{record["shrink"]}.png')

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        checkpoint['neas_shrink_history'] = self.history

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        self.history = list(checkpoint.get('neas_shrink_history', []))
        # Called before the weights and the optimizer state load: rebuild
        # the SE-NAS copies and give them their places in the optimizer.
        model = runner_model(runner)
        state = checkpoint.get('state_dict', checkpoint)
        expansion = model.backbone.expansion
        expansion.restore(state, 'backbone.expansion.')
        if len(expansion.groups):
            built = runner.optim_wrapper
            if built is not None and not isinstance(built, dict):
                self._check_expandable(runner)
                register_copies(runner.optim_wrapper.optimizer, model)
