"""EnNAS diversity-based sampling (section 3.3), as pure functions.

Operator diversity (Eq. 4): one minus the mean cosine similarity of two
operators' outputs on the same inputs. Sequential sampling (Eq. 5): the
next operator is drawn with a weight that grows with its mean diversity to
the operators already drawn, divided by that operator's summed diversity
over every set it could have been drawn after, so that each operator's
chance stays about 1/T.

Eq. 5 as printed is not a distribution over the next operator for a given
set (its values sum to 1 over the *sets*, per operator); here the weights
are normalised over the operators still allowed (the distinct-operator
rule of a K-tuple, and the surviving combinations of the shrunk space).
"""
import itertools
from typing import Dict, Sequence, Tuple

import numpy as np
import torch
import torch.nn.functional as F


def operator_diversity(outputs: Sequence[torch.Tensor]) -> np.ndarray:
    """Eq. 4 for every pair of T operators.

    Args:
        outputs: T tensors (n, ...) of the operators' outputs on the same n
            inputs.

    Returns:
        (T, T) matrix: zeta[a, b] = 1 - mean_i cos(o_a(u_i), o_b(u_i)),
        zero on the diagonal.
    """
    flat = [F.normalize(o.flatten(1).double(), dim=1) for o in outputs]
    size = len(flat)
    zeta = np.zeros((size, size))
    for a, b in itertools.combinations(range(size), 2):
        cos = (flat[a] * flat[b]).sum(1).mean().item()
        zeta[a, b] = zeta[b, a] = 1.0 - cos
    return zeta


def next_operator_weights(zeta: np.ndarray,
                          chosen: Sequence[int]) -> np.ndarray:
    """Unnormalised Eq. 5 weight of every operator after ``chosen``: the
    mean diversity ``g(o_i, A)`` to the chosen set, over the sum of
    ``g(o_i, A')`` for every set ``A'`` of the same size without ``o_i``.
    Chosen operators get 0; with nothing chosen every operator gets 1."""
    size = zeta.shape[0]
    h = len(chosen)
    if h == 0:
        return np.ones(size)
    weights = np.zeros(size)
    for i in range(size):
        if i in chosen:
            continue
        others = [j for j in range(size) if j != i]
        total = sum(zeta[i, list(s)].mean()
                    for s in itertools.combinations(others, h))
        weights[i] = zeta[i, list(chosen)].mean() / total if total else 1.0
    return weights


def combo_probabilities(zeta: np.ndarray, ops: Sequence[str],
                        combos: Sequence[Tuple[str, ...]]
                        ) -> Dict[Tuple[str, ...], float]:
    """Probability of each surviving K-tuple of a layer under sequential
    sampling: the product of each position's normalised Eq. 5 weight,
    renormalised over ``combos`` (the layer's surviving combinations).

    Args:
        zeta: (T, T) operator diversity of the layer, in ``ops`` order.
        ops: The T operator names.
        combos: Surviving ordered K-tuples of distinct operators.
    """
    index = {op: i for i, op in enumerate(ops)}
    raw = {}
    for combo in combos:
        chance, chosen = 1.0, []
        for op in combo:
            weights = next_operator_weights(zeta, chosen)
            total = weights.sum()
            chance *= weights[index[op]] / total if total > 0 else 0.0
            chosen.append(index[op])
        raw[combo] = chance
    total = sum(raw.values())
    if total <= 0:  # only operators that compute the same: nothing to prefer
        return {combo: 1.0 / len(raw) for combo in raw}
    return {combo: value / total for combo, value in raw.items()}


def ensemble_diversity(combos: Sequence[Tuple[str, ...]],
                       tables: Dict[int, Tuple[Sequence[str], np.ndarray]],
                       first_layer: int) -> float:
    """Mean Eq. 4 diversity between the K paths of one ensemble: over its
    layers after the split (``combos``, starting at ``first_layer``) and
    over every pair of paths, the measured ``zeta`` of their operators (0
    where two paths share one). 0 for an ensemble whose paths share every
    searchable layer; layers without a table are skipped, nan when none
    has one."""
    if not combos:
        return 0.0
    values = []
    for m, combo in enumerate(combos, start=first_layer):
        if m not in tables:
            continue
        ops, zeta = tables[m]
        index = {op: i for i, op in enumerate(ops)}
        values.extend(zeta[index[a], index[b]]
                      for a, b in itertools.combinations(combo, 2))
    return float(np.mean(values)) if values else float('nan')
