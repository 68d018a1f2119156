"""NASNet's controller RNN over any fixed-length decision vector."""
from typing import Optional, Sequence

import torch
from torch import nn

from .nasnet_controller import Decisions, NASNetController


class DecisionController(NASNetController):
    """:class:`NASNetController` (one-layer LSTM, a softmax classifier and
    an embedding per decision, weights uniform in [-init_range,
    init_range]) emitting ``len(sizes)`` decisions, decision ``t`` over
    ``sizes[t]`` values: the controller of a :class:`DecisionSpace` other
    than NASNet's (e.g. :class:`NEASDecisions`).

    Args:
        sizes: Choices of each decision (each >= 1).
        hidden_size: LSTM units.
        init_range: Initial weights' range.
        seed: Seeds the initial weights (None: torch's global generator).
    """

    def __init__(self, sizes: Sequence[int], hidden_size: int = 100,
                 init_range: float = 0.1,
                 seed: Optional[int] = None) -> None:
        nn.Module.__init__(self)
        sizes = tuple(int(n) for n in sizes)
        if not sizes or min(sizes) < 1:
            raise ValueError(f'sizes must be a non-empty list of ints >= 1, '
                             f'got {list(sizes)}')
        self.num_blocks = None
        self.sizes = sizes
        self.hidden_size = hidden_size
        self.start = nn.Parameter(torch.empty(1, hidden_size))
        self.lstm = nn.LSTMCell(hidden_size, hidden_size)
        self.heads = nn.ModuleList(nn.Linear(hidden_size, n) for n in sizes)
        self.embeddings = nn.ModuleList(
            nn.Embedding(n, hidden_size) for n in sizes[:-1])
        self.reset_parameters(init_range, seed)

    def check_decisions(self, decisions: Decisions) -> torch.Tensor:
        """``decisions`` as an (n, len(sizes)) long tensor; ValueError for a
        wrong length or a value out of its decision's range."""
        decisions = torch.as_tensor(decisions, dtype=torch.long,
                                    device=self.start.device)
        if decisions.dim() == 1:
            decisions = decisions.unsqueeze(0)
        if decisions.dim() != 2 or decisions.shape[1] != len(self.sizes):
            raise ValueError(f'decisions must be (n, {len(self.sizes)}), '
                             f'got {tuple(decisions.shape)}')
        sizes = torch.tensor(self.sizes, device=decisions.device)
        bad = (decisions < 0) | (decisions >= sizes)
        if bad.any():
            row, step = (int(v) for v in bad.nonzero()[0])
            raise ValueError(
                f'decision {step} of row {row} = {int(decisions[row, step])}'
                f' is out of range; allowed: 0..{self.sizes[step] - 1}')
        return decisions
