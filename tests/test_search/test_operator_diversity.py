"""EnNAS operator diversity (Eq. 4) and sequential sampling (Eq. 5) on
hand-made tables."""
import numpy as np
import pytest
import torch

from neas_mm.search.operator_diversity import (combo_probabilities,
                                               ensemble_diversity,
                                               next_operator_weights,
                                               operator_diversity)

ZETA = np.array([[0.0, 0.2, 0.8],
                 [0.2, 0.0, 0.5],
                 [0.8, 0.5, 0.0]])


def test_diversity_of_same_opposite_and_orthogonal_outputs():
    x = torch.randn(6, 4, 3, 3)
    ortho = torch.zeros(6, 2)
    ortho[:, 0] = 1
    other = torch.zeros(6, 2)
    other[:, 1] = 1
    zeta = operator_diversity([x, x.clone(), -x])
    np.testing.assert_allclose(zeta, [[0, 0, 2], [0, 0, 2], [2, 2, 0]],
                               atol=1e-9)
    assert operator_diversity([ortho, other])[0, 1] == pytest.approx(1.0)


def test_next_operator_weights_follow_eq5_by_hand():
    np.testing.assert_allclose(next_operator_weights(ZETA, []), [1, 1, 1])
    # After o0: o1 has g = 0.2 over (0.2 + 0.5), o2 has 0.8 over (0.8 + 0.5).
    np.testing.assert_allclose(next_operator_weights(ZETA, [0]),
                               [0, 0.2 / 0.7, 0.8 / 1.3])
    # After {o0, o1}: only o2, g = (0.8 + 0.5) / 2 over the one set.
    np.testing.assert_allclose(next_operator_weights(ZETA, [0, 1]),
                               [0, 0, 1])


def test_combo_probabilities_prefer_diverse_pairs_and_sum_to_one():
    ops = ['a', 'b', 'c']
    combos = [(x, y) for x in ops for y in ops if x != y]
    probs = combo_probabilities(ZETA, ops, combos)
    assert sum(probs.values()) == pytest.approx(1.0)
    w = 0.2 / 0.7, 0.8 / 1.3
    # First uniform (1/3), then normalised over the two left.
    assert probs[('a', 'c')] == pytest.approx(w[1] / sum(w) / 3)
    assert probs[('a', 'c')] > probs[('a', 'b')]
    # Every operator is drawn first equally often.
    firsts = [sum(p for c, p in probs.items() if c[0] == op) for op in ops]
    np.testing.assert_allclose(firsts, [1 / 3] * 3)
    # A shrunk layer: renormalised over the survivors.
    kept = combo_probabilities(ZETA, ops, [('a', 'b'), ('a', 'c')])
    assert kept[('a', 'c')] / kept[('a', 'b')] == pytest.approx(
        probs[('a', 'c')] / probs[('a', 'b')])


def test_operators_that_compute_the_same_fall_back_to_uniform():
    ops = ['a', 'b', 'c']
    combos = [('a', 'b'), ('b', 'c')]
    probs = combo_probabilities(np.zeros((3, 3)), ops, combos)
    assert probs == {('a', 'b'): 0.5, ('b', 'c'): 0.5}


def test_ensemble_diversity_averages_path_pairs_over_measured_layers():
    ops = ['a', 'b', 'c']
    tables = {4: (ops, ZETA), 5: (ops, ZETA)}
    # Layer 4: (a, c) -> 0.8; layer 5: (b, b) shared -> 0; layer 6 has no
    # table and is skipped.
    combos = [('a', 'c'), ('b', 'b'), ('a', 'b')]
    assert ensemble_diversity(combos, tables, 4) == pytest.approx(0.4)
    # Three paths: pairs (a,b) 0.2, (a,c) 0.8, (b,c) 0.5.
    assert ensemble_diversity([('a', 'b', 'c')], tables, 5) == \
        pytest.approx(0.5)
    assert np.isnan(ensemble_diversity(combos, tables, 7))
    # Split after the last layer: the paths share every operator.
    assert ensemble_diversity([], tables, 10) == 0.0
