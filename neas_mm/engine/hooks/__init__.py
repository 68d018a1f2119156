from .diversity_shrink_hook import DiversityShrinkHook
from .scheduled_drop_path_hook import ScheduledDropPathHook

__all__ = ['DiversityShrinkHook', 'ScheduledDropPathHook']
