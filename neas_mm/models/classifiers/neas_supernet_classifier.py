import json
import random
from typing import Any, Dict, List, Optional, Sequence, Union

import torch
from mmengine.model import BaseModel
from mmengine.registry import DefaultScope
from mmpretrain.structures import DataSample

from neas_mm.registry import MODELS, TASK_UTILS
from neas_mm.space import EnsembleArch, SearchSpace
from ..utils import batch_statistics

ForwardResults = Union[Dict[str, torch.Tensor], List[DataSample],
                       Sequence[torch.Tensor]]


def pack_extra_state(state: Dict[str, Any]) -> torch.Tensor:
    """``state`` as one uint8 tensor of JSON: mmengine broadcasts every
    state-dict entry from rank 0 at the start of a distributed run, and
    its ``broadcast`` takes single tensors only."""
    return torch.tensor(list(json.dumps(state).encode()), dtype=torch.uint8)


def unpack_extra_state(state: Any) -> Dict[str, Any]:
    """The dict of :func:`pack_extra_state` (or of a checkpoint written
    before it, which held the dict itself)."""
    if torch.is_tensor(state):
        return json.loads(bytes(state.tolist()).decode())
    return state


@MODELS.register_module()
class NEASSupernetClassifier(BaseModel):
    """Trains a K-path NEAS supernet as an image classifier.

    Each training step draws an ensemble architecture from the current
    :class:`SearchSpace` (``self.space``) with the sampler; the loss is the
    sum of the K paths' cross-entropies. ``predict`` scores one ensemble:
    ``eval_arch`` when set (the search loop sets it per candidate), else
    the *reference ensemble*, drawn once with ``val_seed`` from the full
    space. The validation curve thus compares the same network across all
    epochs, shrinks included (shrinking may later remove it from the space;
    the supernet still runs it). The supernet's BN running statistics mix
    every architecture, so by default ``predict`` normalises with each
    batch's own statistics (``eval_bn='batch'``; the search loop instead
    recalibrates BN per candidate and uses ``'running'``).

    The space and the number of draws so far are part of the state dict
    (``get_extra_state``, a JSON byte tensor), so a resumed run continues
    with the same space and the same sequence of architectures.

    Args:
        backbone: Config of a :class:`NEASSupernet`.
        head: Config of a :class:`NEASEnsembleHead`.
        split_range: Inclusive (min, max) split point of the space.
        sampler: Config of the architecture sampler.
        val_seed: Seed of the reference ensemble.
        eval_bn: ``'batch'`` (BN uses batch statistics in ``predict``) or
            ``'running'`` (the stored running statistics).
        data_preprocessor: Data preprocessor config.
        init_cfg: mmengine initialisation config.
    """

    def __init__(self,
                 backbone: dict,
                 head: dict,
                 split_range: Optional[Sequence[int]] = None,
                 sampler: dict = dict(type='neas_mm.KPathSampler'),
                 val_seed: int = 0,
                 eval_bn: str = 'batch',
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        if data_preprocessor is None:
            data_preprocessor = dict(type='mmpretrain.ClsDataPreprocessor')
        super().__init__(data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        # Plain type names resolve in neas_mm whatever the caller's scope.
        with DefaultScope.overwrite_default_scope('neas_mm'):
            self.backbone = MODELS.build(backbone)
            self.head = MODELS.build(head)
            self.sampler = TASK_UTILS.build(sampler)
        if self.head.num_paths != self.backbone.num_paths:
            raise ValueError(f'head has {self.head.num_paths} paths, the '
                             f'backbone {self.backbone.num_paths}')
        self.space: SearchSpace = self.backbone.default_space(split_range)
        self.num_sampled = 0
        self.val_seed = val_seed
        if eval_bn not in ('batch', 'running'):
            raise ValueError(f"eval_bn must be 'batch' or 'running', got "
                             f'{eval_bn!r}')
        self.eval_bn = eval_bn
        self.eval_arch: Optional[EnsembleArch] = None
        self.last_arch: Optional[EnsembleArch] = None  # last trained
        self._reference = self.space.sample(
            random.Random(f'val:{self.val_seed}'))

    # ------------------------------------------------------------ state
    def get_extra_state(self) -> torch.Tensor:
        state = dict(space=self.space.to_dict(),
                     num_sampled=self.num_sampled)
        if hasattr(self.sampler, 'state_dict'):
            state['sampler'] = self.sampler.state_dict()
        return pack_extra_state(state)

    def set_extra_state(self, state: Any) -> None:
        state = unpack_extra_state(state)
        self.space = SearchSpace.from_dict(state['space'])
        self.num_sampled = int(state['num_sampled'])
        if 'sampler' in state and hasattr(self.sampler, 'load_state_dict'):
            self.sampler.load_state_dict(state['sampler'])

    # ------------------------------------------------------ architectures
    def sample_arch(self) -> EnsembleArch:
        """The next training architecture (advances the draw counter)."""
        arch = self.sampler.sample(self.space, self.num_sampled)
        self.num_sampled += 1
        self.last_arch = arch
        return arch

    def reference_arch(self) -> EnsembleArch:
        """The fixed validation ensemble (drawn from the full space)."""
        return self._reference

    # ------------------------------------------------------------ forward
    def extract_feat(self, inputs: torch.Tensor,
                     arch: EnsembleArch) -> Sequence[torch.Tensor]:
        """K pooled path features under ``arch``."""
        return self.backbone(inputs, arch)

    def loss(self, inputs: torch.Tensor,
             data_samples: List[DataSample]) -> Dict[str, torch.Tensor]:
        return self.head.loss(self.extract_feat(inputs, self.sample_arch()),
                              data_samples)

    def predict(self, inputs: torch.Tensor,
                data_samples: Optional[List[DataSample]] = None
                ) -> List[DataSample]:
        arch = self.eval_arch or self.reference_arch()
        # A single image has no batch statistics: running ones are used.
        if self.eval_bn == 'batch' and not self.training and \
                inputs.shape[0] > 1:
            with batch_statistics(self):
                feats = self.extract_feat(inputs, arch)
        else:
            feats = self.extract_feat(inputs, arch)
        return self.head.predict(feats, data_samples)

    def forward(self, inputs: torch.Tensor,
                data_samples: Optional[List[DataSample]] = None,
                mode: str = 'tensor') -> ForwardResults:
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        if mode == 'tensor':
            arch = self.eval_arch or self.reference_arch()
            return self.head(self.extract_feat(inputs, arch))
        raise ValueError(f'mode must be loss, predict or tensor, got '
                         f'{mode!r}')
