from .kpath_sampler import KPathSampler

__all__ = ['KPathSampler']
