"""Pure algorithm kernels (no Runner): FLOPs table, shrink statistics and
metrics, the DPP kernel, EnNAS distillation, operator diversity and the
NASNet controller with its PPO training, the decision spaces it samples
(NASNet cells, NEAS ensembles) and evolution over decision vectors."""
from .ensemble_teacher import (distillation_loss, teacher_loss,
                               teacher_weights)
from .operator_diversity import (combo_probabilities, ensemble_diversity,
                                 next_operator_weights, operator_diversity)
from .decision_controller import DecisionController
from .decision_evolution import crossover_decisions, mutate_decisions
from .decision_space import DecisionSpace
from .decision_space_builder import build_decision_space
from .dpp_kernel import (dpp_kernel, log_det_scores, nearest_psd,
                         quality_matrix, quality_vector, similarity_matrix)
from .flops_table import FlopsTable, count_macs, count_params
from .metrics import (SHRINK_METRICS, AccuracyMetric, DiversityMetric,
                      NoneMetric, RandomMetric, SENASMetric)
from .nasnet_controller import ControllerSample, NASNetController
from .nasnet_decisions import NASNetDecisions
from .neas_decisions import NEASDecisions
from .ppo_trainer import PPOTrainer, ppo_surrogate_loss, reinforce_loss
from .rank_stats import (bootstrap_interval, kendall_tau,
                         paired_tau_difference, rank_agreement,
                         rank_agreement_over_seeds,
                         spearman_rho, top_k_overlap)
from .shrink_selection import select_drops
from .shrink_stats import (EnsembleSample, LayerStatistics,
                           gather_layer_statistics, median_distance)
from .stratified import stratified_by_flops
from .truth_stats import (ceiling_tau, mean_reliability, noise_and_spread,
                          resolvable_at, resolvable_tau_difference,
                          seed_tau, single_seed_reliability)

__all__ = [
    'FlopsTable', 'count_macs', 'count_params', 'EnsembleSample',
    'LayerStatistics', 'gather_layer_statistics', 'median_distance',
    'dpp_kernel', 'log_det_scores', 'nearest_psd', 'quality_matrix',
    'quality_vector', 'similarity_matrix', 'select_drops',
    'SHRINK_METRICS', 'AccuracyMetric', 'DiversityMetric', 'NoneMetric',
    'RandomMetric', 'SENASMetric', 'bootstrap_interval', 'kendall_tau',
    'paired_tau_difference',
    'rank_agreement', 'rank_agreement_over_seeds', 'spearman_rho',
    'top_k_overlap', 'stratified_by_flops', 'distillation_loss',
    'teacher_loss', 'teacher_weights', 'combo_probabilities',
    'next_operator_weights', 'operator_diversity', 'ensemble_diversity',
    'ceiling_tau', 'mean_reliability', 'noise_and_spread',
    'resolvable_at', 'resolvable_tau_difference', 'seed_tau',
    'single_seed_reliability', 'ControllerSample', 'NASNetController',
    'PPOTrainer', 'ppo_surrogate_loss', 'reinforce_loss',
    'DecisionController', 'DecisionSpace', 'build_decision_space',
    'NASNetDecisions', 'NEASDecisions', 'crossover_decisions',
    'mutate_decisions'
]
