"""One NASNet child trained from scratch with a fixed recipe, then scored."""
from typing import Any, List, Mapping, Tuple, Union

import torch
from torch import nn

from neas_mm.space import NASNetArch
from .standalone_trainer import Split, StandaloneRecipe, StandaloneTrainer


class PooledClassifier(nn.Module):
    """Global average pooling of the last feature map and a linear layer;
    returns a one-element list of logits (the shape of
    :class:`NEASEnsembleHead`'s output, so :class:`StandaloneTrainer`'s
    loss and scoring apply unchanged).

    Args:
        in_channels: Filters of the last feature map.
        num_classes: Classes.
    """

    def __init__(self, in_channels: int, num_classes: int) -> None:
        super().__init__()
        self.fc = nn.Linear(in_channels, num_classes)

    def forward(self, feats: Tuple[torch.Tensor, ...]) -> List[torch.Tensor]:
        # feats[-1]: (N, C, H, W) -> (N, C) -> [(N, classes)]
        return [self.fc(feats[-1].mean((2, 3)))]


class NASNetTrainer(StandaloneTrainer):
    """Trains a NASNet child (a :class:`NASNetBackbone` and a pooled linear
    classifier) from scratch with a :class:`StandaloneRecipe` (the same
    batches, optimiser, schedule and scoring as the NEAS ensembles) and
    scores it on held-out splits.

    The child's width is given as ``channels``, C of the first stage (C
    doubles at every reduction), not as the backbone's
    ``penultimate_filters`` F, since F = C x (the normal cell's output
    width) x 2^(num_stages - 1) and the output width differs from one
    architecture to the next.

    Args:
        network: ``NASNetBackbone`` arguments other than ``arch`` and
            ``penultimate_filters``, with ``channels`` (C, default 8); the
            stem defaults to ``'cifar'``.
        num_classes: Classes of the task.
        recipe: The training recipe.
        train: Training images (N, 3, H, W) uint8 and labels (N,).
        evals: Named splits to score after training.
        mean: Pixel mean of the input normalisation.
        std: Pixel standard deviation of the input normalisation.
        channels_last: Run in the channels-last memory format.
    """

    def __init__(self, network: Mapping[str, Any], num_classes: int,
                 recipe: StandaloneRecipe, train: Split,
                 evals: Mapping[str, Split], mean: float = 127.5,
                 std: float = 127.5, channels_last: bool = False) -> None:
        network = dict(network)
        channels = network.pop('channels', 8)
        if not isinstance(channels, int) or channels < 1:
            raise ValueError(f'network channels must be an int >= 1, got '
                             f'{channels!r}')
        for key in ('arch', 'penultimate_filters'):
            if key in network:
                raise ValueError(f'network must not set {key!r}: the child '
                                 'gives the arch, channels the width')
        network.setdefault('stem', 'cifar')
        super().__init__(network, dict(num_classes=num_classes), recipe,
                         train, evals, mean, std, channels_last)
        self.channels = channels

    def build(self, arch: Union[NASNetArch, dict]) -> nn.Module:
        """The backbone and classifier of ``arch``, fresh initial
        weights."""
        from neas_mm.models import NASNetBackbone
        arch = NASNetArch.parse(arch)
        num_stages = self.backbone_cfg.get('num_stages', 3)
        filters = (self.channels * arch.normal.output_width *
                   2**(num_stages - 1))
        backbone = NASNetBackbone(arch=arch, penultimate_filters=filters,
                                  **self.backbone_cfg)
        head = PooledClassifier(backbone.out_channels[-1],
                                self.head_cfg['num_classes'])
        model = nn.ModuleDict(dict(backbone=backbone, head=head))
        return model.to(memory_format=self.memory_format)
