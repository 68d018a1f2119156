from .diversity_kpath_sampler import DiversityKPathSampler
from .fair_kpath_sampler import FairKPathSampler
from .kpath_sampler import KPathSampler

__all__ = ['DiversityKPathSampler', 'FairKPathSampler', 'KPathSampler']
