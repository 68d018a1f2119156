from typing import List, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmpretrain.structures import DataSample
from torch import nn

from neas_mm.registry import MODELS
from neas_mm.search.ensemble_teacher import (distillation_loss,
                                             teacher_weights)


@MODELS.register_module()
class NEASEnsembleHead(BaseModule):
    """K linear classifiers, one per path (indexed by path position).

    Training loss is the sum of the K paths' cross-entropies (the paper);
    the ensemble's prediction is the mean of the K paths' raw logits (the
    official release), scored by mmpretrain's evaluators.

    With ``distill_weight > 0`` (and ``distilling``, on unless the
    ``EnsembleDistillHook`` holds it off before its start epoch), each path
    also
    learns from an ensemble teacher built from the K paths (EnNAS section
    3.2): the teacher's logits are the K paths' logits weighted to minimise
    the teacher's cross-entropy on the batch, and each path adds
    ``distill_weight * tau^2 KL(teacher || path)``. The K paths of the
    sampled ensemble are the students.

    Args:
        num_paths: K.
        in_channels: Width of each path's pooled feature vector.
        num_classes: Number of classes.
        dropout: Dropout before each classifier (0.2 in the paper's
            retraining).
        label_smoothing: Label smoothing of the cross-entropy.
        distill_weight: lambda, weight of the distillation term (0: off).
        distill_temperature: tau of the softened distributions.
        init_cfg: mmengine initialisation config.
    """

    def __init__(self,
                 num_paths: int,
                 in_channels: int,
                 num_classes: int,
                 dropout: float = 0.0,
                 label_smoothing: float = 0.0,
                 distill_weight: float = 0.0,
                 distill_temperature: float = 1.0,
                 init_cfg: Optional[dict] = dict(type='Normal', layer='Linear',
                                                 std=0.01)) -> None:
        super().__init__(init_cfg=init_cfg)
        if num_classes < 1:
            raise ValueError(f'num_classes must be >= 1, got {num_classes}')
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f'dropout must be in [0, 1), got {dropout}')
        if distill_weight < 0 or distill_temperature <= 0:
            raise ValueError(
                f'distill_weight must be >= 0 and distill_temperature > 0, '
                f'got {distill_weight!r} and {distill_temperature!r}')
        self.num_paths = num_paths
        self.label_smoothing = label_smoothing
        self.distill_weight = distill_weight
        self.distill_temperature = distill_temperature
        # On with a weight; EnsembleDistillHook holds it off until its
        # start epoch.
        self.distilling = distill_weight > 0
        self.dropout = nn.Dropout(dropout)
        self.classifiers = nn.ModuleList(
            nn.Linear(in_channels, num_classes) for _ in range(num_paths))

    def forward(self, feats: Sequence[torch.Tensor]
                ) -> Tuple[torch.Tensor, ...]:
        """K logit tensors, each (N, num_classes), from K (N, C) features."""
        if len(feats) != self.num_paths:
            raise ValueError(f'expected {self.num_paths} path features, got '
                             f'{len(feats)}')
        return tuple(
            fc(self.dropout(f)) for fc, f in zip(self.classifiers, feats))

    @staticmethod
    def _labels(data_samples: List[DataSample]) -> torch.Tensor:
        return torch.cat([s.gt_label for s in data_samples])

    def path_losses(self, logits: Sequence[torch.Tensor],
                    labels: torch.Tensor) -> List[torch.Tensor]:
        return [F.cross_entropy(x, labels,
                                label_smoothing=self.label_smoothing)
                for x in logits]

    def loss(self, feats: Sequence[torch.Tensor],
             data_samples: List[DataSample]) -> dict:
        """``loss``: the summed per-path cross-entropy; ``accuracy``: the
        ensemble's top-1 on the batch (logged, not optimised)."""
        logits = self(feats)
        labels = self._labels(data_samples).to(logits[0].device)
        losses = self.path_losses(logits, labels)
        with torch.no_grad():
            ensemble = torch.stack(logits).mean(0)
            accuracy = (ensemble.argmax(1) == labels).float().mean() * 100
        out = dict(loss=sum(losses), accuracy=accuracy)
        if self.distilling and self.distill_weight > 0:
            out.update(self._distill(logits, labels))
        return out

    def _distill(self, logits: Sequence[torch.Tensor],
                 labels: torch.Tensor) -> dict:
        """The distillation term and how the teacher compares."""
        stacked = torch.stack(logits)  # (K, N, C)
        weights = teacher_weights(stacked, labels).to(stacked)
        teacher = torch.einsum('k,knc->nc', weights, stacked.detach())
        kd = sum(distillation_loss(x, teacher, self.distill_temperature)
                 for x in logits)
        with torch.no_grad():
            correct = [(x.argmax(1) == labels).float().mean() * 100
                       for x in (teacher, *logits)]
        return dict(loss_kd=self.distill_weight * kd,
                    teacher_accuracy=correct[0],
                    teacher_gap=correct[0] - sum(correct[1:]) / len(logits))

    def predict(self, feats: Sequence[torch.Tensor],
                data_samples: Optional[List[DataSample]] = None
                ) -> List[DataSample]:
        """Data samples with the ensemble's score (softmax of mean logits)
        and each path's scores in ``path_scores``."""
        logits = self(feats)
        ensemble = torch.stack(logits).mean(0)  # (N, num_classes)
        scores = F.softmax(ensemble, dim=1)
        path_scores = torch.stack([F.softmax(x, 1) for x in logits], 1)
        if data_samples is None:
            data_samples = [DataSample() for _ in range(len(scores))]
        for sample, score, per_path in zip(data_samples, scores,
                                           path_scores):
            sample.set_pred_score(score).set_pred_label(score.argmax())
            sample.set_field(per_path, 'path_scores', field_type='data')
        return data_samples
