"""Several seeds of one ensemble trained as one fused network."""
import copy
import time
from typing import Any, Dict, List, Sequence

import torch
import torch.nn.functional as F
from torch import nn
from torch.func import functional_call, stack_module_state, vmap

from neas_mm.space import EnsembleArch
from .standalone_trainer import (SeedBatches, StandaloneTrainer,
                                 build_optimizer, set_lr)


class _Logits(nn.Module):
    """Backbone + head of one ensemble as a single forward (for
    ``functional_call``)."""

    def __init__(self, model: nn.ModuleDict) -> None:
        super().__init__()
        self.backbone = model['backbone']
        self.head = model['head']

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # (N, 3, H, W) normalised -> (K, N, classes)
        return torch.stack(self.head(self.backbone(x)))


class FusedSeedsTrainer:
    """Trains S seeds of one architecture at once, as the separate runs of
    :class:`StandaloneTrainer` would, in one fused network.

    The S models' parameters and buffers are stacked
    (``torch.func.stack_module_state``) and one ``vmap`` of
    ``functional_call`` runs all of them on their own batches: each seed
    keeps its own initial weights, data order and crops (its own
    :class:`SeedBatches`), its own BatchNorm statistics (the stacked
    buffers are updated in place per model) and its own loss; the summed
    loss gives each model exactly its own gradient, and SGD/AdamW act
    element-wise, so every model follows its separate run to float
    tolerance. Convolutions of the S models become one grouped convolution
    per layer, fewer and larger kernels than S separate runs.

    Args:
        trainer: The separate trainer whose recipe, model, data and
            scoring are used. Dropout and drop-path must be off (their
            random masks are not reproduced under ``vmap``).
    """

    def __init__(self, trainer: StandaloneTrainer) -> None:
        for name, cfg in (('head_cfg', trainer.head_cfg),
                          ('backbone_cfg', trainer.backbone_cfg)):
            for key in ('dropout', 'drop_path_rate'):
                if cfg.get(key, 0.0):
                    raise ValueError(
                        f'{name}.{key}={cfg[key]} draws random masks that '
                        'fused training cannot reproduce; train with '
                        'StandaloneTrainer or set it to 0')
        self.trainer = trainer

    def run(self, arch: EnsembleArch,
            seeds: Sequence[int]) -> List[Dict[str, Any]]:
        """Train ``arch`` once per seed, fused; per seed the dict of
        :meth:`StandaloneTrainer.run` (``train_seconds`` is the fused
        time divided by the number of seeds)."""
        seeds = list(seeds)
        if not seeds or len(set(seeds)) != len(seeds):
            raise ValueError(f'need distinct seeds, got {seeds}')
        trainer, recipe = self.trainer, self.trainer.recipe
        models = []
        for seed in seeds:  # the same initial weights as a separate run
            torch.manual_seed(seed)
            models.append(trainer.build(arch))
        nets = [_Logits(m) for m in models]
        params, buffers = stack_module_state(nets)
        ndims = {k: v.ndim - 1 for k, v in params.items()}
        template = copy.deepcopy(nets[0]).to('meta')

        def loss_of(p: Dict[str, torch.Tensor], b: Dict[str, torch.Tensor],
                    x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
            logits = functional_call(template, (p, b), (x, ))  # (K, N, C)
            return sum(F.cross_entropy(z, y) for z in logits.unbind(0))

        fused_loss = vmap(loss_of)
        streams = [SeedBatches(trainer.train_split, recipe, s) for s in seeds]
        optimizer = build_optimizer(
            recipe, [(v, ndims[k]) for k, v in params.items()])
        template.train()
        losses: List[List[float]] = [[] for _ in seeds]
        start = time.perf_counter()
        for step in range(recipe.steps):
            batches = [stream.next() for stream in streams]
            x = torch.stack([trainer._normalise(b[0]) for b in batches])
            y = torch.stack([b[1] for b in batches])
            loss = fused_loss(params, buffers, x, y)  # (S,)
            set_lr(optimizer, recipe, step)
            optimizer.zero_grad(set_to_none=True)
            loss.sum().backward()
            optimizer.step()
            for per_seed, value in zip(losses, loss.detach().tolist()):
                per_seed.append(value)
        seconds = (time.perf_counter() - start) / len(seeds)
        results = []
        for s, (model, net) in enumerate(zip(models, nets)):
            net.load_state_dict({k: v[s].detach() for k, v in
                                 {**params, **buffers}.items()})
            results.append(trainer.result(model, losses[s], seconds))
        return results
