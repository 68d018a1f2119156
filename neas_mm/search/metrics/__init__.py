from .accuracy_metric import AccuracyMetric
from .diversity_metric import DiversityMetric
from .none_metric import NoneMetric
from .senas_metric import SENASMetric

#: Short names accepted by the shrink hook's ``metric`` argument.
SHRINK_METRICS = {
    cls.name: cls
    for cls in (DiversityMetric, AccuracyMetric, SENASMetric, NoneMetric)
}

__all__ = ['AccuracyMetric', 'DiversityMetric', 'NoneMetric', 'SENASMetric',
           'SHRINK_METRICS']
