"""A split of a prepared classification folder as one uint8 tensor."""
from pathlib import Path
from typing import Sequence, Tuple

import numpy as np
import torch
from PIL import Image


def load_image_split(data_root: str, split: str, classes: Sequence[str]
                     ) -> Tuple[torch.Tensor, torch.Tensor]:
    """Images (N, 3, H, W) uint8 RGB and labels (N,) int64 of one split.

    The file list and labels come from mmpretrain's ``CustomDataset`` on
    ``meta/<split>.txt``, the same annotation a Runner config reads.
    """
    from mmpretrain.datasets import CustomDataset
    ann = Path(data_root) / 'meta' / f'{split}.txt'
    if not ann.is_file():
        raise FileNotFoundError(
            f'{ann} does not exist: prepare the data first '
            f'(python tools/prepare_data.py)')
    dataset = CustomDataset(data_root=str(data_root),
                            ann_file=f'meta/{split}.txt', data_prefix=split,
                            metainfo=dict(classes=tuple(classes)),
                            pipeline=[], lazy_init=False)
    images, labels = [], []
    for i in range(len(dataset)):
        info = dataset.get_data_info(i)
        with Image.open(info['img_path']) as image:
            images.append(np.asarray(image.convert('RGB')))
        labels.append(int(info['gt_label']))
    x = torch.from_numpy(np.stack(images)).permute(0, 3, 1, 2).contiguous()
    return x, torch.tensor(labels, dtype=torch.int64)
