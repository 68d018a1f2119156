"""SE-NAS space merging (section 3.4) on hand-made layer sizes."""
import math

import pytest

from neas_mm.search.child_spaces import merge_child_spaces


def product(sizes):
    return lambda run: math.prod(sizes[m] for m in run)


def test_the_papers_toy_example():
    # Fig. 3: 6 layers of 5 operators, shrunk, threshold 6 -> two child
    # spaces, layers 2-4 and 5-6 (0-based: 1-3 and 4-5). The text does not
    # give the sizes; these are shrunk sizes with that outcome.
    sizes = [5, 2, 1, 3, 2, 3]
    assert merge_child_spaces(range(6), product(sizes), 6) == \
        [(1, 2, 3), (4, 5)]


def test_grows_from_shallow_to_deep_while_under_the_threshold():
    sizes = [2, 2, 2, 2, 2]
    # Greedy from layer 0: 2 x 2 x 2 = 8 fits 8, a fourth layer does not.
    assert merge_child_spaces(range(5), product(sizes), 8) == \
        [(0, 1, 2), (3, 4)]
    # Everything fits a large threshold: one child space, no sharing left.
    assert merge_child_spaces(range(5), product(sizes), 32) == \
        [(0, 1, 2, 3, 4)]
    # A layer too large for the threshold splits the runs around it.
    sizes = [2, 2, 9, 2, 2]
    assert merge_child_spaces(range(5), product(sizes), 8) == \
        [(0, 1), (3, 4)]


def test_single_layers_merge_only_when_allowed():
    sizes = [3, 5, 3]
    assert merge_child_spaces(range(3), product(sizes), 10) == []
    assert merge_child_spaces(range(3), product(sizes), 10,
                              min_layers=1) == [(0, ), (1, ), (2, )]


def test_existing_child_spaces_are_kept_and_not_crossed():
    sizes = [1, 1, 1, 1, 1, 1]
    assert merge_child_spaces(range(6), product(sizes), 50,
                              existing=[(2, 3)]) == [(0, 1), (4, 5)]
    assert merge_child_spaces(range(6), product(sizes), 50,
                              existing=[(0, 1, 2, 3, 4, 5)]) == []


@pytest.mark.parametrize('kwargs, match', [
    (dict(threshold=0), 'threshold'),
    (dict(threshold=6, min_layers=0), 'min_layers'),
])
def test_bad_parameters_are_refused(kwargs, match):
    with pytest.raises(ValueError, match=match):
        merge_child_spaces(range(3), product([1, 1, 1]), **kwargs)
