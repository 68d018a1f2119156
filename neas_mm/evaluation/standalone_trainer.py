"""One ensemble trained from scratch with a fixed recipe, then scored."""
import dataclasses
import logging
import math
import time
from typing import Any, Dict, List, Mapping, Sequence, Tuple

import torch
import torch.nn.functional as F
from mmengine.logging import MMLogger
from torch import nn

from neas_mm.registry import MODELS
from neas_mm.space import EnsembleArch

Split = Tuple[torch.Tensor, torch.Tensor]


@dataclasses.dataclass(frozen=True)
class StandaloneRecipe:
    """The training recipe every architecture gets (part of the cache key).

    The defaults were chosen on the cluttered-digits task for low seed
    noise within a minute on 2 cores: batch 64 / 300 steps / lr 0.1 left
    some ensembles 10-21 points apart between two seeds (learning takes
    off at a random step); batch 32 / 600 steps / lr 0.05 left 4.

    Args:
        steps: Optimiser steps.
        batch_size: Images per step.
        lr: Peak learning rate of SGD (Nesterov momentum).
        momentum: SGD momentum.
        weight_decay: L2 weight decay.
        warmup_steps: Linear warm-up steps before the cosine decay to 0.
        crop_padding: Random-crop padding in px (0: no augmentation).
        optimizer: ``'sgd'`` (Nesterov momentum) or ``'adamw'`` (``lr``
            is then Adam's step size; ``momentum`` is unused).
    """
    steps: int = 600
    batch_size: int = 32
    lr: float = 0.05
    momentum: float = 0.9
    weight_decay: float = 4e-5
    warmup_steps: int = 50
    crop_padding: int = 2
    optimizer: str = 'sgd'

    def __post_init__(self) -> None:
        for name in ('steps', 'batch_size'):
            if getattr(self, name) < 1:
                raise ValueError(f'{name} must be >= 1, got '
                                 f'{getattr(self, name)!r}')
        if self.lr <= 0 or self.warmup_steps < 0 or self.crop_padding < 0:
            raise ValueError(f'need lr > 0, warmup_steps >= 0, crop_padding'
                             f' >= 0; got {self}')
        if self.optimizer not in ('sgd', 'adamw'):
            raise ValueError(f"optimizer must be 'sgd' or 'adamw', got "
                             f'{self.optimizer!r}')

    def lr_factor(self, step: int) -> float:
        """Warm-up then cosine multiplier of ``lr`` at ``step``."""
        if step < self.warmup_steps:
            return (step + 1) / self.warmup_steps
        span = max(1, self.steps - self.warmup_steps)
        return 0.5 * (1 + math.cos(math.pi * (step - self.warmup_steps) /
                                   span))


def random_crop(x: torch.Tensor, padding: int,
                generator: torch.Generator) -> torch.Tensor:
    """Per-image random crop of a zero-padded batch (N, C, H, W)."""
    if padding == 0:
        return x
    n, _, h, w = x.shape
    padded = F.pad(x, (padding, ) * 4)
    offsets = torch.randint(0, 2 * padding + 1, (n, 2), generator=generator)
    return torch.stack([padded[i, :, dy:dy + h, dx:dx + w]
                        for i, (dy, dx) in enumerate(offsets.tolist())])


class StandaloneTrainer:
    """Trains one ensemble from scratch and scores it on held-out splits.

    The network is the registered :class:`NEASEnsembleBackbone` with a
    :class:`NEASEnsembleHead` (loss: summed per-path cross-entropy; score:
    top-1 of the mean of the paths' logits), the same modules mmpretrain
    retrains; the loop runs on in-memory tensors so that a K=2 ensemble of
    the digits space trains in under a minute on 2 CPU cores.

    Args:
        backbone_cfg: ``NEASEnsembleBackbone`` arguments other than
            ``arch`` (widths).
        head_cfg: ``NEASEnsembleHead`` arguments other than ``num_paths``.
        recipe: The training recipe.
        train: Training images (N, 3, H, W) uint8 and labels (N,).
        evals: Named splits to score after training.
        mean: Pixel mean of the input normalisation.
        std: Pixel standard deviation of the input normalisation.
        channels_last: Run the model and its inputs in the channels-last
            memory format (the same arithmetic, other rounding): 1.8-2.7x
            the images/s of the default format on one CPU thread, measured
            by ``benchmarks/trainer_throughput.py``.
    """

    def __init__(self, backbone_cfg: Mapping[str, Any],
                 head_cfg: Mapping[str, Any], recipe: StandaloneRecipe,
                 train: Split, evals: Mapping[str, Split],
                 mean: float = 127.5, std: float = 127.5,
                 channels_last: bool = False) -> None:
        if len(train[0]) < recipe.batch_size:
            raise ValueError(f'{len(train[0])} training images, fewer than '
                             f'batch_size={recipe.batch_size}')
        self.backbone_cfg = dict(backbone_cfg)
        self.head_cfg = dict(head_cfg)
        self.recipe = recipe
        self.train_split = train
        self.evals = dict(evals)
        self.mean, self.std = mean, std
        self.memory_format = torch.channels_last if channels_last \
            else torch.contiguous_format

    def build(self, arch: EnsembleArch) -> nn.Module:
        """The backbone and head of ``arch`` with fresh initial weights."""
        backbone = MODELS.build(dict(type='neas_mm.NEASEnsembleBackbone',
                                     arch=arch.to_dict(),
                                     **self.backbone_cfg))
        head = MODELS.build(dict(type='neas_mm.NEASEnsembleHead',
                                 num_paths=arch.num_paths, **self.head_cfg))
        logger = MMLogger.get_current_instance()
        level = logger.level
        logger.setLevel(logging.WARNING)  # init_weights logs every tensor
        try:
            backbone.init_weights()
            head.init_weights()
        finally:
            logger.setLevel(level)
        model = nn.ModuleDict(dict(backbone=backbone, head=head))
        return model.to(memory_format=self.memory_format)

    def _normalise(self, x: torch.Tensor) -> torch.Tensor:
        x = (x.float() - self.mean) / self.std
        return x.contiguous(memory_format=self.memory_format)

    def _logits(self, model: nn.Module, x: torch.Tensor) -> torch.Tensor:
        # (N, 3, H, W) -> K path features -> K (N, classes) -> mean logits
        feats = model['backbone'](self._normalise(x))
        return torch.stack(model['head'](feats)).mean(0)

    @torch.no_grad()
    def score(self, model: nn.Module, split: Split,
              batch_size: int = 500) -> float:
        """Top-1 accuracy (fraction) of the mean logits on ``split``."""
        model.eval()
        x, y = split
        correct = 0
        for i in range(0, len(x), batch_size):
            pred = self._logits(model, x[i:i + batch_size]).argmax(1)
            correct += int((pred == y[i:i + batch_size]).sum())
        return correct / len(x)

    def run(self, arch: EnsembleArch, seed: int) -> Dict[str, Any]:
        """Train ``arch`` with ``seed`` (initial weights, data order,
        augmentation) and score it on every eval split."""
        recipe = self.recipe
        torch.manual_seed(seed)
        model = self.build(arch)
        batches = SeedBatches(self.train_split, recipe, seed)
        optimizer = build_optimizer(
            recipe, [(p, p.ndim) for p in model.parameters()])
        losses = []
        start = time.perf_counter()
        model.train()
        for step in range(recipe.steps):
            x, y = batches.next()
            feats = model['backbone'](self._normalise(x))
            logits = model['head'](feats)  # K x (N, classes)
            loss = sum(F.cross_entropy(z, y) for z in logits)
            set_lr(optimizer, recipe, step)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            losses.append(float(loss.detach()))
        seconds = time.perf_counter() - start
        return self.result(model, losses, seconds)

    def result(self, model: nn.Module, losses: List[float],
               seconds: float) -> Dict[str, Any]:
        """What a run returns: accuracy per eval split, the mean loss of
        the last tenth of the steps and the training time."""
        tail = losses[-max(1, len(losses) // 10):]
        return dict(acc={name: self.score(model, split)
                         for name, split in self.evals.items()},
                    final_loss=sum(tail) / len(tail),
                    train_seconds=round(seconds, 2))


class SeedBatches:
    """The training batches of one seed: a reshuffled pass over the split
    at a time, each batch randomly cropped, all drawn from one generator
    seeded with ``seed`` (so that a model trained alone and the same model
    trained fused with others see the same images in the same order).

    Args:
        split: Training images (N, 3, H, W) uint8 and labels (N,).
        recipe: Gives the batch size and the crop padding.
        seed: Seed of the order and of the crops.
    """

    def __init__(self, split: Split, recipe: StandaloneRecipe,
                 seed: int) -> None:
        self.x, self.y = split
        self.batch_size = recipe.batch_size
        self.padding = recipe.crop_padding
        self.generator = torch.Generator().manual_seed(seed)
        self.order = torch.randperm(len(self.x), generator=self.generator)
        self.cursor = 0

    def next(self) -> Split:
        """The next batch: images (B, 3, H, W) uint8 and labels (B,)."""
        if self.cursor + self.batch_size > len(self.order):
            self.order = torch.randperm(len(self.x),
                                        generator=self.generator)
            self.cursor = 0
        idx = self.order[self.cursor:self.cursor + self.batch_size]
        self.cursor += self.batch_size
        return (random_crop(self.x[idx], self.padding, self.generator),
                self.y[idx])


def build_optimizer(recipe: StandaloneRecipe,
                    params: Sequence[Tuple[torch.Tensor, int]]
                    ) -> torch.optim.Optimizer:
    """The recipe's optimiser over ``(tensor, ndim)`` pairs; weight decay
    only on tensors whose own model parameter has ``ndim > 1`` (a stack of
    several models' parameters passes the ndim of one)."""
    decay = [p for p, ndim in params if ndim > 1]
    no_decay = [p for p, ndim in params if ndim <= 1]
    groups = [dict(params=decay, weight_decay=recipe.weight_decay),
              dict(params=no_decay, weight_decay=0.0)]
    if recipe.optimizer == 'sgd':
        return torch.optim.SGD(groups, lr=recipe.lr,
                               momentum=recipe.momentum, nesterov=True)
    return torch.optim.AdamW(groups, lr=recipe.lr)


def set_lr(optimizer: torch.optim.Optimizer, recipe: StandaloneRecipe,
           step: int) -> None:
    """Every group's learning rate at ``step`` of ``recipe``."""
    for group in optimizer.param_groups:
        group['lr'] = recipe.lr * recipe.lr_factor(step)
