import collections
import random

import pytest

from neas_mm.space import ArchError, EnsembleArch, OP_NAMES, SearchSpace


def test_full_space_counts():
    space = SearchSpace(num_paths=2, split_range=(9, 20))
    # A_7^2 = 42 combos per layer, A_6^2 = 30 on a stage's first layer;
    # only layers 9..19 can split (12 and 16 open stages).
    assert space.size == 9 * 42 + 2 * 30
    assert SearchSpace(num_paths=2, split_range=(0, 20)).size == \
        15 * 42 + 5 * 30
    assert space.combos[0][0] == ('k3_e4', 'k3_e6')
    assert 'skip' not in space.shared_ops(0)
    assert space.shared_ops(1) == OP_NAMES
    # Split 20 alone: 6^5 * 7^15 shared choices.
    only_20 = SearchSpace(num_paths=2, split_range=(20, 20))
    assert only_20.num_architectures() == 6**5 * 7**15


def test_tiny_space_architecture_count_by_enumeration():
    space = SearchSpace(num_paths=2, stage_depths=(1, 2), split_range=(1, 3),
                        ops=('k3_e4', 'k5_e4', 'skip'))
    # Layers 0 and 1 open stages (no skip: 2 ops, 2 combos); layer 2 has 3
    # ops, 6 combos. split 1: 2*2*6; split 2: 2*2*6; split 3: 2*2*3.
    assert space.num_architectures() == 24 + 24 + 12
    rng = random.Random(0)
    seen = {space.sample(rng) for _ in range(5000)}
    assert len(seen) == space.num_architectures()


def test_sampling_stays_inside_and_covers_the_space():
    space = SearchSpace(num_paths=2, stage_depths=(2, 2, 2),
                        split_range=(2, 5))
    rng = random.Random(1)
    splits, ops = collections.Counter(), collections.Counter()
    for _ in range(3000):
        arch = space.sample(rng)
        space.check(arch)
        splits[arch.split] += 1
        for layer in range(arch.num_layers):
            for op in arch.layer_ops(layer):
                ops[(layer, op)] += 1
    assert set(splits) == {2, 3, 4, 5}
    for layer in range(space.num_layers):
        for op in space.layer_ops[layer]:
            assert ops[(layer, op)] > 0, (layer, op)


def test_prune_and_shared_ops_follow_surviving_combos():
    space = SearchSpace(num_paths=2, stage_depths=(1, ), split_range=(0, 1),
                        ops=('k3_e4', 'k5_e4', 'k7_e4'))
    assert space.size == 6
    for combo in [('k3_e4', 'k5_e4'), ('k5_e4', 'k3_e4'),
                  ('k3_e4', 'k7_e4'), ('k7_e4', 'k3_e4')]:
        space.remove(0, combo)
    assert space.shared_ops(0) == ('k5_e4', 'k7_e4')
    shared_k3 = EnsembleArch(split=1, shared=['k3_e4'], paths=[[], []],
                             stage_depths=(1, ))
    with pytest.raises(ArchError, match='shrunk away'):
        space.check(shared_k3)
    space.remove(0, ('k5_e4', 'k7_e4'))
    with pytest.raises(ValueError, match='last combination'):
        space.remove(0, ('k7_e4', 'k5_e4'))
    assert space.size == 1


def test_serialisation_is_exact(tmp_path):
    space = SearchSpace(num_paths=3, stage_depths=(2, 2), split_range=(1, 4))
    rng = random.Random(0)
    for _ in range(20):
        layer = rng.choice(space.splittable_layers)
        space.remove(layer, rng.choice(space.combos[layer]))
    space.dump(tmp_path / 'space.json')
    again = SearchSpace.load(tmp_path / 'space.json')
    assert again == space
    assert again.size == space.size
    assert again.num_architectures() == space.num_architectures()


def test_check_names_the_reason():
    space = SearchSpace(num_paths=2, split_range=(9, 20))
    arch = space.sample(random.Random(0), split=9)
    low = EnsembleArch(split=8, shared=arch.shared[:8],
                       paths=[(arch.shared[8], ) + arch.paths[0],
                              ('k7_e6' if arch.shared[8] != 'k7_e6'
                               else 'k3_e4', ) + arch.paths[1]])
    with pytest.raises(ArchError, match='split 8 outside'):
        space.check(low)


def test_always_shared_layers_are_not_shrunk():
    space = SearchSpace(num_paths=2, stage_depths=(2, 2), split_range=(2, 4))
    assert list(space.splittable_layers) == [2, 3]
    with pytest.raises(ValueError, match='always shared'):
        space.remove(0, space.combos[0][0])


@pytest.mark.parametrize('kwargs, match', [
    (dict(num_paths=0), 'num_paths'),
    (dict(split_range=(5, 30)), 'split_range'),
    (dict(num_paths=7), 'fewer than num_paths'),
    (dict(ops=('k3_e4', 'conv')), 'ops must be'),
])
def test_bad_space_parameters(kwargs, match):
    with pytest.raises(ValueError, match=match):
        SearchSpace(**kwargs)
