"""The NEAS operator table (paper Table 7; official release encoding).

Each searchable layer chooses one of seven operators: an MBConv block with
squeeze-excitation of kernel 3, 5 or 7 and expansion 4 or 6, or ``skip``
(identity, for elastic depth; never on a stage's first layer).
"""
from typing import Dict, Tuple

#: Operator names in the official index order; ``skip`` is last.
OP_NAMES: Tuple[str, ...] = ('k3_e4', 'k3_e6', 'k5_e4', 'k5_e6', 'k7_e4',
                             'k7_e6', 'skip')
SKIP = 'skip'

#: (kernel size, expansion ratio) of each MBConv operator.
MBCONV_SPECS: Dict[str, Tuple[int, int]] = {
    'k3_e4': (3, 4), 'k3_e6': (3, 6), 'k5_e4': (5, 4), 'k5_e6': (5, 6),
    'k7_e4': (7, 4), 'k7_e6': (7, 6)
}

#: Official ``arch_list`` integers: 0..5 index MBCONV_SPECS, -1 is skip.
OFFICIAL_INDEX: Dict[str, int] = {
    **{name: i for i, name in enumerate(OP_NAMES[:-1])}, SKIP: -1
}
OFFICIAL_NAME: Dict[int, str] = {v: k for k, v in OFFICIAL_INDEX.items()}

#: The official skeleton: (channels, stride of the first layer) per stage.
STAGE_SETTINGS: Tuple[Tuple[int, int], ...] = ((24, 2), (40, 2), (80, 2),
                                               (112, 1), (160, 2))
DEFAULT_STAGE_DEPTHS: Tuple[int, ...] = (4, 4, 4, 4, 4)


def op_rank(name: str) -> int:
    """Position of an operator in :data:`OP_NAMES` (for stable sorting)."""
    return OP_NAMES.index(name)


def stage_first_layers(stage_depths: Tuple[int, ...]) -> Tuple[int, ...]:
    """0-based indices (over searchable layers) of each stage's first layer."""
    firsts, start = [], 0
    for depth in stage_depths:
        firsts.append(start)
        start += depth
    return tuple(firsts)
