from pathlib import Path
from typing import Any, List, Optional, Sequence, Tuple, Union

import torch
import torch.nn.functional as F
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule
from torch import nn

from neas_mm.registry import MODELS
from neas_mm.space import NASNetArch
from ..blocks.nasnet_cell_module import NASNetCellModule
from ..utils.frozen_modules import batch_norms_to_eval, freeze

STEMS = ('imagenet', 'cifar')


@MODELS.register_module()
class NASNetBackbone(BaseModule):
    """A NASNet (Zoph et al., CVPR 2018, Fig. 2): ``num_stages`` stacks of
    N normal cells separated by reduction cells, in the paper's "N @ F"
    notation (``num_cells`` @ ``penultimate_filters``).

    F is the filter count of the last cell's output. Each cell has C
    filters per hidden state, doubling at every reduction, and outputs
    ``w * C`` filters (w = its :attr:`NASNetCell.output_width`, 6 for
    NASNet-A's normal cell), so the first stage's C is
    F / (w * 2 ** (num_stages - 1)): F / 24 for NASNet-A with 3 stages.

    Stems:

    * ``'imagenet'``: 3x3 conv of stride 2 without padding, BN, then two
      reduction cells of C / 4 and C / 2 filters: stages at strides 8, 16,
      32 (mmdet's usual levels).
    * ``'cifar'``: 3x3 conv, BN: stages at strides 1, 2, 4.

    ``forward`` returns the (ReLU-activated) outputs of the stages in
    ``out_indices``, e.g. for an FPN; the last stage for a classifier's
    pooling neck. ``out_channels`` lists their filters.

    Args:
        arch: A :class:`NASNetArch`, its dict, the path of an arch file
            (e.g. ``configs/nasnet/archs/nasnet_a.json``) or the
            controller's 2 x 5B decisions.
        num_cells: N, normal cells per stage.
        penultimate_filters: F, filters of the network's last cell output.
        stem: ``'imagenet'`` or ``'cifar'``.
        stem_channels: Filters of the stem convolution before
            ``stem_multiplier``; None: 32 (imagenet) or C (cifar).
        stem_multiplier: Multiplier of ``stem_channels`` (the published
            models use 1 for mobile ImageNet, 3 for large and CIFAR ones).
        num_stages: Normal-cell stacks (separated by ``num_stages - 1``
            reduction cells).
        drop_path_rate: Initial drop-path probability of every operation
            of every cell but identities (the ScheduledDropPathHook
            raises it during training).
        out_indices: Stages whose outputs are returned; None: the last.
        frozen_stages: Freeze the stem (0) and stages up to this index
            (1..num_stages for stages 0..num_stages-1); -1 freezes nothing.
        norm_eval: Keep every BN in eval mode during training.
        norm_cfg: Normalisation config.
        init_cfg: mmengine initialisation config.
    """

    def __init__(self,
                 arch: Union[NASNetArch, dict, str, Path, Sequence[int]],
                 num_cells: int = 4,
                 penultimate_filters: int = 1056,
                 stem: str = 'imagenet',
                 stem_channels: Optional[int] = None,
                 stem_multiplier: float = 1.0,
                 num_stages: int = 3,
                 drop_path_rate: float = 0.0,
                 out_indices: Optional[Sequence[int]] = None,
                 frozen_stages: int = -1,
                 norm_eval: bool = False,
                 norm_cfg: dict = dict(type='BN'),
                 init_cfg: Optional[Any] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.arch = NASNetArch.parse(arch)
        if stem not in STEMS:
            raise ValueError(f'stem must be one of {STEMS}, got {stem!r}')
        for name, value in (('num_cells', num_cells),
                            ('num_stages', num_stages)):
            if not isinstance(value, int) or value < 1:
                raise ValueError(f'{name} must be an int >= 1, got '
                                 f'{value!r}')
        if stem_multiplier <= 0:
            raise ValueError(f'stem_multiplier must be > 0, got '
                             f'{stem_multiplier!r}')
        self.channels = self._first_channels(penultimate_filters,
                                             num_stages)
        if stem == 'imagenet' and self.channels < 4:
            raise ValueError(
                f'the imagenet stem has cells of C / 4 filters, but '
                f'penultimate_filters={penultimate_filters} gives C = '
                f'{self.channels}: use F >= '
                f'{4 * self._step(num_stages)}')
        if out_indices is None:
            out_indices = (num_stages - 1, )
        out_indices = tuple(out_indices)
        if not out_indices or any(
                not isinstance(i, int) or not 0 <= i < num_stages
                for i in out_indices):
            raise ValueError(f'out_indices must be stage indices in [0, '
                             f'{num_stages - 1}], got {list(out_indices)}')
        if not isinstance(frozen_stages, int) or \
                not -1 <= frozen_stages <= num_stages:
            raise ValueError(f'frozen_stages must be in [-1, {num_stages}],'
                             f' got {frozen_stages!r}')
        self.num_cells, self.num_stages = num_cells, num_stages
        self.penultimate_filters = penultimate_filters
        self.out_indices = out_indices
        self.frozen_stages, self.norm_eval = frozen_stages, norm_eval

        c = self.channels
        if stem_channels is None:
            stem_channels = 32 if stem == 'imagenet' else c
        self.stem_channels = int(round(stem_channels * stem_multiplier))
        self.stem = ConvModule(
            3, self.stem_channels, 3, stride=2 if stem == 'imagenet' else 1,
            padding=0 if stem == 'imagenet' else 1, bias=False,
            norm_cfg=norm_cfg, act_cfg=None)
        # (filters of the previous cell's output, of the one before, and
        # whether the one before has twice the previous one's size)
        wiring = (self.stem_channels, None, False)
        self.stem_cells = nn.ModuleList()
        if stem == 'imagenet':
            for scale in (4, 2):
                cell, wiring = self._cell(c // scale, True, wiring,
                                          norm_cfg)
                self.stem_cells.append(cell)
        self.stages = nn.ModuleList()
        for s in range(num_stages):
            stage = nn.ModuleList()
            kinds = [True] * (s > 0) + [False] * num_cells
            for reduction in kinds:
                cell, wiring = self._cell(c * 2**s, reduction, wiring,
                                          norm_cfg)
                stage.append(cell)
            self.stages.append(stage)
        self.set_drop_path_rate(drop_path_rate)
        self._freeze_stages()

    # ------------------------------------------------------------ shapes
    def _step(self, num_stages: int) -> int:
        """F per filter of the first stage's C."""
        return self.arch.normal.output_width * 2**(num_stages - 1)

    def _first_channels(self, filters: int, num_stages: int) -> int:
        step = self._step(num_stages)
        if not isinstance(filters, int) or filters < step or filters % step:
            raise ValueError(
                f'penultimate_filters must be a positive multiple of {step} '
                f'(normal-cell output width {self.arch.normal.output_width}'
                f' x C x 2^{num_stages - 1}), got {filters!r}; e.g. '
                f'{max(filters // step, 1) * step} or '
                f'{(max(filters // step, 0) + 1) * step}')
        return filters // step

    def _cell(self, channels: int, reduction: bool, wiring: tuple,
              norm_cfg: dict) -> Tuple[NASNetCellModule, tuple]:
        """The next cell, wired to the two before it (``wiring``), and the
        wiring of the cell after it."""
        in_channels, prev_channels, prev_reduced = wiring
        cell = NASNetCellModule(
            self.arch.reduction if reduction else self.arch.normal,
            in_channels, prev_channels, prev_reduced, channels, reduction,
            norm_cfg)
        return cell, (cell.out_channels, in_channels, reduction)

    @property
    def out_channels(self) -> Tuple[int, ...]:
        """Filters of each returned stage output."""
        return tuple(self.stages[i][-1].out_channels
                     for i in self.out_indices)

    def set_drop_path_rate(self, rate: float) -> None:
        """Drop-path probability of every cell (ScheduledDropPath)."""
        if not 0.0 <= rate < 1.0:
            raise ValueError(f'drop path rate must be in [0, 1), got {rate}')
        for module in self.modules():
            if isinstance(module, NASNetCellModule):
                module.drop_path_rate = rate

    # ---------------------------------------------------- freeze / train
    def _freeze_stages(self) -> None:
        if self.frozen_stages < 0:
            return
        modules: List[nn.Module] = [self.stem, self.stem_cells]
        modules += [self.stages[s] for s in range(self.frozen_stages)]
        freeze(modules)

    def train(self, mode: bool = True) -> 'NASNetBackbone':
        super().train(mode)
        self._freeze_stages()
        if mode and self.norm_eval:
            batch_norms_to_eval(self)
        return self

    # ----------------------------------------------------------- forward
    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        # x: (N, 3, H, W) -> stem: (N, stem_channels, H', W'), H' = H
        # (cifar) or (H - 1) // 2 (imagenet)
        prev = self.stem(x)
        prev_prev: Optional[torch.Tensor] = None
        for cell in self.stem_cells:
            # imagenet stem cells: (N, 4C/4, H'/2, ..), (N, 4C/2, H'/4, ..)
            prev_prev, prev = prev, cell(prev, prev_prev)
        levels = {}
        for s, stage in enumerate(self.stages):
            for cell in stage:
                prev_prev, prev = prev, cell(prev, prev_prev)
            # stage s: (N, w * C * 2^s, H'' / 2^s, W'' / 2^s), H'' = H
            # (cifar) or H' / 4 (imagenet)
            if s in self.out_indices:
                levels[s] = F.relu(prev)
        return tuple(levels[i] for i in self.out_indices)
