"""The NASNet cell space as controller decisions."""
from typing import Any, Dict, List, Sequence, Tuple

from torch import nn

from neas_mm.space import NASNetArch
from .decision_space import DecisionSpace


class NASNetDecisions(DecisionSpace):
    """NASNet's 2 x 5B decisions (normal cell, then reduction cell; per
    block input 1, input 2, op 1, op 2, combine): every vector of in-range
    decisions is an architecture (:meth:`NASNetArch.from_decisions`).

    Args:
        num_blocks: B, blocks per cell (5 in the paper).
    """

    kind = 'nasnet'

    def __init__(self, num_blocks: int = 5) -> None:
        if not isinstance(num_blocks, int) or num_blocks < 1:
            raise ValueError(f'num_blocks must be an int >= 1, got '
                             f'{num_blocks!r}')
        self.num_blocks = num_blocks
        self._sizes = NASNetArch.decision_sizes(num_blocks)

    @property
    def sizes(self) -> Tuple[int, ...]:
        return self._sizes

    def decode(self, decisions: Sequence[int]) -> NASNetArch:
        return NASNetArch.from_decisions(self.check(decisions),
                                         self.num_blocks)

    def encode(self, arch: NASNetArch) -> List[int]:
        if arch.num_blocks != self.num_blocks:
            raise ValueError(f'the architecture has {arch.num_blocks} blocks'
                             f' per cell, the space {self.num_blocks}')
        return arch.to_decisions()

    def arch_to_dict(self, arch: NASNetArch) -> Dict[str, Any]:
        return arch.to_dict()

    def arch_from_dict(self, data: Dict[str, Any]) -> NASNetArch:
        return NASNetArch.from_dict(data)

    def to_dict(self) -> Dict[str, Any]:
        return dict(type=self.kind, num_blocks=self.num_blocks)

    def build_controller(self, hidden_size: int = 100,
                         init_range: float = 0.1) -> nn.Module:
        """The paper's controller (:class:`NASNetController`)."""
        from .nasnet_controller import NASNetController
        return NASNetController(self.num_blocks, hidden_size, init_range)
