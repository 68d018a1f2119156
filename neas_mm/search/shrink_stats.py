"""What a shrink step measures: sampled ensembles, the distances between
their paths' outputs in a space the paths share (class probabilities) and
each path's accuracy, on a split the supernet is not trained on."""
from dataclasses import dataclass, field
from typing import Dict, List, Sequence, Tuple

import numpy as np

from neas_mm.space import EnsembleArch


@dataclass
class EnsembleSample:
    """One sampled ensemble, measured.

    Args:
        arch: The ensemble architecture.
        path_distances: (K, K) mean over the scored images of the L2
            distance between the paths' outputs (e.g. class probabilities).
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
        """From per-path outputs in a common space (K arrays of (N, C), e.g.
        class probabilities) and per-path correctness (K boolean arrays of
        (N,))."""
        feats = [np.asarray(f, np.float64) for f in features]
        k = len(feats)
        dist = np.zeros((k, k))
        for p in range(k):
            for q in range(p + 1, k):
                d = np.linalg.norm(feats[p] - feats[q], axis=1).mean()
                dist[p, q] = dist[q, p] = d
        acc = np.array([np.asarray(c, np.float64).mean() for c in correct])
        return cls(arch, dist, acc)


def median_distance(samples: Sequence[EnsembleSample]) -> float:
    """Median distance between two different paths over all samples (the
    scale that ``beta='auto'`` divides by); 1.0 without such pairs."""
    values = [s.path_distances[p, q] for s in samples
              for p in range(s.arch.num_paths)
              for q in range(p + 1, s.arch.num_paths)]
    positive = [v for v in values if v > 0]
    return float(np.median(positive)) if positive else 1.0


@dataclass
class LayerStatistics:
    """Per-operator sums gathered at one layer from the samples in which
    the layer is after the split (the only ones where its combinations are
    used).

    Args:
        ops: The layer's operators, in matrix index order.
        sim_sum: (N, N) sums of exp(-beta * d(p, q)) over every
            (sample, p != q) with path p using op i and path q using op j.
            A path's similarity to itself is 1 by definition and is not
            gathered.
        pair_count: (N, N) number of such terms.
        acc_sum: (K, N) sums of the accuracies of path p when it uses op i.
        acc_count: (K, N) number of such paths.
    """
    ops: Tuple[str, ...]
    sim_sum: np.ndarray
    pair_count: np.ndarray
    acc_sum: np.ndarray
    acc_count: np.ndarray
    index: Dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        self.index = {op: i for i, op in enumerate(self.ops)}

    @property
    def num_observed(self) -> int:
        """Samples in which the layer was after the split."""
        return int(self.acc_count[0].sum())


def gather_layer_statistics(samples: Sequence[EnsembleSample],
                            layer_ops: Sequence[Sequence[str]],
                            beta: float) -> List[LayerStatistics]:
    """Accumulate the similarity and accuracy sums of every layer.

    A layer contributes only from samples whose split point puts it after
    the split: where it is shared, every path uses one operator, which says
    nothing about how its combinations would do.

    Args:
        samples: Measured ensembles (all with the same number of paths).
        layer_ops: The operators of each layer (the matrix index order).
        beta: Scale of the distances in exp(-beta * d).
    """
    k = samples[0].arch.num_paths if samples else 1
    stats = []
    for ops in layer_ops:
        n = len(ops)
        stats.append(LayerStatistics(tuple(ops), np.zeros((n, n)),
                                     np.zeros((n, n)), np.zeros((k, n)),
                                     np.zeros((k, n))))
    for sample in samples:
        if sample.arch.num_paths != k:
            raise ValueError(f'samples mix {k} and {sample.arch.num_paths} '
                             f'paths')
        sim = np.exp(-beta * sample.path_distances)
        for m in range(sample.arch.split, len(stats)):
            layer = stats[m]
            idx = [layer.index[op] for op in sample.arch.layer_ops(m)]
            for p, i in enumerate(idx):
                layer.acc_sum[p, i] += sample.path_accuracies[p]
                layer.acc_count[p, i] += 1
                for q, j in enumerate(idx):
                    if p != q:
                        layer.sim_sum[i, j] += sim[p, q]
                        layer.pair_count[i, j] += 1
    return stats
