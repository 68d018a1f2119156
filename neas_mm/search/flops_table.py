"""FLOPs and parameters of any ensemble from a per-layer lookup table."""
from typing import Any, Dict, List, Sequence, Tuple

import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from neas_mm.space import EnsembleArch


def count_macs(module: nn.Module, x: torch.Tensor) -> Tuple[int, torch.Tensor]:
    """Multiply-adds of ``module(x)`` (torch's counter gives 2 per MAC) and
    the output."""
    counter = FlopCounterMode(display=False)
    with counter:
        out = module(x)
    return counter.get_total_flops() // 2, out


def count_params(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


class FlopsTable:
    """Per-layer, per-operator multiply-adds and parameters of a NEAS space.

    Measured once from a supernet at one input size; afterwards any
    architecture is priced by lookup: the stem, the DS layer and the shared
    layers count once, each path's layers, tail and classifier count once per
    path.

    Args:
        layers: Per searchable layer, ``{op: (macs, params)}``.
        stem: (macs, params) of the stem and the DS layer.
        tail: (macs, params) of one path's tail.
        classifier: (macs, params) of one path's classifier.
        input_size: The (H, W) the table was measured at.
    """

    def __init__(self, layers: Sequence[Dict[str, Sequence[int]]],
                 stem: Sequence[int], tail: Sequence[int],
                 classifier: Sequence[int] = (0, 0),
                 input_size: Sequence[int] = (224, 224)) -> None:
        self.layers = [{op: tuple(v) for op, v in layer.items()}
                       for layer in layers]
        self.stem = tuple(stem)
        self.tail = tuple(tail)
        self.classifier = tuple(classifier)
        self.input_size = tuple(input_size)

    @classmethod
    @torch.no_grad()
    def from_supernet(cls, supernet: nn.Module,
                      input_size: Sequence[int] = (224, 224),
                      num_classes: int = 1000) -> 'FlopsTable':
        """Measure every candidate of a :class:`NEASSupernet` at its input
        shape (batch 1, eval mode; the supernet's mode is restored)."""
        was_training = supernet.training
        supernet.eval()
        try:
            x = torch.zeros(1, 3, *input_size)
            macs_a, x = count_macs(supernet.stem, x)
            macs_b, x = count_macs(supernet.ds, x)
            stem = (macs_a + macs_b,
                    count_params(supernet.stem) + count_params(supernet.ds))
            layers: List[Dict[str, Tuple[int, int]]] = []
            for m in range(supernet.num_layers):
                entry, nxt = {}, None
                for op, module in supernet.candidate_ops(m).items():
                    macs, out = count_macs(module, x)
                    entry[op] = (macs, count_params(module))
                    if op != 'skip':
                        nxt = out
                layers.append(entry)
                x = nxt
            tail_module = supernet.tails[0]
            tail = (count_macs(tail_module, x)[0], count_params(tail_module))
        finally:
            supernet.train(was_training)
        features = supernet.feature_channels
        classifier = (features * num_classes, (features + 1) * num_classes)
        return cls(layers, stem, tail, classifier, input_size)

    def _cost(self, arch: EnsembleArch, index: int) -> int:
        if len(arch.shared) + len(arch.paths[0]) != len(self.layers):
            raise ValueError(f'arch has {arch.num_layers} layers, the table '
                             f'{len(self.layers)}')
        total = self.stem[index]
        for m, op in enumerate(arch.shared):
            total += self.layers[m][op][index]
        for path in arch.paths:
            for i, op in enumerate(path):
                total += self.layers[arch.split + i][op][index]
            total += self.tail[index] + self.classifier[index]
        return total

    def macs(self, arch: EnsembleArch) -> int:
        """Multiply-adds of the whole ensemble on one image."""
        return self._cost(arch, 0)

    def params(self, arch: EnsembleArch) -> int:
        """Parameters of the whole ensemble."""
        return self._cost(arch, 1)

    def to_dict(self) -> Dict[str, Any]:
        return dict(layers=[{op: list(v) for op, v in layer.items()}
                            for layer in self.layers],
                    stem=list(self.stem), tail=list(self.tail),
                    classifier=list(self.classifier),
                    input_size=list(self.input_size))

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> 'FlopsTable':
        return cls(**data)
