import random
from typing import Dict, List, Tuple

import numpy as np
import torch
from mmengine.dist import broadcast_object_list, is_main_process
from mmengine.hooks import Hook

from neas_mm.models.utils import batch_statistics
from neas_mm.registry import HOOKS
from neas_mm.search.operator_diversity import operator_diversity
from ..fixed_subset import fixed_train_subset
from ..runner_model import runner_model

Tables = Dict[int, Tuple[List[str], np.ndarray]]


@HOOKS.register_module()
class OperatorDiversityHook(Hook):
    """Measures EnNAS operator diversity (Eq. 4) at every layer after every
    ``interval`` epochs (not after the last), and hands the tables to the
    model's ``DiversityKPathSampler``: the first epoch samples uniformly,
    as the paper measures a supernet trained for a while.

    A fixed subset of training images (validation pipeline) runs through
    the stem; at each layer every operator is applied to the same inputs
    and their outputs compared; each image then continues with the output
    of one operator (assigned uniformly at random), as the paper merges
    them into the next layer's inputs. BN uses batch statistics. Measured
    on rank 0 and broadcast, so every rank samples alike.

    Args:
        interval: Epochs between measurements (the paper: every epoch).
        num_images: Training images measured.
        batch_size: Images per forward pass.
        seed: Seed of the image subset and of the operator assignment.
    """
    priority = 'NORMAL'

    def __init__(self, interval: int = 1, num_images: int = 256,
                 batch_size: int = 128, seed: int = 0) -> None:
        for name, value in (('interval', interval),
                            ('num_images', num_images),
                            ('batch_size', batch_size)):
            if not isinstance(value, int) or value < 1:
                raise ValueError(f'OperatorDiversityHook: {name} must be an '
                                 f'int >= 1, got {value!r}')
        self.interval, self.num_images = interval, num_images
        self.batch_size, self.seed = batch_size, seed

    @torch.no_grad()
    def measure(self, runner) -> Tables:
        model = runner_model(runner)
        backbone = model.backbone
        batches = [x for x, _ in fixed_train_subset(
            runner, model, self.num_images, self.batch_size, self.seed)]
        rng = random.Random(f'diversity:{self.seed}:{runner.epoch}')
        tables: Tables = {}
        with batch_statistics(model):
            inputs = [backbone.ds(backbone.stem(x)) for x in batches]
            for m in range(backbone.num_layers):
                ops = backbone.op_names(m)
                outputs = [[backbone.layers[m].forward_choice(x, op)
                            for x in inputs] for op in ops]
                tables[m] = (ops, operator_diversity(
                    [torch.cat(o) for o in outputs]))
                inputs = [torch.stack([
                    outputs[rng.randrange(len(ops))][b][i]
                    for i in range(len(x))]) for b, x in enumerate(inputs)]
        return tables

    def _update(self, runner) -> None:
        sampler = runner_model(runner).sampler
        if not hasattr(sampler, 'set_diversity'):
            raise TypeError('OperatorDiversityHook needs the model sampler '
                            'neas_mm.DiversityKPathSampler, got '
                            f'{type(sampler).__name__}')
        tables = [self.measure(runner) if is_main_process() else None]
        broadcast_object_list(tables)
        sampler.set_diversity(tables[0])
        runner.logger.info(
            'operator diversity measured: mean zeta per layer ' + ', '.join(
                f'L{m}:{z[np.triu_indices(len(ops), 1)].mean():.3f}'
                for m, (ops, z) in tables[0].items()))

    def after_train_epoch(self, runner) -> None:
        if (runner.epoch + 1) % self.interval == 0 and \
                runner.epoch + 1 < runner.max_epochs:
            self._update(runner)
