import random

import pytest

from neas_mm.search.evolution import (FlopsWindowError, crossover, mutate,
                                      random_arch)
from neas_mm.space import SearchSpace


def shrunk_space(seed=0):
    space = SearchSpace(num_paths=2, stage_depths=(2, 2, 2),
                        split_range=(1, 6))
    rng = random.Random(seed)
    for _ in range(60):
        layer = rng.choice(space.splittable_layers)
        if len(space.combos[layer]) > 1:
            space.remove(layer, rng.choice(space.combos[layer]))
    return space


def flops(arch):
    """A stand-in cost: non-skip operators, shared ones once."""
    return sum(op != 'skip' for op in arch.shared) + sum(
        op != 'skip' for path in arch.paths for op in path)


def test_children_stay_in_the_shrunk_space():
    space = shrunk_space()
    rng = random.Random(1)
    parents = [space.sample(rng) for _ in range(10)]
    for _ in range(300):
        a, b = rng.sample(parents, 2)
        child = crossover(a, b, space, rng)
        space.check(child)
        mutant = mutate(a, space, rng, prob_split=0.5, prob_layer=0.3)
        space.check(mutant)
        assert mutant.num_layers == a.num_layers


def test_split_mutation_moves_the_split_and_keeps_the_layers():
    space = shrunk_space()
    rng = random.Random(2)
    moved = {'deeper': 0, 'shallower': 0}
    for _ in range(200):
        arch = space.sample(rng)
        mutant = mutate(arch, space, rng, prob_split=1.0, prob_layer=0.0)
        assert mutant.split != arch.split
        assert mutant.num_layers == arch.num_layers
        if mutant.split > arch.split:
            moved['deeper'] += 1
            # The new shared layers copy one of the paths.
            copied = mutant.shared[arch.split:mutant.split]
            assert any(copied == path[:len(copied)] for path in arch.paths)
        else:
            moved['shallower'] += 1
            # Each formerly shared operator stays in one of the paths.
            for m in range(mutant.split, arch.split):
                assert arch.shared[m] in mutant.layer_ops(m) or \
                    not any(arch.shared[m] in c for c in space.combos[m])
        assert mutant.shared[:min(arch.split, mutant.split)] == \
            arch.shared[:min(arch.split, mutant.split)]
    assert moved['deeper'] and moved['shallower']


def test_step_split_mutation_moves_one_layer_both_ways():
    space = shrunk_space()
    low, high = space.split_range
    rng = random.Random(6)
    moves, far = set(), 0
    for _ in range(200):
        arch = space.sample(rng)
        stepped = mutate(arch, space, rng, 1.0, 0.0, split_move='step')
        anywhere = mutate(arch, space, rng, 1.0, 0.0, split_move='any')
        moves.add(stepped.split - arch.split)
        assert low <= stepped.split <= high
        space.check(stepped)
        far += abs(anywhere.split - arch.split) > 1
    assert moves == {-1, 1}
    assert far > 50  # 'any' does jump further than a step


def test_unknown_split_move_is_refused():
    space = shrunk_space()
    arch = space.sample(random.Random(0))
    with pytest.raises(ValueError, match="split_move must be one of"):
        mutate(arch, space, random.Random(0), 1.0, 0.0, split_move='jump')


def test_crossover_of_identical_parents_is_the_parent():
    space = shrunk_space()
    rng = random.Random(3)
    for _ in range(50):
        arch = space.sample(rng)
        assert crossover(arch, arch, space, rng) == arch


def test_no_mutation_at_zero_probability():
    space = shrunk_space()
    rng = random.Random(4)
    arch = space.sample(rng)
    assert mutate(arch, space, rng, 0.0, 0.0) == arch


def test_random_arch_meets_the_window_or_says_why():
    space = shrunk_space()
    rng = random.Random(5)
    for _ in range(50):
        assert 8 <= flops(random_arch(space, rng, flops, (8, 10))) <= 10
    with pytest.raises(FlopsWindowError, match='widen the window'):
        random_arch(space, rng, flops, (None, 1), max_tries=50)
