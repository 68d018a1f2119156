from .diversity_shrink_hook import DiversityShrinkHook
from .ensemble_distill_hook import EnsembleDistillHook
from .operator_diversity_hook import OperatorDiversityHook
from .rank_record_hook import RankRecordHook
from .scheduled_drop_path_hook import ScheduledDropPathHook

__all__ = ['DiversityShrinkHook', 'EnsembleDistillHook',
           'OperatorDiversityHook', 'RankRecordHook', 'ScheduledDropPathHook']
