"""A fixed, preprocessed subset of the training set (validation pipeline)."""
import copy
import random
from typing import Any, List, Tuple

import torch
from mmengine.dataset import pseudo_collate
from mmengine.registry import DATASETS
from torch import nn


def fixed_train_subset(runner: Any, model: nn.Module, size: int,
                       batch_size: int, seed: int
                       ) -> List[Tuple[torch.Tensor, torch.Tensor]]:
    """``size`` training images chosen with ``seed``, loaded with the
    validation pipeline (no random augmentation) and preprocessed by the
    model, as (inputs, labels) batches. The same call gives the same
    batches, in any run."""
    cfg = copy.deepcopy(runner.cfg.train_dataloader.dataset)
    cfg.pipeline = copy.deepcopy(runner.cfg.val_dataloader.dataset.pipeline)
    dataset = DATASETS.build(cfg)
    indices = sorted(random.Random(seed).sample(range(len(dataset)),
                                                min(size, len(dataset))))
    starts = list(range(0, len(indices), batch_size))
    if len(starts) > 1 and len(indices) - starts[-1] == 1:
        starts.pop()  # no batch of one image (batch-statistics BN)
    batches = []
    for start, end in zip(starts, starts[1:] + [len(indices)]):
        items = [dataset[i] for i in indices[start:end]]
        data = model.data_preprocessor(pseudo_collate(items), False)
        labels = torch.cat([s.gt_label for s in data['data_samples']])
        batches.append((data['inputs'], labels))
    return batches
