"""Rank agreement between two scorings of the same architectures, with
bootstrap intervals (the paper's Table 2 protocol reports Kendall tau)."""
import random
from typing import Callable, Dict, List, Sequence, Tuple

from scipy import stats


def kendall_tau(a: Sequence[float], b: Sequence[float]) -> float:
    """Kendall's tau-b of two scorings (ties handled); 0 when undefined."""
    tau = stats.kendalltau(a, b).statistic
    return 0.0 if tau != tau else float(tau)  # NaN: a constant scoring


def spearman_rho(a: Sequence[float], b: Sequence[float]) -> float:
    """Spearman's rho of two scorings; 0 when undefined."""
    rho = stats.spearmanr(a, b).statistic
    return 0.0 if rho != rho else float(rho)


def top_k_overlap(a: Sequence[float], b: Sequence[float], k: int) -> float:
    """Share of the ``k`` best by ``a`` that are also among the ``k`` best
    by ``b``."""
    if not 1 <= k <= len(a):
        raise ValueError(f'k must be in [1, {len(a)}], got {k!r}')
    best_a = set(sorted(range(len(a)), key=lambda i: -a[i])[:k])
    best_b = set(sorted(range(len(b)), key=lambda i: -b[i])[:k])
    return len(best_a & best_b) / k


def bootstrap_interval(statistic: Callable[[List[int]], float], num: int,
                       rounds: int = 1000, level: float = 0.95,
                       seed: int = 0) -> Tuple[float, float]:
    """Percentile interval of ``statistic(indices)`` over ``rounds``
    resamples (with replacement) of ``range(num)``."""
    if num < 1 or rounds < 1 or not 0 < level < 1:
        raise ValueError(f'need num >= 1, rounds >= 1, level in (0, 1); got '
                         f'{num!r}, {rounds!r}, {level!r}')
    rng = random.Random(seed)
    values = sorted(
        statistic([rng.randrange(num) for _ in range(num)])
        for _ in range(rounds))
    lo = values[int((1 - level) / 2 * (rounds - 1))]
    hi = values[int((1 + level) / 2 * (rounds - 1))]
    return float(lo), float(hi)


def rank_agreement(a: Sequence[float], b: Sequence[float], k: int = 5,
                   rounds: int = 1000, seed: int = 0) -> Dict[str, object]:
    """Kendall tau, Spearman rho and top-k overlap of two scorings, each
    with a bootstrap 95% interval over the architectures."""
    out = rank_agreement_over_seeds([a], b, k, rounds, seed)
    del out['kendall_tau_per_seed']
    return out


def rank_agreement_over_seeds(scorings: Sequence[Sequence[float]],
                              truth: Sequence[float], k: int = 5,
                              rounds: int = 1000, seed: int = 0
                              ) -> Dict[str, object]:
    """Agreement of several scorings of the same architectures (e.g. one
    per supernet seed) with ``truth``: each figure is the mean over the
    scorings, and its bootstrap 95% interval resamples the architectures
    (the same resample for every scoring). ``kendall_tau_per_seed`` lists
    each scoring's tau, the spread a single run has."""
    if not scorings or any(len(a) != len(truth) for a in scorings) or \
            len(truth) < 2:
        raise ValueError(f'need scorings of the same >= 2 items as truth, '
                         f'got {[len(a) for a in scorings]} and '
                         f'{len(truth)}')
    k = min(k, len(truth))

    def mean_of(fn: Callable) -> Callable[[List[int]], float]:
        return lambda idx: sum(
            fn([a[i] for i in idx], [truth[i] for i in idx])
            for a in scorings) / len(scorings)

    every = range(len(truth))
    taus = [kendall_tau(a, truth) for a in scorings]
    return dict(
        kendall_tau=sum(taus) / len(taus),
        spearman_rho=mean_of(spearman_rho)(every),
        top_k_overlap=sum(top_k_overlap(a, truth, k)
                          for a in scorings) / len(scorings),
        top_k=k,
        kendall_tau_ci95=bootstrap_interval(mean_of(kendall_tau),
                                            len(truth), rounds, seed=seed),
        spearman_rho_ci95=bootstrap_interval(mean_of(spearman_rho),
                                             len(truth), rounds, seed=seed),
        kendall_tau_per_seed=taus)


def paired_tau_difference(scorings_a: Sequence[Sequence[float]],
                          scorings_b: Sequence[Sequence[float]],
                          truth: Sequence[float],
                          same_runs: bool = False, rounds: int = 1000,
                          seed: int = 0) -> Dict[str, object]:
    """How much better method ``a`` ranks than method ``b`` on the same
    architectures: the difference of their Kendall taus against ``truth``
    (each the mean over its scorings, one per run, e.g. per supernet seed)
    with a 95% interval from a two-level bootstrap: each round resamples
    the architectures, *paired* (both methods see the same resample, so
    the architectures both find hard or easy cancel out), and each
    method's runs (so that run-to-run spread widens the interval; with
    one run per method that spread is unknown and the interval is
    conditional on those runs). ``resolved`` is true when the interval
    excludes 0; it is one test at 5%, not corrected for the many rows a
    benchmark compares.

    Args:
        scorings_a: Method a's scores, one list per run.
        scorings_b: Method b's scores, one list per run.
        truth: The architectures' true accuracies.
        same_runs: The two methods score the same runs (e.g. one
            supernet rescored another way): runs are resampled in pairs,
            by index.
        rounds: Bootstrap rounds.
        seed: Seed of the resampling.

    Raises:
        ValueError: Scorings not of the same >= 3 architectures as
            ``truth``, or of different run counts with ``same_runs``.
    """
    for scorings in (scorings_a, scorings_b):
        if not scorings or any(len(s) != len(truth) for s in scorings) or \
                len(truth) < 3:
            raise ValueError(
                f'need scorings of the same >= 3 items as truth, got '
                f'{[len(s) for s in scorings]} and {len(truth)}')
    if same_runs and len(scorings_a) != len(scorings_b):
        raise ValueError(f'same_runs needs as many runs on both sides, got '
                         f'{len(scorings_a)} and {len(scorings_b)}')

    def tau(scorings: Sequence[Sequence[float]], runs: Sequence[int],
            idx: Sequence[int]) -> float:
        sub = [truth[i] for i in idx]
        return sum(kendall_tau([scorings[r][i] for i in idx], sub)
                   for r in runs) / len(runs)

    # bootstrap_interval resamples the architectures; each of its rounds
    # also resamples the runs, from a generator of its own.
    runs = random.Random(seed + 1)

    def difference(idx: List[int]) -> float:
        runs_a = [runs.randrange(len(scorings_a)) for _ in scorings_a]
        runs_b = runs_a if same_runs else \
            [runs.randrange(len(scorings_b)) for _ in scorings_b]
        return tau(scorings_a, runs_a, idx) - tau(scorings_b, runs_b, idx)

    every = list(range(len(truth)))
    low, high = bootstrap_interval(difference, len(truth), rounds, seed=seed)
    return dict(difference=tau(scorings_a, range(len(scorings_a)), every) -
                tau(scorings_b, range(len(scorings_b)), every),
                difference_ci95=(low, high),
                resolved=bool(low > 0 or high < 0))
