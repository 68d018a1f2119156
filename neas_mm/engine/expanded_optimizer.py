"""Keep a Runner's optimizer in step with the supernet's weight copies."""
from typing import List

import torch
from torch import nn


def register_copies(optimizer: torch.optim.Optimizer,
                    model: nn.Module) -> int:
    """Put the supernet's SE-NAS weight copies into ``optimizer``.

    A copy joins the parameter group of the shared parameter it was copied
    from (so its learning rate, weight decay and schedule are that
    parameter's). It starts with no optimizer state (momentum, Adam
    moments): an entangled copy is a slice of its source, whose state
    has another shape.
    Every group then lists its other parameters in their original order
    and the copies after them sorted by name (parameters no longer in the
    model are dropped): a resumed run that rebuilds
    the copies finds them at the places the checkpoint's optimizer state
    names.

    Args:
        optimizer: The Runner's optimizer (``runner.optim_wrapper``'s).
        model: The model whose ``backbone`` is a :class:`NEASSupernet`.

    Returns:
        The number of parameters added.
    """
    expansion = model.backbone.expansion
    names = {p: n for n, p in model.named_parameters()}
    group_of = {p: g for g, group in enumerate(optimizer.param_groups)
                for p in group['params']}
    copies: List[List[nn.Parameter]] = [[] for _ in optimizer.param_groups]
    added = 0
    for copied, source in expansion.copy_sources():
        if source not in group_of:
            continue  # the shared parameter is not trained (frozen)
        copies[group_of[source]].append(copied)
        if copied not in group_of:
            added += 1
    is_copy = {p for group in copies for p in group}
    for group, extra in zip(optimizer.param_groups, copies):
        # Parameters gone from the model (copies rebuilt) leave too.
        for p in group['params']:
            if p not in names:
                optimizer.state.pop(p, None)
        kept = [p for p in group['params']
                if p not in is_copy and p in names]
        group['params'] = kept + sorted(extra, key=names.__getitem__)
    return added
