"""An ensemble architecture of the NEAS space, as a value."""
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Sequence, Tuple, Union

from .operators import (DEFAULT_STAGE_DEPTHS, MBCONV_SPECS, OFFICIAL_INDEX,
                        OFFICIAL_NAME, OP_NAMES, SKIP, stage_first_layers)


class ArchError(ValueError):
    """An architecture (or arch file) that is not well formed."""


@dataclass(frozen=True)
class EnsembleArch:
    """K paths that share their first ``split`` searchable layers.

    Layers are the searchable ones, numbered from 0 (the stem and the fixed
    depthwise-separable layer before them are always shared). Layers
    ``0 .. split-1`` use one operator each, run once for all paths; at every
    later layer the K paths use an ordered K-tuple of distinct operators.

    Args:
        split: Number of shared searchable layers, ``0 <= split <= L``.
        shared: Operator names of layers ``0 .. split-1``.
        paths: K sequences, each the operators of layers ``split .. L-1`` of
            one path.
        stage_depths: Searchable layers per stage (L is their sum).
    """
    split: int
    shared: Tuple[str, ...]
    paths: Tuple[Tuple[str, ...], ...]
    stage_depths: Tuple[int, ...] = DEFAULT_STAGE_DEPTHS

    def __post_init__(self) -> None:
        object.__setattr__(self, 'shared', tuple(self.shared))
        object.__setattr__(self, 'paths',
                           tuple(tuple(path) for path in self.paths))
        object.__setattr__(self, 'stage_depths', tuple(self.stage_depths))
        self._validate()

    # ----------------------------------------------------------- checks
    def _validate(self) -> None:
        depths = self.stage_depths
        if not depths or any(not isinstance(d, int) or d < 1
                             for d in depths):
            raise ArchError(f'stage_depths must be positive ints, got '
                            f'{list(depths)}')
        num_layers = sum(depths)
        if not isinstance(self.split, int) or \
                not 0 <= self.split <= num_layers:
            raise ArchError(f'split must be an int in [0, {num_layers}], '
                            f'got {self.split!r}')
        if len(self.shared) != self.split:
            raise ArchError(f'shared must list split={self.split} '
                            f'operators, got {len(self.shared)}')
        if not self.paths:
            raise ArchError('paths must hold at least one path')
        for p, path in enumerate(self.paths):
            if len(path) != num_layers - self.split:
                raise ArchError(
                    f'paths[{p}] must list {num_layers - self.split} '
                    f'operators (layers {self.split}..{num_layers - 1}), '
                    f'got {len(path)}')
        firsts = set(stage_first_layers(depths))
        for layer in range(num_layers):
            for op in self.layer_ops(layer):
                if op not in OP_NAMES:
                    raise ArchError(f'layer {layer}: unknown operator {op!r}'
                                    f'; allowed: {", ".join(OP_NAMES)}')
                if op == SKIP and layer in firsts:
                    raise ArchError(f'layer {layer}: skip is not allowed on '
                                    "a stage's first layer")
            if layer >= self.split and self.num_paths > 1:
                ops = self.layer_ops(layer)
                if len(set(ops)) != len(ops):
                    raise ArchError(
                        f'layer {layer}: the paths must use distinct '
                        f'operators after the split, got {list(ops)}')

    # ------------------------------------------------------------ views
    @property
    def num_layers(self) -> int:
        return sum(self.stage_depths)

    @property
    def num_paths(self) -> int:
        return len(self.paths)

    def layer_ops(self, layer: int) -> Tuple[str, ...]:
        """The operator of every path at ``layer`` (all equal if shared)."""
        if layer < self.split:
            return (self.shared[layer], ) * self.num_paths
        return tuple(path[layer - self.split] for path in self.paths)

    @property
    def combos(self) -> Tuple[Tuple[str, ...], ...]:
        """The K-tuples of layers ``split .. L-1``."""
        return tuple(
            self.layer_ops(m) for m in range(self.split, self.num_layers))

    def path_ops(self, path: int) -> Tuple[str, ...]:
        """All L operators of one path (shared ones included)."""
        return self.shared + self.paths[path]

    # ------------------------------------------------------- formats
    def to_dict(self) -> Dict[str, Any]:
        return dict(split=self.split, num_paths=self.num_paths,
                    stage_depths=list(self.stage_depths),
                    shared=list(self.shared),
                    paths=[list(path) for path in self.paths])

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> 'EnsembleArch':
        if not isinstance(data, dict):
            raise ArchError(f'an architecture must be a mapping, got '
                            f'{type(data).__name__}')
        missing = {'split', 'shared', 'paths'} - set(data)
        if missing:
            raise ArchError(f'architecture lacks {sorted(missing)}')
        arch = cls(split=data['split'], shared=data['shared'],
                   paths=data['paths'],
                   stage_depths=data.get('stage_depths',
                                         DEFAULT_STAGE_DEPTHS))
        if 'num_paths' in data and data['num_paths'] != arch.num_paths:
            raise ArchError(f'num_paths={data["num_paths"]} but '
                            f'{arch.num_paths} paths are listed')
        return arch

    def to_arch_list(self) -> List[int]:
        """The official NEAS integer encoding (see STACK.md)."""
        codes = [self.split, self.num_paths, 0]
        codes += [OFFICIAL_INDEX[op] for op in self.shared]
        for path in self.paths:
            codes += [OFFICIAL_INDEX[op] for op in path] + [0]
        return codes

    @classmethod
    def from_arch_list(cls, codes: Sequence[int],
                       stage_depths: Sequence[int] = DEFAULT_STAGE_DEPTHS
                       ) -> 'EnsembleArch':
        """Decode an official ``arch_list`` ``[split, K, ds, shared..,
        path_1 .., trailing, path_2 .., trailing, ...]``."""
        codes = list(codes)
        num_layers = sum(stage_depths)
        if len(codes) < 3:
            raise ArchError(f'arch_list too short ({len(codes)} values)')
        split, num_paths = codes[0], codes[1]
        if not isinstance(split, int) or not 0 <= split <= num_layers:
            raise ArchError(f'arch_list split must be in [0, {num_layers}]'
                            f', got {split!r}')
        if not isinstance(num_paths, int) or num_paths < 1:
            raise ArchError(f'arch_list num_path must be >= 1, got '
                            f'{num_paths!r}')
        per_path = num_layers - split + 1
        expected = 3 + split + num_paths * per_path
        if len(codes) != expected:
            raise ArchError(
                f'arch_list with split={split}, num_path={num_paths} and '
                f'{num_layers} layers must have {expected} values, got '
                f'{len(codes)}')

        def name(code: Any, where: str) -> str:
            if code not in OFFICIAL_NAME:
                raise ArchError(f'arch_list {where}: operator index '
                                f'{code!r} out of range [-1, '
                                f'{len(MBCONV_SPECS) - 1}]')
            return OFFICIAL_NAME[code]

        shared = [name(c, f'layer {m}') for m, c in
                  enumerate(codes[3:3 + split])]
        paths = []
        for p in range(num_paths):
            start = 3 + split + p * per_path
            paths.append([
                name(c, f'path {p} layer {split + i}')
                for i, c in enumerate(codes[start:start + per_path - 1])
            ])
        return cls(split=split, shared=shared, paths=paths,
                   stage_depths=tuple(stage_depths))

    def dump(self, file: Union[str, Path]) -> None:
        """Write a ``.json`` or ``.yaml``/``.yml`` arch file (both also hold
        the official ``arch_list``, which is ignored when read back)."""
        file = Path(file)
        data = dict(self.to_dict(), arch_list=self.to_arch_list())
        if file.suffix in ('.yaml', '.yml'):
            import yaml
            file.write_text(yaml.safe_dump(data, sort_keys=False))
        else:
            file.write_text(json.dumps(data, indent=2) + '\n')

    @classmethod
    def load(cls, file: Union[str, Path]) -> 'EnsembleArch':
        """Read an arch file written by :meth:`dump` (JSON or YAML)."""
        file = Path(file)
        if not file.is_file():
            raise FileNotFoundError(f'arch file {file} does not exist')
        text = file.read_text()
        if file.suffix in ('.yaml', '.yml'):
            import yaml
            data = yaml.safe_load(text)
        else:
            try:
                data = json.loads(text)
            except ValueError as err:
                raise ArchError(f'{file} is not valid JSON: {err}') from err
        try:
            if isinstance(data, list):
                return cls.from_arch_list(data)
            data = dict(data)
            data.pop('arch_list', None)
            return cls.from_dict(data)
        except ArchError as err:
            raise ArchError(f'{file}: {err}') from err

    @classmethod
    def parse(cls, spec: Union[str, Path, Sequence[int], Dict[str, Any],
                               'EnsembleArch'],
              stage_depths: Sequence[int] = DEFAULT_STAGE_DEPTHS
              ) -> 'EnsembleArch':
        """An architecture from any accepted form: an ``EnsembleArch``, a
        dict, an official ``arch_list`` (list or comma-separated string) or
        the path of an arch file."""
        if isinstance(spec, EnsembleArch):
            return spec
        if isinstance(spec, dict):
            return cls.from_dict(spec)
        if isinstance(spec, (list, tuple)):
            return cls.from_arch_list(spec, stage_depths)
        text = str(spec).strip()
        if ',' in text and not Path(text).exists():
            try:
                codes = [int(v) for v in text.strip('[]').split(',')]
            except ValueError as err:
                raise ArchError(f'{text!r} is neither an arch file nor a '
                                'comma-separated arch_list') from err
            return cls.from_arch_list(codes, stage_depths)
        return cls.load(text)

    def __str__(self) -> str:
        paths = ' | '.join(' '.join(p) for p in self.paths)
        return (f'split={self.split} shared=[{" ".join(self.shared)}] '
                f'paths=[{paths}]')
