"""What a search loop needs of a space it explores with decision vectors:
their sizes, decoding to an architecture and back, and arch files."""
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any, Dict, List, Sequence, Tuple, Union

from torch import nn


class DecisionSpace(ABC):
    """A space whose architectures a controller emits as a fixed-length
    vector of integer decisions, decision ``t`` taking ``sizes[t]`` values.

    Subclasses define :attr:`kind`, :attr:`sizes`, :meth:`decode`,
    :meth:`encode`, the arch (de)serialisation and :meth:`to_dict`
    (the settings that must match when a search resumes). Every vector of
    in-range decisions must decode to an architecture of the space, so a
    search never has to resample or penalise a child.
    """

    kind = ''

    @property
    @abstractmethod
    def sizes(self) -> Tuple[int, ...]:
        """How many values each decision takes."""

    @property
    def num_decisions(self) -> int:
        return len(self.sizes)

    def check(self, decisions: Sequence[int]) -> List[int]:
        """``decisions`` as a list of ints; ValueError naming the first
        decision of a wrong length or out of its range."""
        decisions = [int(d) for d in decisions]
        if len(decisions) != self.num_decisions:
            raise ValueError(f'{self.kind} space: {self.num_decisions} '
                             f'decisions expected, got {len(decisions)}')
        for t, (d, n) in enumerate(zip(decisions, self.sizes)):
            if not 0 <= d < n:
                raise ValueError(f'{self.kind} space: decision {t} = {d} is '
                                 f'out of range; allowed: 0..{n - 1}')
        return decisions

    @abstractmethod
    def decode(self, decisions: Sequence[int]) -> Any:
        """The architecture of a decision vector."""

    @abstractmethod
    def encode(self, arch: Any) -> List[int]:
        """A decision vector that decodes to ``arch``."""

    @abstractmethod
    def arch_to_dict(self, arch: Any) -> Dict[str, Any]:
        """The arch as a JSON-serialisable dict."""

    @abstractmethod
    def arch_from_dict(self, data: Dict[str, Any]) -> Any:
        """The arch of :meth:`arch_to_dict`."""

    def dump(self, arch: Any, file: Union[str, Path]) -> None:
        """Write ``arch`` as the space's readable arch file."""
        arch.dump(file)

    def describe(self, arch: Any) -> str:
        """One line of text naming ``arch``."""
        return str(arch)

    @abstractmethod
    def to_dict(self) -> Dict[str, Any]:
        """The settings a resumed search must match."""

    def build_controller(self, hidden_size: int = 100,
                         init_range: float = 0.1) -> nn.Module:
        """A controller emitting this space's decisions (a
        :class:`DecisionController` unless the space has its own)."""
        from .decision_controller import DecisionController
        return DecisionController(self.sizes, hidden_size, init_range)

