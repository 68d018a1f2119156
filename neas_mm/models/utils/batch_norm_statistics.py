import contextlib
from typing import Callable, Iterable, Iterator, List, Tuple

import torch
from torch import nn
from torch.nn.modules.batchnorm import _BatchNorm

from neas_mm.space import EnsembleArch


@contextlib.contextmanager
def preserved_bn_state(model: nn.Module) -> Iterator[nn.Module]:
    """On exit, every BN's running statistics, counter and momentum, and
    every module's train/eval mode, are what they were on entry."""
    bns = [m for m in model.modules() if isinstance(m, _BatchNorm)]
    saved = [(m.running_mean.clone(), m.running_var.clone(),
              m.num_batches_tracked.clone(), m.momentum) for m in bns]
    modes = {m: m.training for m in model.modules()}
    try:
        yield model
    finally:
        for m, (mean, var, tracked, momentum) in zip(bns, saved):
            m.running_mean.copy_(mean)
            m.running_var.copy_(var)
            m.num_batches_tracked.copy_(tracked)
            m.momentum = momentum
        for m, mode in modes.items():
            m.training = mode


def _bns(model: nn.Module) -> Iterator[_BatchNorm]:
    return (m for m in model.modules() if isinstance(m, _BatchNorm))


@contextlib.contextmanager
def batch_statistics(model: nn.Module) -> Iterator[nn.Module]:
    """Evaluate ``model`` with every BN normalising by the batch's own
    statistics; running statistics and modes are untouched afterwards.

    In a supernet the running statistics mix many architectures; scoring
    one architecture with its batch statistics is the usual one-shot remedy.
    Everything but BN is in eval mode (no dropout).
    """
    with preserved_bn_state(model):
        model.eval()
        for bn in _bns(model):
            bn.train()
        yield model


BNStats = List[Tuple[torch.Tensor, torch.Tensor]]


def bn_stats(model: nn.Module) -> BNStats:
    """Copies of every BN's running mean and variance, in module order."""
    return [(m.running_mean.clone(), m.running_var.clone())
            for m in _bns(model)]


def load_bn_stats(model: nn.Module, stats: BNStats) -> None:
    """Put ``stats`` (from :func:`bn_stats` of ``model``) back in place."""
    for m, (mean, var) in zip(_bns(model), stats):
        m.running_mean.copy_(mean)
        m.running_var.copy_(var)


def _reset_for_calibration(model: nn.Module) -> None:
    model.eval()
    for bn in _bns(model):
        bn.reset_running_stats()
        bn.momentum = None  # cumulative moving average
        bn.train()


@contextlib.contextmanager
def recalibrated_paths(model: nn.Module, backbone: nn.Module,
                       arch: EnsembleArch,
                       batches: Iterable[torch.Tensor]
                       ) -> Iterator[nn.Module]:
    """Like :func:`recalibrated_bn` for an ensemble in a supernet, with BN
    statistics re-estimated *per path*: path ``p``'s statistics come from
    running the shared layers and path ``p`` alone, and the supernet loads
    them (``backbone.path_bn_stats``) before path ``p`` runs.

    Two paths that use the same weights at a layer (the same independent
    operator, or overlapping slices of an entangled one) see different
    inputs; estimating their statistics together would mix the two
    distributions. ``model`` (e.g. the classifier around ``backbone``) is
    in eval mode within the block and unchanged afterwards; within it the
    backbone runs ``arch`` only, in eval mode.
    """
    backbone.check_arch(arch)
    batches = list(batches)
    outer, backbone.path_bn_stats = backbone.path_bn_stats, None
    with preserved_bn_state(model):
        # The shared layers run once; their statistics go into path 0's
        # snapshot (the supernet loads it before the shared layers).
        _reset_for_calibration(model)
        with torch.no_grad():
            shared = [backbone.forward_shared(x, arch) for x in batches]
        stats = []
        for path in range(arch.num_paths):
            if path:
                _reset_for_calibration(model)
            with torch.no_grad():
                for features in shared:
                    backbone.forward_path(features, arch, path)
            stats.append(bn_stats(backbone))
        load_bn_stats(backbone, stats[0])  # the shared layers' in place
        model.eval()
        backbone.path_bn_stats = (arch, stats)
        try:
            yield model
        finally:
            backbone.path_bn_stats = outer


@contextlib.contextmanager
def recalibrated_bn(model: nn.Module, forward: Callable[[torch.Tensor], None],
                    batches: Iterable[torch.Tensor]) -> Iterator[nn.Module]:
    """Within the block, every BN of a *static* network ``model`` holds
    running statistics re-estimated from ``batches`` (a cumulative average
    over them, through ``forward``) and the model is in eval mode. On exit
    the previous statistics, momenta and modes come back, so the model is
    unchanged.

    For an ensemble inside a supernet use :func:`recalibrated_paths`: two
    paths sharing weights would otherwise share (and mix) statistics.
    """
    with preserved_bn_state(model):
        _reset_for_calibration(model)
        with torch.no_grad():
            for inputs in batches:
                forward(inputs)
        model.eval()
        yield model
