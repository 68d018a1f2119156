"""Ensembles scored with a trained supernet's shared weights."""
from typing import Sequence

import torch
from torch import nn

from neas_mm.models.utils import recalibrated_paths
from neas_mm.space import EnsembleArch
from .standalone_trainer import Split


class SupernetScorer:
    """Top-1 of an ensemble inside a :class:`NEASSupernetClassifier`, BN
    statistics re-estimated for that ensemble first, per path
    (:func:`recalibrated_paths`; the search loop's protocol, on in-memory
    tensors).

    Args:
        model: A trained ``NEASSupernetClassifier``.
        calib: Images (N, 3, H, W) uint8 for BN recalibration.
        split: Images and labels to score on (e.g. the ``search`` split).
        batch_size: Images per forward pass.
        mean: Pixel mean of the input normalisation.
        std: Pixel standard deviation of the input normalisation.
    """

    def __init__(self, model: nn.Module, calib: torch.Tensor, split: Split,
                 batch_size: int = 256, mean: float = 127.5,
                 std: float = 127.5) -> None:
        self.model = model
        self.batch_size = batch_size
        self.mean, self.std = mean, std
        self.calib = [self._normalise(calib[i:i + batch_size])
                      for i in range(0, len(calib), batch_size)]
        self.split = split

    def _normalise(self, x: torch.Tensor) -> torch.Tensor:
        return (x.float() - self.mean) / self.std

    @torch.no_grad()
    def score(self, arch: EnsembleArch) -> float:
        """Top-1 (fraction) of ``arch``'s mean logits on the split."""
        model = self.model
        x, y = self.split
        correct = 0
        with recalibrated_paths(model, model.backbone, arch, self.calib):
            for i in range(0, len(x), self.batch_size):
                feats = model.backbone(
                    self._normalise(x[i:i + self.batch_size]), arch)
                # K (N, classes) path logits -> mean -> predicted class
                pred = torch.stack(model.head(feats)).mean(0).argmax(1)
                correct += int((pred == y[i:i + self.batch_size]).sum())
        return correct / len(x)

    def score_all(self, archs: Sequence[EnsembleArch]) -> list:
        return [self.score(arch) for arch in archs]
