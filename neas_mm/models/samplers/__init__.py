from .diversity_kpath_sampler import DiversityKPathSampler
from .kpath_sampler import KPathSampler

__all__ = ['DiversityKPathSampler', 'KPathSampler']
