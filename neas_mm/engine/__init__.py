"""Runner glue: hooks, loops, BN recalibration, plots."""
from .fixed_subset import fixed_train_subset
from .hooks import DiversityShrinkHook, ScheduledDropPathHook
from .loops import EvolutionSearchLoop
from .runner_model import runner_model
from .search_plot import plot_search_history
from .shrink_plot import plot_shrink_scores

__all__ = [
    'DiversityShrinkHook', 'EvolutionSearchLoop', 'fixed_train_subset',
    'plot_search_history', 'plot_shrink_scores', 'runner_model',
    'ScheduledDropPathHook'
]
