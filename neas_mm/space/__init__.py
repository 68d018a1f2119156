from .ensemble_arch import ArchError, EnsembleArch
from .nasnet_arch import NASNetArch
from .nasnet_cell import NASNetBlock, NASNetCell, NASNetCellError
from .nasnet_operators import NASNET_COMBINES, NASNET_OPS
from .official import OFFICIAL_ARCH_LISTS, REPORTED_MFLOPS
from .operators import (DEFAULT_STAGE_DEPTHS, MBCONV_SPECS, OFFICIAL_INDEX,
                        OP_NAMES, SKIP, STAGE_SETTINGS, stage_first_layers)
from .search_space import SearchSpace

__all__ = [
    'ArchError', 'EnsembleArch', 'SearchSpace', 'DEFAULT_STAGE_DEPTHS',
    'MBCONV_SPECS', 'OFFICIAL_INDEX', 'OP_NAMES', 'SKIP', 'STAGE_SETTINGS',
    'stage_first_layers', 'OFFICIAL_ARCH_LISTS', 'REPORTED_MFLOPS',
    'NASNetArch', 'NASNetBlock', 'NASNetCell', 'NASNetCellError',
    'NASNET_COMBINES', 'NASNET_OPS'
]
