import pytest

from neas_mm.search import (AccuracyMetric, DiversityMetric, EnsembleSample,
                            NoneMetric, RandomMetric, SENASMetric,
                            select_drops)
from neas_mm.space import EnsembleArch, SearchSpace

A, B, C = 'k3_e4', 'k5_e4', 'k7_e4'


def space(layers=1):
    return SearchSpace(num_paths=2, stage_depths=(layers, ),
                       split_range=(0, 0), ops=(A, B, C))


def sample(ops, dist, acc):
    arch = EnsembleArch(split=0, shared=[], paths=[[o] for o in ops],
                        stage_depths=(1, ))
    return EnsembleSample(arch, [[0, dist], [dist, 0]], acc)


def lowest(scores):
    low = min(scores.values())
    return {combo for (_, combo), v in scores.items()
            if v == pytest.approx(low, rel=1e-9, abs=1e-12)}


def test_identical_paths_are_least_diverse_but_not_least_accurate():
    # A and B give identical outputs; every path is 90 % accurate.
    samples = [sample((A, B), 0.0, [0.9, 0.9]),
               sample((B, A), 0.0, [0.9, 0.9]),
               sample((A, C), 0.3, [0.9, 0.9]),
               sample((B, C), 0.3, [0.9, 0.9])]
    div = DiversityMetric().score(samples, space())
    assert lowest(div) == {(A, B), (B, A)}
    acc = AccuracyMetric().score(samples, space())
    assert len(set(acc.values())) == 1  # accuracy cannot tell them apart


def test_accuracy_and_senas_drop_the_weak_operator():
    # C's paths are weak, and C is also the most diverse partner.
    samples = [sample((A, B), 0.05, [0.9, 0.8]),
               sample((B, A), 0.05, [0.8, 0.9]),
               sample((A, C), 0.4, [0.9, 0.3]),
               sample((C, A), 0.4, [0.3, 0.9]),
               sample((B, C), 0.4, [0.8, 0.3]),
               sample((C, B), 0.4, [0.3, 0.8])]
    acc = AccuracyMetric().score(samples, space())
    assert lowest(acc) == {(B, C), (C, B)}
    senas = SENASMetric().score(samples, space())
    assert lowest(senas) == {(B, C), (C, B)}
    # Every surviving combination gets a score from each metric.
    div = DiversityMetric().score(samples, space())
    assert set(div) == set(acc) == set(senas)
    assert len(div) == 6


def two_layer_space():
    # Layer 0 can split (split point 0) or be shared (1); layer 1 always
    # splits.
    return SearchSpace(num_paths=2, stage_depths=(2, ), split_range=(0, 1),
                       ops=(A, B, C))


def two_layer_samples():
    """Layer 0: A's paths strong (0.9), B's and C's weak (0.5), a large
    spread. Layer 1: all its operators weaker still (0.44-0.47) but nearly
    equal; samples with split 1 observe layer 1 only."""
    def arch(split, layer0, layer1):
        shared = [layer0[0]] if split else []
        paths = [([layer0[p]] if not split else []) + [layer1[p]]
                 for p in range(2)]
        return EnsembleArch(split=split, shared=shared, paths=paths,
                            stage_depths=(2, ))

    samples = []
    for pair, acc in (((A, B), [.9, .5]), ((B, C), [.5, .5]),
                      ((C, A), [.5, .9])):
        samples.append(EnsembleSample(arch(0, pair, pair),
                                      [[0, .3], [.3, 0]], acc))
    for pair, acc in (((A, B), [.45, .45]), ((B, C), [.45, .44]),
                      ((C, A), [.44, .45])):
        for _ in range(20):
            samples.append(EnsembleSample(arch(1, pair, pair),
                                          [[0, .3], [.3, 0]], acc))
    return samples


def test_senas_confidence_ranks_layers():
    """Layer 1 holds the least important operators, but layer 0 is the
    confident one (large variance of importance): SE-NAS drops there.
    Importance alone would drop from layer 1."""
    sp, samples = two_layer_space(), two_layer_samples()
    scores = SENASMetric().score(samples, sp)
    drops = select_drops(sp, scores, num_drop=4, threshold=1,
                         per_layer=False)
    assert {d['layer'] for d in drops} == {0}
    importance = AccuracyMetric().score(samples, sp)
    assert {d['layer'] for d in select_drops(
        sp, importance, num_drop=4, threshold=1, per_layer=False)} == {1}
    assert SENASMetric.per_layer is False


def test_random_metric_is_a_seeded_control():
    samples = [sample((A, B), 0.1, [0.9, 0.9])]
    first = RandomMetric(seed=0).score(samples, space())
    assert first == RandomMetric(seed=0).score(samples, space())
    assert first != RandomMetric(seed=1).score(samples, space())
    assert set(first) == {(0, c) for c in space().combos[0]}


def test_none_scores_nothing():
    assert NoneMetric().score([sample((A, B), 1.0, [1, 1])], space()) == {}


@pytest.mark.parametrize('kwargs', [dict(beta=0), dict(beta='median'),
                                    dict(gamma=-1)])
def test_bad_diversity_parameters(kwargs):
    with pytest.raises(ValueError, match=list(kwargs)[0]):
        DiversityMetric(**kwargs)
