"""Partial models of a run of layers in the K-path space."""
import math
import random

import pytest

from neas_mm.space import SearchSpace
from neas_mm.space.partial_models import (count_partial_models, key_name,
                                          parse_key_name, partial_key,
                                          partial_keys)

DEPTHS = (1, 1, 1, 1, 1)


def shrunk(num_paths, keep, seed=0):
    space = SearchSpace(num_paths, DEPTHS, split_range=(2, 5))
    rng = random.Random(seed)
    for m in space.splittable_layers:
        for combo in rng.sample(space.combos[m], len(space.combos[m]) - keep):
            space.remove(m, combo)
    return space


def test_with_one_path_the_count_is_the_product_of_layer_sizes():
    space = shrunk(1, 3)
    assert count_partial_models(space, [2, 3]) == 3 * 3
    assert count_partial_models(space, [2, 3, 4]) == 27


def test_with_k_paths_shared_layers_add_partial_models():
    space = shrunk(2, 3)
    shared = [len(space.shared_ops(m)) for m in (3, 4)]
    # Split before layer 3, at 4, at 5 (layers 3 and 4 shared).
    assert count_partial_models(space, [3, 4]) == \
        3 * 3 + shared[0] * 3 + math.prod(shared)


def test_every_drawn_architecture_has_its_partial_model_listed():
    space = shrunk(2, 4)
    keys = set(partial_keys(space, [2, 3, 4]))
    rng = random.Random(1)
    for _ in range(200):
        arch = space.sample(rng)
        assert partial_key(arch, [2, 3, 4]) in keys
    assert len(keys) == count_partial_models(space, [2, 3, 4])


def test_names_round_trip_and_bad_names_are_refused():
    space = shrunk(2, 2)
    for key in partial_keys(space, [3, 4]):
        assert parse_key_name(key_name(key)) == key
        assert '.' not in key_name(key)
    with pytest.raises(ValueError, match='does not name a partial model'):
        parse_key_name('2-x_0')
