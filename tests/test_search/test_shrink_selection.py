import random

import pytest

from neas_mm.search import select_drops
from neas_mm.space import SearchSpace

OPS = ('k3_e4', 'k5_e4', 'k7_e4', 'skip')


def space():
    # Three layers, all splittable: 6 + 12 + 12 = 30 combinations.
    return SearchSpace(num_paths=2, stage_depths=(3, ), split_range=(0, 3),
                       ops=OPS)


def random_scores(sp, seed=0):
    rng = random.Random(seed)
    return {(m, c): rng.random() for m in sp.splittable_layers
            for c in sp.combos[m]}


def test_global_selection_drops_exactly_the_k_lowest():
    sp = space()
    scores = random_scores(sp)
    drops = select_drops(sp, scores, num_drop=7, threshold=1,
                         per_layer=False)
    dropped = {(d['layer'], tuple(d['combo'])) for d in drops}
    assert dropped == set(sorted(scores, key=scores.get)[:7])
    assert [d['score'] for d in drops] == sorted(d['score'] for d in drops)


def test_per_layer_selection_drops_each_layers_lowest_share():
    sp = space()
    scores = random_scores(sp, seed=3)
    # Layer 0 scores far below the others: a global sort would empty it.
    scores.update({k: v - 10 for k, v in scores.items() if k[0] == 0})
    drops = select_drops(sp, scores, num_drop=15, threshold=1,
                         per_layer=True)
    by_layer = {m: {tuple(d['combo']) for d in drops if d['layer'] == m}
                for m in sp.splittable_layers}
    # Half of each layer, and within it the lowest-scored.
    assert [len(by_layer[m]) for m in range(3)] == [3, 6, 6]
    for m, dropped in by_layer.items():
        ranked = sorted(sp.combos[m], key=lambda c: scores[(m, c)])
        assert dropped == set(ranked[:len(dropped)])
    global_drops = select_drops(sp, scores, 15, 1, per_layer=False)
    assert sum(d['layer'] == 0 for d in global_drops) == 5  # all but one


@pytest.mark.parametrize('per_layer', [True, False])
def test_never_a_layers_last_nor_below_the_threshold(per_layer):
    sp = space()
    scores = random_scores(sp, seed=5)
    drops = select_drops(sp, scores, num_drop=1000, threshold=3,
                         per_layer=per_layer)
    assert len(drops) == sp.size - 3
    for d in drops:
        sp.remove(d['layer'], d['combo'])
    assert [len(sp.combos[m]) for m in sp.splittable_layers] == [1, 1, 1]
    assert select_drops(sp, scores, 5, threshold=3,
                        per_layer=per_layer) == []
