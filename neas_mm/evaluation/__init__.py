"""Ground truth for the benchmarks: ensembles trained standalone on
in-memory image tensors, with a cache of their scores."""
from .ground_truth import GroundTruth
from .image_tensors import load_image_split
from .result_cache import ResultCache
from .space_survival import (combos_kept, decisions_kept, mean_present,
                             shrink_score_percentiles, survival_summary)
from .standalone_trainer import StandaloneRecipe, StandaloneTrainer
from .supernet_scorer import SupernetScorer

__all__ = [
    'combos_kept', 'decisions_kept', 'GroundTruth', 'load_image_split',
    'mean_present', 'ResultCache', 'StandaloneRecipe', 'StandaloneTrainer',
    'SupernetScorer',
    'shrink_score_percentiles', 'survival_summary'
]
