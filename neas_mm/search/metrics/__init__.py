from .accuracy_metric import AccuracyMetric
from .diversity_metric import DiversityMetric
from .none_metric import NoneMetric
from .random_metric import RandomMetric
from .senas_metric import SENASMetric

#: Short names accepted by the shrink hook's ``metric`` argument.
SHRINK_METRICS = {
    cls.name: cls
    for cls in (DiversityMetric, AccuracyMetric, SENASMetric, RandomMetric,
                NoneMetric)
}

__all__ = ['AccuracyMetric', 'DiversityMetric', 'NoneMetric', 'RandomMetric',
           'SENASMetric', 'SHRINK_METRICS']
