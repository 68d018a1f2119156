"""Ground truth for the benchmarks: ensembles trained standalone on
in-memory image tensors, with a cache of their scores."""
from .fused_seeds_trainer import FusedSeedsTrainer
from .ground_truth import GroundTruth
from .image_tensors import load_image_split
from .result_cache import ResultCache
from .space_survival import (combos_kept, decisions_kept, format_share,
                             mean_present, shrink_score_percentiles,
                             survival_line, survival_summary)
from .standalone_trainer import (SeedBatches, StandaloneRecipe,
                                 StandaloneTrainer)
from .supernet_scorer import SupernetScorer
from .truth_table import (MissingTruthError, TableVersionError, TruthTable,
                          table_version)

__all__ = [
    'combos_kept', 'decisions_kept', 'format_share', 'FusedSeedsTrainer',
    'GroundTruth', 'MissingTruthError', 'SeedBatches', 'TableVersionError',
    'TruthTable', 'table_version', 'load_image_split',
    'mean_present', 'ResultCache', 'StandaloneRecipe', 'StandaloneTrainer',
    'SupernetScorer',
    'shrink_score_percentiles', 'survival_line', 'survival_summary'
]
