from .ensemble_arch import ArchError, EnsembleArch
from .official import OFFICIAL_ARCH_LISTS, REPORTED_MFLOPS
from .operators import (DEFAULT_STAGE_DEPTHS, MBCONV_SPECS, OFFICIAL_INDEX,
                        OP_NAMES, SKIP, STAGE_SETTINGS, stage_first_layers)
from .search_space import SearchSpace

__all__ = [
    'ArchError', 'EnsembleArch', 'SearchSpace', 'DEFAULT_STAGE_DEPTHS',
    'MBCONV_SPECS', 'OFFICIAL_INDEX', 'OP_NAMES', 'SKIP', 'STAGE_SETTINGS',
    'stage_first_layers', 'OFFICIAL_ARCH_LISTS', 'REPORTED_MFLOPS'
]
