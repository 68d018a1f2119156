"""NASNet's controller RNN over any fixed-length decision vector."""
from typing import Optional, Sequence

import torch
from torch import nn

from .nasnet_controller import NASNetController


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
