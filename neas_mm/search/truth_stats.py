"""How far a standalone ground truth can be trusted: seed agreement,
reliability, the best tau a perfect proxy could reach against it, and the
smallest tau difference it can resolve. Pure functions of accuracies."""
import math
import random
import statistics
from typing import Dict, List, Sequence, Tuple

from scipy import stats

from .rank_stats import bootstrap_interval, kendall_tau

Matrix = Sequence[Sequence[float]]  # per architecture, per seed


def _check(matrix: Matrix, min_seeds: int = 2) -> None:
    if len(matrix) < 3 or any(len(row) != len(matrix[0]) for row in matrix) \
            or len(matrix[0]) < min_seeds:
        raise ValueError(f'need >= 3 architectures with the same >= '
                         f'{min_seeds} seeds each, got '
                         f'{[len(r) for r in matrix]}')


def _pearson(a: Sequence[float], b: Sequence[float]) -> float:
    r = stats.pearsonr(a, b).statistic
    return 0.0 if r != r else float(r)


def single_seed_reliability(matrix: Matrix) -> float:
    """Mean Pearson correlation, over architectures, between two seeds'
    accuracies, averaged over every pair of seeds."""
    _check(matrix)
    seeds = len(matrix[0])
    pairs = [(i, j) for i in range(seeds) for j in range(i + 1, seeds)]
    return statistics.mean(
        _pearson([r[i] for r in matrix], [r[j] for r in matrix])
        for i, j in pairs)


def mean_reliability(single: float, seeds: int) -> float:
    """Spearman-Brown: the reliability of a mean of ``seeds`` runs whose
    single-run reliability is ``single``."""
    if single <= 0:
        return single
    return seeds * single / (1 + (seeds - 1) * single)


def seed_tau(matrix: Matrix, rounds: int = 1000
             ) -> Tuple[float, Tuple[float, float]]:
    """Kendall tau between seeds 0 and 1 over the architectures, with its
    bootstrap 95% interval (resampling architectures)."""
    _check(matrix)
    a, b = [r[0] for r in matrix], [r[1] for r in matrix]
    ci = bootstrap_interval(
        lambda idx: kendall_tau([a[i] for i in idx], [b[i] for i in idx]),
        len(matrix), rounds)
    return kendall_tau(a, b), ci


def noise_and_spread(matrix: Matrix) -> Dict[str, float]:
    """``seed_std`` (pooled within-architecture standard deviation),
    ``span`` and ``best`` of the architectures' seed means, and
    ``true_std`` (the spread of the means with the seed noise taken out,
    0 when the noise explains all of it)."""
    _check(matrix)
    means = [statistics.mean(r) for r in matrix]
    noise_var = statistics.mean(statistics.variance(r) for r in matrix)
    true_var = statistics.variance(means) - noise_var / len(matrix[0])
    return dict(seed_std=math.sqrt(noise_var),
                span=max(means) - min(means), best=max(means),
                true_std=math.sqrt(max(0.0, true_var)))


def ceiling_tau(matrix: Matrix, truth_seeds: int = 0, rounds: int = 500,
                seed: int = 0) -> float:
    """The expected Kendall tau of a perfect proxy (one that ranks by the
    architectures' true accuracy) against a truth that is the mean of
    ``truth_seeds`` runs (default: all of the matrix's seeds), by
    simulation: true accuracies are the observed means shrunk by the
    noise they contain, and each round adds the seed noise of a
    ``truth_seeds`` mean."""
    _check(matrix)
    truth_seeds = truth_seeds or len(matrix[0])
    means = [statistics.mean(r) for r in matrix]
    grand = statistics.mean(means)
    spread = noise_and_spread(matrix)
    observed_std = statistics.stdev(means)
    shrink = spread['true_std'] / observed_std if observed_std else 0.0
    true = [grand + shrink * (m - grand) for m in means]
    if shrink == 0.0:
        return 0.0
    noise = spread['seed_std'] / math.sqrt(truth_seeds)
    rng = random.Random(seed)
    return statistics.mean(
        kendall_tau(true, [t + rng.gauss(0, noise) for t in true])
        for _ in range(rounds))


def resolvable_tau_difference(scores: Sequence[float],
                              truth: Sequence[float],
                              rounds: int = 1000) -> float:
    """The smallest difference between this proxy's tau and another
    method's (scored on the same architectures, independently) that a
    two-sided 5% test would call real: 1.96 x sqrt(2) x the bootstrap
    standard error of this tau over architectures."""
    if len(scores) != len(truth) or len(truth) < 3:
        raise ValueError(f'need >= 3 paired values, got {len(scores)} and '
                         f'{len(truth)}')
    rng = random.Random(0)
    n = len(truth)
    taus: List[float] = []
    for _ in range(rounds):
        idx = [rng.randrange(n) for _ in range(n)]
        taus.append(kendall_tau([scores[i] for i in idx],
                                [truth[i] for i in idx]))
    return 1.96 * math.sqrt(2) * statistics.stdev(taus)


def resolvable_at(truth: Sequence[float], taus: Sequence[float] = (0.3, 0.5,
                                                                 0.7),
                  draws: int = 5, seed: int = 0) -> Dict[str, float]:
    """What a table of these ``truth`` values can resolve, before any
    method is run: for each target tau, a simulated proxy (the truth plus
    Gaussian noise scaled so that its tau against the truth is about the
    target) and the mean :func:`resolvable_tau_difference` over ``draws``
    such proxies. Keys are the targets as text."""
    if len(truth) < 3:
        raise ValueError(f'need >= 3 values, got {len(truth)}')
    rng = random.Random(seed)
    scale = statistics.pstdev(truth) or 1.0
    out = {}
    for target in taus:
        # tau of truth + noise falls with the noise: bisect its size.
        lo, hi = 0.0, 20.0 * scale
        noises = [[rng.gauss(0, 1) for _ in truth] for _ in range(draws)]
        for _ in range(30):
            mid = (lo + hi) / 2
            tau = statistics.mean(
                kendall_tau([t + mid * e for t, e in zip(truth, n)], truth)
                for n in noises)
            lo, hi = (mid, hi) if tau > target else (lo, mid)
        out[f'{target:g}'] = statistics.mean(
            resolvable_tau_difference([t + lo * e for t, e in zip(truth, n)],
                                      truth, rounds=300)
            for n in noises)
    return out
