"""Runner glue: hooks, loops, plots."""
from .hooks import DiversityShrinkHook
from .shrink_plot import plot_shrink_scores

__all__ = ['DiversityShrinkHook', 'plot_shrink_scores']
