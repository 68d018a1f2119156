import pytest

from neas_mm.search import (AccuracyMetric, DiversityMetric, EnsembleSample,
                            NoneMetric, SENASMetric)
from neas_mm.space import EnsembleArch, SearchSpace

A, B, C = 'k3_e4', 'k5_e4', 'k7_e4'


def space():
    return SearchSpace(num_paths=2, stage_depths=(1, ), split_range=(0, 0),
                       ops=(A, B, C))


def sample(ops, dist, acc):
    arch = EnsembleArch(split=0, shared=[], paths=[[o] for o in ops],
                        stage_depths=(1, ))
    return EnsembleSample(arch, [[0, dist], [dist, 0]], acc)


def lowest(scores):
    low = min(scores.values())
    return {combo for (_, combo), v in scores.items()
            if v == pytest.approx(low, rel=1e-9, abs=1e-12)}


def test_identical_paths_are_least_diverse_but_not_least_accurate():
    # A and B give identical features; every path is 90 % accurate.
    samples = [sample((A, B), 0.0, [0.9, 0.9]),
               sample((B, A), 0.0, [0.9, 0.9]),
               sample((A, C), 30.0, [0.9, 0.9]),
               sample((B, C), 30.0, [0.9, 0.9])]
    div = DiversityMetric(beta=0.1).score(samples, space())
    assert lowest(div) == {(A, B), (B, A)}
    acc = AccuracyMetric().score(samples, space())
    assert len(set(acc.values())) == 1  # accuracy cannot tell them apart


def test_accuracy_and_senas_drop_the_weak_operator():
    # C's paths are weak, and C is also the most diverse partner.
    samples = [sample((A, B), 5.0, [0.9, 0.8]),
               sample((A, C), 40.0, [0.9, 0.3]),
               sample((B, C), 40.0, [0.8, 0.3])]
    acc = AccuracyMetric().score(samples, space())
    assert lowest(acc) == {(B, C), (C, B)}
    senas = SENASMetric().score(samples, space())
    assert lowest(senas) == {(B, C), (C, B)}
    # Every surviving combination gets a score from each metric.
    div = DiversityMetric(beta=0.1).score(samples, space())
    assert set(div) == set(acc) == set(senas)
    assert len(div) == 6


def test_none_scores_nothing():
    assert NoneMetric().score([sample((A, B), 1.0, [1, 1])], space()) == {}


@pytest.mark.parametrize('kwargs', [dict(beta=0), dict(gamma=-1)])
def test_bad_diversity_parameters(kwargs):
    with pytest.raises(ValueError):
        DiversityMetric(**kwargs)
