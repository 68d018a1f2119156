from typing import List, Optional

import torch
from torch import nn

from neas_mm.space import NASNetCell
from neas_mm.space.nasnet_operators import IDENTITY
from ..utils.drop_path import drop_path
from .factorized_reduce import FactorizedReduce
from .nasnet_ops import ReLUConvBN, build_nasnet_op


class NASNetCellModule(nn.Module):
    """One NASNet cell (a :class:`NASNetCell`) with its weights.

    The two inputs are first brought to ``channels`` (C) filters: h_i by
    ReLU-1x1-BN; h_{i-1} by a ReLU and factorized reduction when it has
    twice h_i's height, else by ReLU-1x1-BN when its filters differ. With
    no h_{i-1} (the network's first cell), h_{i-1} is h_i as it came in. In
    a reduction cell the operations on the two inputs have stride 2. Every
    operation's output but identity's goes through drop path
    (``drop_path_rate``, an attribute set by the backbone). The output
    concatenates ``cell.output_states``; a cell input among them is reduced
    (or projected) to C by a factorized reduction.

    Args:
        cell: The cell's structure.
        in_channels: Filters of h_i (the previous cell's output).
        prev_channels: Filters of h_{i-1}; None when there is none.
        prev_reduced: h_{i-1} has twice h_i's height and width.
        channels: The cell's C.
        reduction: A reduction cell (halves height and width).
        norm_cfg: Normalisation config.
    """

    def __init__(self, cell: NASNetCell, in_channels: int,
                 prev_channels: Optional[int], prev_reduced: bool,
                 channels: int, reduction: bool,
                 norm_cfg: dict = dict(type='BN')) -> None:
        super().__init__()
        self.cell, self.reduction = cell, reduction
        self.drop_path_rate = 0.0
        self.preprocess0 = ReLUConvBN(in_channels, channels,
                                      norm_cfg=norm_cfg)
        if prev_channels is None:
            self.preprocess1: nn.Module = nn.Identity()
            state_channels = [channels, in_channels]
        elif prev_reduced:
            self.preprocess1 = FactorizedReduce(prev_channels, channels, 2,
                                                norm_cfg=norm_cfg)
            state_channels = [channels, channels]
        elif prev_channels != channels:
            self.preprocess1 = ReLUConvBN(prev_channels, channels,
                                          norm_cfg=norm_cfg)
            state_channels = [channels, channels]
        else:
            self.preprocess1 = nn.Identity()
            state_channels = [channels, channels]
        self.ops = nn.ModuleList()
        for block in cell.blocks:
            self.ops.append(nn.ModuleList(
                build_nasnet_op(op, state_channels[s], channels,
                                2 if reduction and s < 2 else 1, norm_cfg)
                for s, op in zip(block.inputs, block.ops)))
            state_channels.append(
                2 * channels if block.combine == 'concat' else channels)
        # Cell inputs in the output concatenation, brought to C filters (and
        # to the output's size in a reduction cell).
        self.adjust = nn.ModuleDict()
        for s in cell.output_states:
            if s < 2 and (reduction or state_channels[s] != channels):
                self.adjust[str(s)] = FactorizedReduce(
                    state_channels[s], channels, 2 if reduction else 1,
                    relu=False, norm_cfg=norm_cfg)
        self.out_channels = channels * cell.output_width

    def forward(self, x: torch.Tensor,
                x_prev: Optional[torch.Tensor]) -> torch.Tensor:
        # x: (N, C_in, H, W); x_prev: (N, C_prev, H or 2H, W or 2W) or None
        # -> (N, out_channels, H / s, W / s), s = 2 in a reduction cell
        h0 = self.preprocess0(x)  # (N, C, H, W)
        h1 = self.preprocess1(x if x_prev is None else x_prev)  # (N, C, H, W)
        states: List[torch.Tensor] = [h0, h1]
        for block, ops in zip(self.cell.blocks, self.ops):
            branches = []
            for s, name, op in zip(block.inputs, block.ops, ops):
                y = op(states[s])  # (N, C, H / s, W / s)
                if name != IDENTITY:
                    y = drop_path(y, self.drop_path_rate, self.training)
                branches.append(y)
            if block.combine == 'add':
                states.append(branches[0] + branches[1])  # (N, C, ...)
            else:
                states.append(torch.cat(branches, dim=1))  # (N, 2C, ...)
        outs = [self.adjust[str(s)](states[s]) if str(s) in self.adjust
                else states[s] for s in self.cell.output_states]
        return torch.cat(outs, dim=1)  # (N, out_channels, H / s, W / s)
