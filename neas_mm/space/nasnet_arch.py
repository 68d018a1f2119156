"""A NASNet architecture (a normal and a reduction cell), as a value."""
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import yaml

from .nasnet_cell import NASNetCell, NASNetCellError

CELL_KINDS = ('normal', 'reduction')
ARCH_FIELDS = ('name', 'note', 'num_blocks') + CELL_KINDS


def _cell(kind: str, value: Any) -> NASNetCell:
    if isinstance(value, NASNetCell):
        return value
    try:
        return NASNetCell.from_dict(value)
    except NASNetCellError as err:
        raise NASNetCellError(f'{kind} cell: {err}') from err


@dataclass(frozen=True)
class NASNetArch:
    """The two cells the controller predicts: the first 5B of its 2 x 5B
    decisions are the normal cell's, the last 5B the reduction cell's.

    Args:
        normal: The normal cell (keeps the height and width).
        reduction: The reduction cell (halves them: its operations on the
            two cell inputs have stride 2).
        name: Free text naming the architecture (not compared).
        note: Free text, e.g. where the cells come from (not compared).
    """
    normal: NASNetCell
    reduction: NASNetCell
    name: str = field(default='', compare=False)
    note: str = field(default='', compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, 'normal', _cell('normal', self.normal))
        object.__setattr__(self, 'reduction',
                           _cell('reduction', self.reduction))
        if self.normal.num_blocks != self.reduction.num_blocks:
            raise NASNetCellError(
                f'the normal cell has {self.normal.num_blocks} blocks but '
                f'the reduction cell {self.reduction.num_blocks}; both cells '
                'need the same number of blocks B')

    @property
    def num_blocks(self) -> int:
        return self.normal.num_blocks

    # ------------------------------------------------------- formats
    def to_dict(self) -> Dict[str, Any]:
        data: Dict[str, Any] = {}
        if self.name:
            data['name'] = self.name
        if self.note:
            data['note'] = self.note
        data.update(num_blocks=self.num_blocks,
                    normal=self.normal.to_dict(),
                    reduction=self.reduction.to_dict())
        return data

    @classmethod
    def from_dict(cls, data: Any) -> 'NASNetArch':
        if not isinstance(data, dict):
            raise NASNetCellError(f'an architecture must be a mapping with '
                                  f'normal and reduction cells, got '
                                  f'{type(data).__name__}')
        unknown = sorted(set(data) - set(ARCH_FIELDS))
        if unknown:
            raise NASNetCellError(f'architecture: unknown field(s) {unknown}'
                                  f'; allowed: {", ".join(ARCH_FIELDS)}')
        missing = [k for k in CELL_KINDS if k not in data]
        if missing:
            raise NASNetCellError(f'architecture: missing cell(s) {missing}')
        arch = cls(normal=data['normal'], reduction=data['reduction'],
                   name=str(data.get('name', '')),
                   note=str(data.get('note', '')))
        expected = data.get('num_blocks')
        if expected is not None and expected != arch.num_blocks:
            raise NASNetCellError(f'architecture: num_blocks = {expected!r} '
                                  f'but the cells have {arch.num_blocks} '
                                  'blocks')
        return arch

    @staticmethod
    def decision_sizes(num_blocks: int) -> Tuple[int, ...]:
        """Choices of each of the 2 x 5B controller decisions."""
        return NASNetCell.decision_sizes(num_blocks) * 2

    def to_decisions(self) -> List[int]:
        """The controller's 2 x 5B integers (cells' ``concat`` dropped)."""
        return self.normal.to_decisions() + self.reduction.to_decisions()

    @classmethod
    def from_decisions(cls, decisions: Sequence[int],
                       num_blocks: Optional[int] = None) -> 'NASNetArch':
        """The architecture of 2 x 5B decisions (normal cell first)."""
        decisions = list(decisions)
        if num_blocks is None:
            if not decisions or len(decisions) % 10:
                raise NASNetCellError(
                    f'an architecture needs 2 x 5 decisions per block (a '
                    f'positive multiple of 10), got {len(decisions)}')
            num_blocks = len(decisions) // 10
        half = 5 * num_blocks
        if len(decisions) != 2 * half:
            raise NASNetCellError(f'an architecture of {num_blocks} blocks '
                                  f'per cell needs {2 * half} decisions, '
                                  f'got {len(decisions)}')
        cells = []
        for kind, part in zip(CELL_KINDS, (decisions[:half],
                                           decisions[half:])):
            try:
                cells.append(NASNetCell.from_decisions(part, num_blocks))
            except NASNetCellError as err:
                raise NASNetCellError(f'{kind} cell: {err}') from err
        return cls(normal=cells[0], reduction=cells[1])

    @staticmethod
    def space_size(num_blocks: int, unordered_branches: bool = False) -> int:
        """Number of architectures: the square of the cells' count
        (:meth:`NASNetCell.space_size`)."""
        return NASNetCell.space_size(num_blocks, unordered_branches) ** 2

    def dump(self, file: Union[str, Path]) -> None:
        """Write a ``.json`` or ``.yaml``/``.yml`` arch file."""
        file = Path(file)
        if file.suffix in ('.yaml', '.yml'):
            file.write_text(yaml.safe_dump(self.to_dict(), sort_keys=False))
        else:
            file.write_text(self.to_json())

    def to_json(self) -> str:
        """Indented JSON with one line per block."""
        data = self.to_dict()
        lines = ['{']
        for key in ('name', 'note', 'num_blocks'):
            if key in data:
                lines.append(f'  {json.dumps(key)}: {json.dumps(data[key])},')
        for kind in CELL_KINDS:
            cell = data[kind]
            lines.append(f'  "{kind}": {{')
            lines.append('    "blocks": [')
            blocks = [json.dumps(block) for block in cell['blocks']]
            lines += [f'      {text},' for text in blocks[:-1]]
            lines.append(f'      {blocks[-1]}')
            lines.append('    ],')
            lines.append(f'    "concat": {json.dumps(cell["concat"])}')
            lines.append('  },' if kind == 'normal' else '  }')
        lines.append('}')
        return '\n'.join(lines) + '\n'

    @classmethod
    def load(cls, file: Union[str, Path]) -> 'NASNetArch':
        """Read an arch file written by :meth:`dump` (JSON or YAML)."""
        file = Path(file)
        if not file.is_file():
            raise FileNotFoundError(f'NASNet arch file {file} does not '
                                    'exist')
        text = file.read_text()
        try:
            if file.suffix in ('.yaml', '.yml'):
                data = yaml.safe_load(text)
            else:
                data = json.loads(text)
        except (ValueError, yaml.YAMLError) as err:
            raise NASNetCellError(f'{file} is not valid JSON/YAML: {err}'
                                  ) from err
        try:
            return cls.from_dict(data)
        except NASNetCellError as err:
            raise NASNetCellError(f'{file}: {err}') from err

    @classmethod
    def parse(cls, spec: Union['NASNetArch', Dict[str, Any], str, Path,
                               Sequence[int]]) -> 'NASNetArch':
        """An architecture from a :class:`NASNetArch`, its dict, the path
        of an arch file or a controller decision list (2 x 5B integers)."""
        if isinstance(spec, NASNetArch):
            return spec
        if isinstance(spec, dict):
            return cls.from_dict(spec)
        if isinstance(spec, (str, Path)):
            return cls.load(spec)
        if isinstance(spec, (list, tuple)):
            return cls.from_decisions(spec)
        raise NASNetCellError(f'a NASNet arch must be a NASNetArch, a dict, '
                              f'an arch file path or a decision list, got '
                              f'{type(spec).__name__}')

    def __str__(self) -> str:
        return f'normal[{self.normal}] reduction[{self.reduction}]'
