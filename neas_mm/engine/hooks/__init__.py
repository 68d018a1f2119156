from .diversity_shrink_hook import DiversityShrinkHook

__all__ = ['DiversityShrinkHook']
