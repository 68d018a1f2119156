"""A fixed, preprocessed subset of a data split (validation pipeline)."""
import copy
import os.path
import random
from typing import Any, List, Sequence, Set, Tuple

import torch
from mmengine.dataset import pseudo_collate
from mmengine.registry import DATASETS
from torch import nn


def build_split(runner: Any, dataloader_key: str) -> Any:
    """The dataset of ``runner.cfg[dataloader_key]`` with the validation
    pipeline (no random augmentation)."""
    cfg = copy.deepcopy(runner.cfg[dataloader_key].dataset)
    cfg.pipeline = copy.deepcopy(runner.cfg.val_dataloader.dataset.pipeline)
    return DATASETS.build(cfg)


def image_files(dataset: Any) -> Set[str]:
    """The absolute, normalised image paths of a dataset's samples (no
    file-system access: ImageNet's train list has 1.28M of them)."""
    return {os.path.abspath(dataset.get_data_info(i)['img_path'])
            for i in range(len(dataset))}


def check_disjoint(runner: Any, dataset: Any, owner: str,
                   keys: Sequence[str]) -> None:
    """Raise a ValueError, naming ``owner``, if ``dataset`` shares an image
    with the dataset of any config key in ``keys`` that the runner's config
    has (a split scored on must not be trained on, nor reported)."""
    files = image_files(dataset)
    for key in keys:
        if runner.cfg.get(key) is None:
            continue
        shared = files & image_files(build_split(runner, key))
        if shared:
            raise ValueError(
                f'{owner}: the scoring split shares {len(shared)} images '
                f'with {key} (e.g. {sorted(shared)[0]}); score on a '
                f'held-out split (the `search` split)')


def fixed_subset(dataset: Any, model: nn.Module, size: int,
                 batch_size: int, seed: int
                 ) -> List[Tuple[torch.Tensor, torch.Tensor]]:
    """``size`` images of ``dataset`` chosen with ``seed``, preprocessed by
    the model, as (inputs, labels) batches. The same call gives the same
    batches, in any run."""
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


def fixed_train_subset(runner: Any, model: nn.Module, size: int,
                       batch_size: int, seed: int
                       ) -> List[Tuple[torch.Tensor, torch.Tensor]]:
    """``size`` training images chosen with ``seed``, loaded with the
    validation pipeline, as (inputs, labels) batches (BN calibration)."""
    return fixed_subset(build_split(runner, 'train_dataloader'), model, size,
                        batch_size, seed)
