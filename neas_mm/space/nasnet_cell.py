"""A NASNet convolutional cell (Zoph et al., CVPR 2018, Sec. 3), as a value.

Hidden-state indices (the convention of every ``inputs`` and ``concat``
entry, and of the controller's input decisions):

* ``0``: h_i, the output of the previous cell (the cell's "current" input);
* ``1``: h_{i-1}, the output of the cell before that;
* ``2 + b``: the output of block ``b`` of this cell.

So block ``b`` may read the states ``0 .. b + 1``. This is the order of the
published NASNet-A code (TF-slim's ``hiddenstate_indices``).
"""
from dataclasses import dataclass
from math import prod
from numbers import Integral
from typing import Any, Dict, List, Optional, Sequence, Tuple

from .nasnet_operators import NASNET_COMBINES, NASNET_OPS

BLOCK_FIELDS = ('inputs', 'ops', 'combine')
#: The 5 decisions of a block, in the controller's order.
DECISION_FIELDS = ('input 1', 'input 2', 'op 1', 'op 2', 'combine')


class NASNetCellError(ValueError):
    """A NASNet cell, architecture, file or decision list that is not well
    formed (the message names the block, the field, the bad value and the
    allowed range)."""


def _states_text(num_blocks: int) -> str:
    """What the states readable after ``num_blocks`` blocks are."""
    text = '0 = h_i, 1 = h_{i-1}'
    if num_blocks == 1:
        text += ', 2 = block 0'
    elif num_blocks > 1:
        text += f', 2..{num_blocks + 1} = blocks 0..{num_blocks - 1}'
    return text


@dataclass(frozen=True)
class NASNetBlock:
    """One block: two hidden states, one operation on each, one combine.

    A block is checked by the :class:`NASNetCell` that holds it (the
    allowed inputs depend on the block's position).

    Args:
        inputs: Hidden-state indices of the two branches (module docstring).
        ops: Operation of each branch, names from ``NASNET_OPS``.
        combine: ``'add'`` or ``'concat'``.
    """
    inputs: Tuple[int, int]
    ops: Tuple[str, str]
    combine: str = 'add'

    def to_dict(self) -> Dict[str, Any]:
        return dict(inputs=list(self.inputs), ops=list(self.ops),
                    combine=self.combine)


@dataclass(frozen=True)
class NASNetCell:
    """B blocks; the cell's output concatenates some of its hidden states.

    Args:
        blocks: The B blocks in order (:class:`NASNetBlock` or their dicts).
        concat: Hidden states whose concatenation is the cell's output.
            ``None`` (every searched cell) applies the paper's rule: all
            block outputs that no later block reads. The published NASNet-A
            cells list theirs explicitly, since they also concatenate states
            that are read (h_{i-1} in the normal cell, block 1 in the
            reduction cell); the controller's decisions do not hold it.
    """
    blocks: Tuple[NASNetBlock, ...]
    concat: Optional[Tuple[int, ...]] = None

    def __post_init__(self) -> None:
        if isinstance(self.blocks, (str, bytes)) or \
                not isinstance(self.blocks, Sequence):
            raise NASNetCellError(f'blocks must be a list of blocks, got '
                                  f'{type(self.blocks).__name__}')
        blocks = tuple(self._block(b, block)
                       for b, block in enumerate(self.blocks))
        object.__setattr__(self, 'blocks', blocks)
        if self.concat is not None:
            if isinstance(self.concat, (str, bytes)) or \
                    not isinstance(self.concat, Sequence):
                raise NASNetCellError(
                    f'concat must be a list of hidden-state indices or null, '
                    f'got {self.concat!r}')
            object.__setattr__(self, 'concat', tuple(
                int(v) if _is_int(v) else v for v in self.concat))
        self._validate()

    @staticmethod
    def _block(b: int, block: Any) -> NASNetBlock:
        if isinstance(block, NASNetBlock):
            block = block.to_dict()
        if not isinstance(block, dict):
            raise NASNetCellError(f'block {b}: must be a mapping with '
                                  f'{", ".join(BLOCK_FIELDS)}, got '
                                  f'{type(block).__name__}')
        unknown = sorted(set(block) - set(BLOCK_FIELDS))
        if unknown:
            raise NASNetCellError(f'block {b}: unknown field(s) {unknown}; '
                                  f'allowed: {", ".join(BLOCK_FIELDS)}')
        missing = [k for k in BLOCK_FIELDS if k not in block]
        if missing:
            raise NASNetCellError(f'block {b}: missing field(s) {missing}')
        for field in ('inputs', 'ops'):
            value = block[field]
            if isinstance(value, (str, bytes)) or \
                    not isinstance(value, Sequence) or len(value) != 2:
                raise NASNetCellError(f'block {b}: {field} = {value!r} must '
                                      f'be a pair (one per branch)')
        inputs = tuple(int(v) if _is_int(v) else v for v in block['inputs'])
        return NASNetBlock(inputs=inputs,
                           ops=tuple(block['ops']),
                           combine=block['combine'])

    # ----------------------------------------------------------- checks
    def _validate(self) -> None:
        if not self.blocks:
            raise NASNetCellError('a cell needs at least 1 block, got 0')
        for b, block in enumerate(self.blocks):
            for j, state in enumerate(block.inputs):
                if not _is_int(state) or not 0 <= state <= b + 1:
                    raise NASNetCellError(
                        f'block {b}: inputs[{j}] = {state!r} is out of '
                        f'range; allowed: 0..{b + 1} ({_states_text(b)})')
            for j, op in enumerate(block.ops):
                if op not in NASNET_OPS:
                    raise NASNetCellError(
                        f'block {b}: ops[{j}] = {op!r} is not an operation;'
                        f' allowed: {", ".join(NASNET_OPS)}')
            if block.combine not in NASNET_COMBINES:
                raise NASNetCellError(
                    f'block {b}: combine = {block.combine!r} is not a '
                    f'combine method; allowed: {", ".join(NASNET_COMBINES)}')
        if self.concat is None:
            return
        if not self.concat:
            raise NASNetCellError('concat must list at least one hidden '
                                  'state (or be null for the paper\'s rule)')
        last = self.num_blocks + 1
        for state in self.concat:
            if not _is_int(state) or not 0 <= state <= last:
                raise NASNetCellError(
                    f'concat: {state!r} is out of range; allowed: 0..{last} '
                    f'({_states_text(self.num_blocks)})')
        if len(set(self.concat)) != len(self.concat):
            raise NASNetCellError(f'concat lists a hidden state twice: '
                                  f'{list(self.concat)}')

    # ------------------------------------------------------------ views
    @property
    def num_blocks(self) -> int:
        return len(self.blocks)

    @property
    def used_states(self) -> Tuple[int, ...]:
        """Hidden states that some block reads, sorted."""
        return tuple(sorted({s for block in self.blocks
                             for s in block.inputs}))

    @property
    def output_states(self) -> Tuple[int, ...]:
        """The hidden states concatenated into the cell's output."""
        if self.concat is not None:
            return self.concat
        used = set(self.used_states)
        return tuple(2 + b for b in range(self.num_blocks)
                     if 2 + b not in used)

    @property
    def state_widths(self) -> Tuple[int, ...]:
        """Filters of each hidden state in units of the cell's C: the two
        inputs are brought to C, an added block has C, a concatenated 2C."""
        return (1, 1) + tuple(2 if block.combine == 'concat' else 1
                              for block in self.blocks)

    @property
    def output_width(self) -> int:
        """Filters of the cell's output in units of C."""
        widths = self.state_widths
        return sum(widths[s] for s in self.output_states)

    # ------------------------------------------------------- formats
    def to_dict(self) -> Dict[str, Any]:
        data: Dict[str, Any] = dict(
            blocks=[block.to_dict() for block in self.blocks])
        data['concat'] = None if self.concat is None else list(self.concat)
        return data

    @classmethod
    def from_dict(cls, data: Any) -> 'NASNetCell':
        if not isinstance(data, dict):
            raise NASNetCellError(f'a cell must be a mapping with blocks '
                                  f'(and concat), got {type(data).__name__}')
        unknown = sorted(set(data) - {'blocks', 'concat'})
        if unknown:
            raise NASNetCellError(f'cell: unknown field(s) {unknown}; '
                                  'allowed: blocks, concat')
        if 'blocks' not in data:
            raise NASNetCellError('cell: missing field blocks')
        return cls(blocks=data['blocks'], concat=data.get('concat'))

    @staticmethod
    def decision_sizes(num_blocks: int) -> Tuple[int, ...]:
        """Choices of each of the cell's 5B decisions: per block input 1,
        input 2 (b + 2 states each), op 1, op 2 and combine."""
        if not _is_int(num_blocks) or num_blocks < 1:
            raise NASNetCellError(f'num_blocks must be an int >= 1, got '
                                  f'{num_blocks!r}')
        sizes: List[int] = []
        for b in range(num_blocks):
            sizes += [b + 2, b + 2, len(NASNET_OPS), len(NASNET_OPS),
                      len(NASNET_COMBINES)]
        return tuple(sizes)

    def to_decisions(self) -> List[int]:
        """The controller's 5B integers (``concat`` is not among them)."""
        out: List[int] = []
        for block in self.blocks:
            out += [block.inputs[0], block.inputs[1],
                    NASNET_OPS.index(block.ops[0]),
                    NASNET_OPS.index(block.ops[1]),
                    NASNET_COMBINES.index(block.combine)]
        return out

    @classmethod
    def from_decisions(cls, decisions: Sequence[int],
                       num_blocks: Optional[int] = None) -> 'NASNetCell':
        """The cell of 5B controller decisions (``concat`` = paper's rule).

        Args:
            decisions: Per block input 1, input 2, op 1, op 2, combine.
            num_blocks: B, if known: the list must then have 5B values.
        """
        decisions = list(decisions)
        if num_blocks is None:
            if not decisions or len(decisions) % 5:
                raise NASNetCellError(
                    f'a cell needs 5 decisions per block (a positive '
                    f'multiple of 5), got {len(decisions)}')
            num_blocks = len(decisions) // 5
        sizes = cls.decision_sizes(num_blocks)
        if len(decisions) != len(sizes):
            raise NASNetCellError(f'a cell of {num_blocks} blocks needs '
                                  f'{len(sizes)} decisions, got '
                                  f'{len(decisions)}')
        for t, (value, size) in enumerate(zip(decisions, sizes)):
            if not _is_int(value) or not 0 <= value < size:
                raise NASNetCellError(
                    f'decision {t} (block {t // 5}, {DECISION_FIELDS[t % 5]})'
                    f' = {value!r} is out of range; allowed: 0..{size - 1}')
        blocks = []
        for b in range(num_blocks):
            i1, i2, o1, o2, comb = (int(v) for v in decisions[5 * b:5 * b + 5])
            blocks.append(NASNetBlock(inputs=(i1, i2),
                                      ops=(NASNET_OPS[o1], NASNET_OPS[o2]),
                                      combine=NASNET_COMBINES[comb]))
        return cls(blocks=tuple(blocks))

    @classmethod
    def space_size(cls, num_blocks: int,
                   unordered_branches: bool = False) -> int:
        """Number of distinct cells of B blocks the controller can emit.

        Block b offers (b + 2) states to each branch, ``len(NASNET_OPS)``
        operations to each and 2 combines: prod_b ((b + 2) * O)^2 * 2
        decision lists. With ``unordered_branches`` a block's two (input,
        operation) branches count as an unordered pair (the two orders
        compute the same sum, and the same concatenation up to the order
        of its filters): prod_b P (P + 1) / 2 * 2 with P = (b + 2) * O.
        """
        cls.decision_sizes(num_blocks)  # checks num_blocks
        pairs = [(b + 2) * len(NASNET_OPS) for b in range(num_blocks)]
        per_block = [p * (p + 1) // 2 if unordered_branches else p * p
                     for p in pairs]
        return prod(per_block) * len(NASNET_COMBINES) ** num_blocks

    def __str__(self) -> str:
        parts = [f'b{b}: {block.ops[0]}({block.inputs[0]}) '
                 f'{block.combine} {block.ops[1]}({block.inputs[1]})'
                 for b, block in enumerate(self.blocks)]
        return '; '.join(parts) + f' -> concat{list(self.output_states)}'


def _is_int(value: Any) -> bool:
    return isinstance(value, Integral) and not isinstance(value, bool)
