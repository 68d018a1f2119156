"""NASNet's controller RNN (Zoph et al., CVPR 2018, Sec. 3, Fig. 3 and
appendix A.2), as a pure torch kernel (no Runner)."""
from typing import List, NamedTuple, Optional, Sequence, Tuple, Union

import torch
import torch.nn.functional as F
from torch import nn

from neas_mm.space import NASNetArch

Decisions = Union[torch.Tensor, Sequence[Sequence[int]]]


class ControllerSample(NamedTuple):
    """Architectures drawn by the controller.

    Args:
        decisions: (n, 10B) integers, one architecture per row.
        log_probs: (n,) log-probability of each row (sum over decisions).
        entropies: (n,) sum over decisions of each softmax's entropy.
    """
    decisions: torch.Tensor
    log_probs: torch.Tensor
    entropies: torch.Tensor


class NASNetController(nn.Module):
    """A one-layer LSTM that emits an architecture's 2 x 5B decisions one
    at a time (normal cell first; per block input 1, input 2, op 1, op 2,
    combine).

    Every decision has its own softmax classifier over its own choices (a
    block's inputs may be any of the b + 2 states before it), and its own
    embedding that feeds the chosen value to the next step; the first step
    reads a learned start vector. The joint probability of an architecture
    is the product of its 10B softmax probabilities (A.2).

    Args:
        num_blocks: B, blocks per cell.
        hidden_size: LSTM units (100 in A.2).
        init_range: Every weight starts uniform in [-init_range,
            init_range] (0.1 in A.2).
        seed: Seeds the initial weights (a private generator; None uses
            torch's global one).
    """

    def __init__(self, num_blocks: int = 5, hidden_size: int = 100,
                 init_range: float = 0.1,
                 seed: Optional[int] = None) -> None:
        super().__init__()
        self.num_blocks = num_blocks
        self.sizes: Tuple[int, ...] = NASNetArch.decision_sizes(num_blocks)
        self.hidden_size = hidden_size
        self.start = nn.Parameter(torch.empty(1, hidden_size))
        self.lstm = nn.LSTMCell(hidden_size, hidden_size)
        self.heads = nn.ModuleList(
            nn.Linear(hidden_size, n) for n in self.sizes)
        # The last decision feeds no further step.
        self.embeddings = nn.ModuleList(
            nn.Embedding(n, hidden_size) for n in self.sizes[:-1])
        self.reset_parameters(init_range, seed)

    @property
    def num_decisions(self) -> int:
        return len(self.sizes)

    @torch.no_grad()
    def reset_parameters(self, init_range: float = 0.1,
                         seed: Optional[int] = None) -> None:
        """Every weight uniform in [-init_range, init_range]."""
        generator = None
        if seed is not None:
            generator = torch.Generator().manual_seed(seed)
        for param in self.parameters():
            param.copy_(torch.rand(param.shape, generator=generator) * 2 *
                        init_range - init_range)

    # ----------------------------------------------------------- checks
    def check_decisions(self, decisions: Decisions) -> torch.Tensor:
        """``decisions`` as an (n, 10B) long tensor; raises ValueError for
        a wrong length or a value out of its decision's range."""
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

    # ---------------------------------------------------------- running
    def _run(self, n: int, decisions: Optional[torch.Tensor],
             generator: Optional[torch.Generator]
             ) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor,
                        List[torch.Tensor]]:
        """Step the LSTM over all decisions, drawing them (``decisions``
        None) or reading them (teacher forcing)."""
        x = self.start.expand(n, -1)  # (n, hidden)
        state = None
        chosen, log_probs, entropies, all_logits = [], [], [], []
        for t in range(self.num_decisions):
            h, c = self.lstm(x, state)  # (n, hidden) each
            state = (h, c)
            logits = self.heads[t](h)  # (n, sizes[t])
            log_p = F.log_softmax(logits, dim=-1)
            if decisions is None:
                with torch.no_grad():
                    d = torch.multinomial(log_p.exp(), 1,
                                          generator=generator)[:, 0]
            else:
                d = decisions[:, t]  # (n,)
            chosen.append(d)
            log_probs.append(log_p.gather(1, d[:, None])[:, 0])
            entropies.append(-(log_p.exp() * log_p).sum(-1))
            all_logits.append(logits)
            if t + 1 < self.num_decisions:
                x = self.embeddings[t](d)  # (n, hidden)
        return (torch.stack(chosen, 1), torch.stack(log_probs, 1).sum(1),
                torch.stack(entropies, 1).sum(1), all_logits)

    def sample(self, n: int,
               generator: Optional[torch.Generator] = None
               ) -> ControllerSample:
        """Draw ``n`` architectures (their log-probabilities keep the graph
        unless called under ``torch.no_grad``)."""
        if not isinstance(n, int) or n < 1:
            raise ValueError(f'n must be an int >= 1, got {n!r}')
        decisions, log_probs, entropies, _ = self._run(n, None, generator)
        return ControllerSample(decisions, log_probs, entropies)

    def evaluate(self, decisions: Decisions
                 ) -> Tuple[torch.Tensor, torch.Tensor]:
        """(n,) log-probabilities and (n,) summed entropies of given
        decisions."""
        decisions = self.check_decisions(decisions)
        _, log_probs, entropies, _ = self._run(len(decisions), decisions,
                                               None)
        return log_probs, entropies

    def log_prob(self, decisions: Decisions) -> torch.Tensor:
        """(n,) log-probability of each row of decisions."""
        return self.evaluate(decisions)[0]

    def logits(self, decisions: Decisions) -> List[torch.Tensor]:
        """Per step, the (n, sizes[t]) logits the controller gives when it
        has emitted ``decisions[:, :t]``."""
        decisions = self.check_decisions(decisions)
        return self._run(len(decisions), decisions, None)[3]

    def forward(self, decisions: Decisions) -> torch.Tensor:
        # decisions: (n, 10B) -> (n,) log-probabilities
        return self.log_prob(decisions)
