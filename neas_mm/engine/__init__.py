"""Runner glue: hooks, loops, BN recalibration, plots."""
from .fixed_subset import (build_split, check_disjoint, fixed_subset,
                           fixed_train_subset, image_files)
from .hooks import (DiversityShrinkHook, EnsembleDistillHook,
                    OperatorDiversityHook, RankRecordHook,
                    ScheduledDropPathHook)
from .controller_plot import plot_controller_search
from .loops import EvolutionSearchLoop, RLControllerSearchLoop
from .runner_model import runner_model
from .search_plot import plot_search_history
from .shrink_plot import plot_shrink_scores

__all__ = [
    'build_split', 'check_disjoint', 'DiversityShrinkHook',
    'EvolutionSearchLoop', 'RLControllerSearchLoop', 'fixed_subset',
    'fixed_train_subset', 'image_files', 'RankRecordHook',
    'EnsembleDistillHook', 'OperatorDiversityHook',
    'plot_controller_search', 'plot_search_history', 'plot_shrink_scores',
    'runner_model', 'ScheduledDropPathHook'
]
