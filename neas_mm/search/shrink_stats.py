"""What a shrink step measures: sampled ensembles, their per-path pooled
features and per-path accuracies on a held-out slice of train."""
from dataclasses import dataclass, field
from typing import Dict, List, Sequence, Tuple

import numpy as np

from neas_mm.space import EnsembleArch


@dataclass
class EnsembleSample:
    """One sampled ensemble, measured.

    Args:
        arch: The ensemble architecture.
        path_distances: (K, K) mean over the held-out images of the L2
            distance between the paths' pooled features.
        path_accuracies: (K,) top-1 accuracy of each path, in [0, 1].
    """
    arch: EnsembleArch
    path_distances: np.ndarray
    path_accuracies: np.ndarray

    def __post_init__(self) -> None:
        k = self.arch.num_paths
        self.path_distances = np.asarray(self.path_distances, np.float64)
        self.path_accuracies = np.asarray(self.path_accuracies, np.float64)
        if self.path_distances.shape != (k, k):
            raise ValueError(f'path_distances must be ({k}, {k}), got '
                             f'{self.path_distances.shape}')
        if self.path_accuracies.shape != (k, ):
            raise ValueError(f'path_accuracies must be ({k},), got '
                             f'{self.path_accuracies.shape}')

    @classmethod
    def from_features(cls, arch: EnsembleArch, features: Sequence[np.ndarray],
                      correct: Sequence[np.ndarray]) -> 'EnsembleSample':
        """From per-path pooled features (K arrays of (N, C)) and per-path
        correctness (K boolean arrays of (N,))."""
        feats = [np.asarray(f, np.float64) for f in features]
        k = len(feats)
        dist = np.zeros((k, k))
        for p in range(k):
            for q in range(p + 1, k):
                d = np.linalg.norm(feats[p] - feats[q], axis=1).mean()
                dist[p, q] = dist[q, p] = d
        acc = np.array([np.asarray(c, np.float64).mean() for c in correct])
        return cls(arch, dist, acc)


@dataclass
class LayerStatistics:
    """Per-operator sums gathered at one layer from many samples.

    Args:
        ops: The layer's operators, in matrix index order.
        sim_sum: (N, N) sums of exp(-beta * d(p, q)) over every
            (sample, p, q) with path p using op i and path q using op j.
        pair_count: (N, N) number of such terms.
        acc_sum: (N,) sums of the accuracies of the paths using op i.
        acc_count: (N,) number of such paths.
    """
    ops: Tuple[str, ...]
    sim_sum: np.ndarray
    pair_count: np.ndarray
    acc_sum: np.ndarray
    acc_count: np.ndarray
    index: Dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        self.index = {op: i for i, op in enumerate(self.ops)}


def gather_layer_statistics(samples: Sequence[EnsembleSample],
                            layer_ops: Sequence[Sequence[str]],
                            beta: float) -> List[LayerStatistics]:
    """Accumulate the similarity and accuracy sums of every layer.

    Args:
        samples: Measured ensembles.
        layer_ops: The operators of each layer (the matrix index order).
        beta: Scale of the distances in exp(-beta * d).
    """
    stats = []
    for m, ops in enumerate(layer_ops):
        n = len(ops)
        stats.append(LayerStatistics(tuple(ops), np.zeros((n, n)),
                                     np.zeros((n, n)), np.zeros(n),
                                     np.zeros(n)))
    for sample in samples:
        sim = np.exp(-beta * sample.path_distances)
        for m, layer in enumerate(stats):
            idx = [layer.index[op] for op in sample.arch.layer_ops(m)]
            for p, i in enumerate(idx):
                layer.acc_sum[i] += sample.path_accuracies[p]
                layer.acc_count[i] += 1
                for q, j in enumerate(idx):
                    layer.sim_sum[i, j] += sim[p, q]
                    layer.pair_count[i, j] += 1
    return stats
