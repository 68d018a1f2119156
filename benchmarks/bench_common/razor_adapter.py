"""A K=1 NEAS supernet classifier shaped as mmrazor's search loops expect
it: ``model.architecture`` (run by the resource estimator on a sliced copy)
and ``model.mutator`` (a ``NasMutator`` over the layers' mutables). Used by
``search_vs_mmrazor.py`` only; the project's own loop does not need it."""
from typing import Callable, Dict, List, Optional

import torch
from mmengine.model import BaseModel
from torch import nn

from neas_mm.space import EnsembleArch


def chosen_arch(classifier: nn.Module) -> EnsembleArch:
    """The single-path architecture the layers' mutables currently hold
    (every layer shared: K = 1 has nothing to split)."""
    backbone = classifier.backbone
    ops = [layer.current_choice for layer in backbone.layers]
    return EnsembleArch(split=len(ops), shared=ops, paths=[()],
                        stage_depths=backbone.stage_depths)


def _plain_choices(sample: Callable[..., Dict]) -> Callable[..., Dict]:
    """mmrazor 1.0.0's ``Candidates`` keys a subnet by ``str(dict)`` and
    reads it back with ``eval``; its mutables draw with ``np.random``, and
    under numpy 2 a drawn ``np.str_`` prints as ``np.str_('k3_e4')``, which
    ``eval`` cannot read (``NameError: name 'np' is not defined``). The
    draws are handed on as plain ``str``."""

    def plain(*args, **kwargs) -> Dict:
        return {key: str(value) for key, value in
                sample(*args, **kwargs).items()}
    return plain


class ChoiceFollowingClassifier(nn.Module):
    """Runs the wrapped classifier under :func:`chosen_arch`, so a copy
    that mmrazor slices with ``load_fix_subnet`` runs its fixed operators.

    Args:
        classifier: A K=1 ``NEASSupernetClassifier`` with independent
            operators (``OneShotMutableOP`` layers).
    """

    def __init__(self, classifier: nn.Module) -> None:
        super().__init__()
        self.classifier = classifier

    def forward(self, inputs: torch.Tensor,
                data_samples: Optional[List] = None,
                mode: str = 'tensor'):
        # inputs: (N, 3, H, W) -> logits (mode 'tensor') or data samples
        self.classifier.eval_arch = chosen_arch(self.classifier)
        return self.classifier(inputs, data_samples, mode)


class RazorSearchAdapter(BaseModel):
    """An mmrazor-style algorithm around a K=1 NEAS supernet classifier.

    Args:
        classifier: A K=1 ``NEASSupernetClassifier`` with independent
            operators; its BN running statistics are used in ``predict``
            (mmrazor recalibrates them per candidate).
    """

    def __init__(self, classifier: nn.Module) -> None:
        from mmrazor.models.mutators import NasMutator
        super().__init__(data_preprocessor=classifier.data_preprocessor)
        classifier.eval_bn = 'running'
        self.architecture = ChoiceFollowingClassifier(classifier)
        self.mutator = NasMutator()
        self.mutator.prepare_from_supernet(self.architecture)
        self.mutator.sample_choices = _plain_choices(
            self.mutator.sample_choices)

    def forward(self, inputs: torch.Tensor,
                data_samples: Optional[List] = None,
                mode: str = 'tensor'):
        # inputs: (N, 3, H, W), already normalised by the preprocessor
        return self.architecture(inputs, data_samples, mode)
